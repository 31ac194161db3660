"""A run directory of the stale-master sequence, for the diagnosis and reproduction tests (no Docker).

Its logs are the 5.5.0 fixtures (tests/data/diagnosis/5.5.0/); its ledger has
v2 and v3 acknowledged inside the stale window (lost, and lost from the store),
v4 after it (unexplained) and v1 safe; its meta is what `chaoskit run
stale-master` writes.
"""
from __future__ import annotations

import calendar
import csv
import json
import shutil
import sqlite3
from pathlib import Path

from chaoskit import checker
from chaoskit.checker.faults import Fault
from chaoskit.diagnosis import events, rundir
from chaoskit.diagnosis.windows import LostValue
from chaoskit.ledger import LedgerWriter
from chaoskit.run_meta import scenario_meta
from chaoskit.scenario import Overrides, load

FIXTURES = Path(__file__).parent / "data" / "diagnosis"
DATA = FIXTURES / "5.5.0"
T0 = calendar.timegm((2026, 12, 3, 0, 18, 0))  # 08:18:00 GMT+8, the fixtures' minute


def make_run(tmp_path: Path, with_logs: bool = True, overrides: Overrides | None = None) -> Path:
    scenario = load("stale-master", overrides or Overrides())
    run = tmp_path / "run"
    run.mkdir(parents=True)
    (run / "scenario.toml").write_text(scenario.path.read_text())
    (run / "plan.json").write_text(scenario.plan.to_json())
    writer = LedgerWriter(run / "ledger.db")
    for key, value in scenario_meta(scenario).items():  # the meta a real run writes
        writer.set_meta(key, value)
    for key, value in (("drain_complete", "true"), ("final_read_complete", "true"), ("ledger_complete", "true")):
        writer.set_meta(key, value)
    writer.close()
    conn = sqlite3.connect(run / "ledger.db")
    with conn:
        for value, ack in (("queue/v1", 20), ("queue/v2", 30), ("queue/v3", 38), ("queue/v4", 50)):
            conn.execute("INSERT INTO sends(value, process, invoke_ts, complete_ts, outcome, message_id) "
                         "VALUES (?, 'p0', ?, ?, 'ok', ?)", (value, T0 + ack - 0.01, T0 + ack, f"ID-{value[-2:]}"))
        for value in ("queue/v1", "queue/v3"):
            conn.execute("INSERT INTO receives(value, process, ts) VALUES (?, 'c0', ?)", (value, T0 + 45))
        conn.execute("INSERT INTO final_reads(value, ts, commitlog_offset) VALUES ('queue/v1', ?, 1000)", (T0 + 20,))
        conn.execute("INSERT INTO faults(name, target, start_ts, end_ts) VALUES ('partition', 'broker-a-1 (master)', ?, ?)",
                     (T0 + 15, T0 + 29))
        conn.execute("INSERT INTO events(ts, kind, detail) VALUES (?, 'phase', 'main')", (T0,))
    conn.close()
    if with_logs:
        (run / "logs").mkdir()
        for f in DATA.glob("*.log"):
            shutil.copy(f, run / "logs" / f.name)
        (run / "logs" / "proxy-0.log").write_text("2026-12-03 08:18:30 INFO t - not read\n")
        (run / "logs" / "broker-a-0.container.log").write_text("not read either\n")
        (run / "config" / "broker-a-0").mkdir(parents=True)
        (run / "config" / "broker-a-0" / "broker.conf").write_text("allAckInSyncStateSet=true\n")
    checker.write_results(run)
    return run


def read_recorded(name: str) -> dict[str, events.ParsedLog]:
    """A fixture written by tests/record_diagnosis.py: its logs parsed in its run's zone, by file name."""
    fixture = FIXTURES / name
    meta = json.loads((fixture / "meta.json").read_text())
    return rundir.read_logs(sorted(fixture.glob("*.log")), float(meta["log_utc_offset_hours"]))


def recorded_lost(name: str) -> tuple[list[LostValue], list[Fault]]:
    """The lost values and faults of a fixture recorded with `--lost` (lost.csv, faults.csv)."""
    fixture = FIXTURES / name

    def rows(file: str) -> list[dict[str, str]]:
        with (fixture / file).open(newline="") as f:
            return list(csv.DictReader(f))

    def number(text: str, kind: type) -> float | int | None:
        return None if text == "" else kind(text)

    lost = [LostValue(r["value"], number(r["ack_ts"], float), number(r["commitlog_offset"], int), r["queue"] or None,
                      number(r["queue_offset"], int), None if r["in_final_read"] == "" else r["in_final_read"] == "True",
                      r["delivered"] == "True")
            for r in rows("lost.csv")]
    faults = [Fault(r["name"], r["target"] or None, float(r["start_ts"]), number(r["end_ts"], float))
              for r in rows("faults.csv")]
    return lost, faults
