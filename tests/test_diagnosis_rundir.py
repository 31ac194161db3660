"""A run directory's diagnosis: logs + ledger + results.json in, results.json "diagnosis" and ledger events out."""
from __future__ import annotations

import calendar
import json
import shutil
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from chaoskit import checker, ledger
from chaoskit.cli import main
from chaoskit.diagnosis import rundir

DATA = Path(__file__).parent / "data" / "diagnosis" / "5.5.0"
T0 = calendar.timegm((2026, 12, 3, 0, 18, 0))


def make_run(tmp_path: Path, with_logs: bool = True) -> Path:
    """A run of the fixtures' stale-master sequence: v2 and v3 acknowledged in the stale window, v4 after it."""
    run = tmp_path / "run"
    path = run / "ledger.db"
    ledger.create(path)
    conn = sqlite3.connect(path)
    with conn:
        for value, ack in (("queue/v1", 20), ("queue/v2", 30), ("queue/v3", 38), ("queue/v4", 50)):
            conn.execute("INSERT INTO sends(value, process, invoke_ts, complete_ts, outcome) VALUES (?, 'p0', ?, ?, 'ok')",
                         (value, T0 + ack - 0.01, T0 + ack))
        for value in ("queue/v1", "queue/v3"):
            conn.execute("INSERT INTO receives(value, process, ts) VALUES (?, 'c0', ?)", (value, T0 + 45))
        conn.execute("INSERT INTO final_reads(value, ts, commitlog_offset) VALUES ('queue/v1', ?, 1000)", (T0 + 20,))
        conn.execute("INSERT INTO faults(name, target, start_ts, end_ts) VALUES ('partition', 'broker-a-1 (master)', ?, ?)",
                     (T0 + 15, T0 + 29))
        conn.execute("INSERT INTO events(ts, kind, detail) VALUES (?, 'phase', 'main')", (T0,))
        conn.executemany("INSERT INTO meta(key, value) VALUES (?, ?)", [
            ("drain_complete", "true"), ("final_read_complete", "true"), ("ledger_complete", "true"),
            ("log_utc_offset_hours", "8"), ("rocketmq_version", "5.5.0")])
    conn.close()
    if with_logs:
        (run / "logs").mkdir()
        for f in DATA.glob("*.log"):
            shutil.copy(f, run / "logs" / f.name)
        (run / "logs" / "proxy-0.log").write_text("2026-12-03 08:18:30 INFO t - not read\n")
        (run / "logs" / "broker-a-0.container.log").write_text("not read either\n")
    checker.write_results(run)
    return run


def test_the_diagnosis_explains_the_stale_masters_loss(tmp_path):
    run = make_run(tmp_path)
    rundir.write(run)
    results = json.loads((run / "results.json").read_text())
    assert (results["lost"], results["lost_in_store"]) == (["queue/v2", "queue/v4"], ["queue/v2", "queue/v3", "queue/v4"])
    found = results["diagnosis"]
    assert [(w["kind"], w["start_ts"] - T0, w["end_ts"] - T0, w["broker"], w["lost_values"], w["examples"])
            for w in found["windows"]] == [("stale_master_ack", 28, 41, "broker-a-1", 2, ["queue/v2", "queue/v3"])]
    assert (found["unexplained_lost"], found["unexplained_examples"]) == (1, ["queue/v4"])
    assert [e["kind"] for e in found["events"]][-2:] == ["role_change", "truncation"]
    assert found["events"][-1] == {"kind": "truncation", "ts": T0 + 40, "broker": "broker-a-1", "epoch": 2,
                                   "from_offset": 7682278, "to_offset": 5477495,
                                   "detail": "log truncated from 7,682,278 to 5,477,495: 2,204,783 bytes"}
    assert sorted(found["log_lines"]) == ["logs/broker-a-0.log", "logs/broker-a-0.store.log", "logs/broker-a-1.log",
                                          "logs/broker-a-1.store.log", "logs/namesrv-0.log"]
    assert found["log_lines"]["logs/broker-a-1.log"] == {"read": 8, "matched": 3, "unknown": 5}


def test_events_go_into_the_ledger_once_however_often_it_runs(tmp_path):
    run = make_run(tmp_path)
    rundir.write(run)
    rundir.write(run)
    conn = sqlite3.connect(run / "ledger.db")
    rows = conn.execute("SELECT kind, ts, detail FROM events ORDER BY ts, rowid").fetchall()
    conn.close()
    assert rows[0] == ("phase", T0, "main")
    diag = [r for r in rows if r[0].startswith("diagnosis.")]
    assert len(diag) == 13
    assert diag[-1] == ("diagnosis.truncation", T0 + 40, json.dumps(
        {"broker": "broker-a-1", "epoch": 2, "from_offset": 7682278, "to_offset": 5477495,
         "detail": "log truncated from 7,682,278 to 5,477,495: 2,204,783 bytes"}))


def test_the_runs_step_says_what_it_found_and_never_raises(tmp_path):
    run = make_run(tmp_path)
    assert rundir.run_step(run) == "diagnosis: 13 events, 1 window(s) explain 2 lost value(s), 1 unexplained"
    bare = make_run(tmp_path / "bare", with_logs=False)
    assert rundir.run_step(bare) == f"diagnosis skipped: {bare} holds no broker or controller logs (logs/*.log)"
    (run / "results.json").write_text("{broken")
    assert rundir.run_step(run).startswith("diagnosis failed: JSONDecodeError")


def test_check_adds_the_diagnosis_for_a_run_directory_with_logs(tmp_path):
    run = make_run(tmp_path)
    out = CliRunner().invoke(main, ["check", str(run), "--json"])
    assert out.exit_code == 1
    assert json.loads(out.output)["diagnosis"]["unexplained_lost"] == 1
    assert json.loads((run / "results.json").read_text())["diagnosis"]["unexplained_lost"] == 1
    bare = make_run(tmp_path / "bare", with_logs=False)
    out = CliRunner().invoke(main, ["check", str(bare), "--json"])
    assert out.exit_code == 1 and "diagnosis" not in json.loads(out.output)


def test_no_logs_is_its_own_error(tmp_path):
    with pytest.raises(rundir.NoLogs):
        rundir.diagnose(make_run(tmp_path, with_logs=False))
