"""A run directory's diagnosis: logs + ledger + results.json in, results.json "diagnosis" and ledger events out."""
from __future__ import annotations

import json
import sqlite3

import pytest
from click.testing import CliRunner
from diagnosis_support import T0, make_run

from chaoskit.cli import main
from chaoskit.diagnosis import rundir
from chaoskit.diagnosis.windows import LostValue


def test_the_diagnosis_explains_the_stale_masters_loss(tmp_path):
    run = make_run(tmp_path)
    rundir.write(run)
    results = json.loads((run / "results.json").read_text())
    assert (results["lost"], results["lost_in_store"]) == (["queue/v2", "queue/v4"], ["queue/v2", "queue/v3", "queue/v4"])
    found = results["diagnosis"]
    assert [(w["kind"], w["start_ts"] - T0, w["end_ts"] - T0, w["broker"], w["lost_values"], w["examples"])
            for w in found["windows"]] == [("stale_master_ack", 29, 41, "broker-a-1", 2, ["queue/v2", "queue/v3"])]
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


def test_each_lost_value_carries_its_positions_and_what_the_reads_saw(tmp_path):
    run = make_run(tmp_path)
    conn = sqlite3.connect(run / "ledger.db")
    with conn:  # v3 was retried: its later ok row does not count
        conn.execute("UPDATE sends SET queue = 'broker-a/2', queue_offset = 7, commitlog_offset = 5477495 "
                     "WHERE value = 'queue/v3'")
        conn.execute("INSERT INTO sends(value, process, invoke_ts, complete_ts, outcome, queue, queue_offset) "
                     "VALUES ('queue/v3', 'p0', ?, ?, 'ok', 'broker-a/3', 9)", (T0 + 60, T0 + 61))
    results = json.loads((run / "results.json").read_text())
    assert rundir.read_lost(conn, results) == [
        LostValue("queue/v2", T0 + 30, None, None, None, in_final_read=False, delivered=False),
        LostValue("queue/v3", T0 + 38, 5477495, "broker-a/2", 7, in_final_read=False, delivered=True),
        LostValue("queue/v4", T0 + 50, None, None, None, in_final_read=False, delivered=False)]
    unchecked = {**results, "lost_in_store_count": None, "lost_in_store": []}
    assert [v.in_final_read for v in rundir.read_lost(conn, unchecked)] == [None, None]
    conn.close()
