"""A run directory in, its diagnosis out: read the collected logs, the ledger and results.json,
write `results.json["diagnosis"]` and the events into the ledger.

Composed by `chaoskit run` and `chaoskit check` after the checker has written
results.json; the checker itself never sees the logs.
"""
from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from chaoskit import ledger
from chaoskit.checker import faults as checker_faults
from chaoskit.checker import results as results_mod
from chaoskit.diagnosis import events as events_mod
from chaoskit.diagnosis import recovery as recovery_mod
from chaoskit.diagnosis import windows as windows_mod
from chaoskit.files import write_atomically

LOGS = "logs"
RESULTS = "results.json"
EVENT_PREFIX = "diagnosis."
_IN_CHUNK = 500  # SQLite's host-parameter limit is 999 on older builds


class NoLogs(Exception):
    """A run directory without collected broker or controller logs."""


@dataclass(frozen=True)
class Diagnosis:
    events: tuple[events_mod.Event, ...]
    attribution: windows_mod.Attribution
    lines: dict[str, dict[str, int]]   # per log file: read, matched, unknown
    no_recovery: recovery_mod.NoRecovery | None = None  # why the cluster did not recover, when it did not

    def as_dict(self) -> dict[str, Any]:
        return {"events": [e.as_dict() for e in self.events],
                "windows": [w.as_dict() for w in self.attribution.windows],
                "unexplained_lost": len(self.attribution.unexplained),
                "unexplained_examples": list(self.attribution.unexplained[:windows_mod.EXAMPLES]),
                "log_lines": self.lines,
                "no_recovery": None if self.no_recovery is None else self.no_recovery.as_dict()}


def log_files(run_dir: Path) -> list[Path]:
    """The brokers' and controllers' RocketMQ logs collected into the run (not container output)."""
    logs = run_dir / LOGS
    if not logs.is_dir():
        return []
    return sorted(p for p in logs.glob("*.log")
                  if not p.name.endswith(".container.log") and events_mod.patterns_for(node_of(p)))


def node_of(path: Path) -> str:
    """logs/broker-a-0.store.log -> broker-a-0."""
    return path.name.split(".", 1)[0]


def diagnose(run_dir: Path) -> Diagnosis:
    """The diagnosis of a run directory that holds logs, a ledger and results.json.

    Raises NoLogs when there is no broker or controller log, LedgerError for
    a ledger that cannot be read, OSError / ValueError for a missing or broken
    results.json.
    """
    files = log_files(run_dir)
    if not files:
        raise NoLogs(f"{run_dir} holds no broker or controller logs (logs/*.log)")
    results = json.loads((run_dir / RESULTS).read_text(encoding="utf-8"))
    meta = results.get("meta") or {}
    parsed = read_logs(files, float(meta.get("log_utc_offset_hours") or 0))
    conn = ledger.open_for_read(ledger.resolve_path(run_dir))
    try:
        lost = read_lost(conn, results)
        faults = checker_faults.read(conn)
    finally:
        conn.close()
    ordered, attribution = explain(list(parsed.values()), lost, faults)
    lines = {f"{LOGS}/{name}": {"read": log.lines, "matched": log.matched, "unknown": log.unknown}
             for name, log in parsed.items()}
    return Diagnosis(tuple(ordered), attribution, lines, recovery_mod.explain(ordered, meta, faults))


def read_logs(files: list[Path], utc_offset_hours: float) -> dict[str, events_mod.ParsedLog]:
    """Each log file (named <node>[.store].log) parsed, by file name."""
    parsed = {}
    for path in files:
        with path.open(encoding="utf-8", errors="replace") as f:
            parsed[path.name] = events_mod.parse(node_of(path), f, utc_offset_hours)
    return parsed


def explain(parsed: list[events_mod.ParsedLog], lost: list[windows_mod.LostValue],
            faults: list[checker_faults.Fault]) -> tuple[list[events_mod.Event], windows_mod.Attribution]:
    """The logs' events in time order, and the windows they give the lost values (the slack is the
    logs' time resolution: a second when any log has whole seconds)."""
    ordered = events_mod.merge(parsed)
    slack = 1.0 if any(log.whole_seconds for log in parsed) else 0.2
    return ordered, windows_mod.attribute(ordered, lost, faults, slack)


def read_lost(conn: sqlite3.Connection, results: dict[str, Any]) -> list[windows_mod.LostValue]:
    """The checker's lost and lost-in-store values, each with its acknowledgement time and, where the
    sends table records them, its commit-log and queue positions (of its earliest `ok` row)."""
    never_delivered = set(results.get("lost") or [])
    checked = results.get("lost_in_store_count") is not None
    not_stored = set(results.get("lost_in_store") or [])
    columns = {r[1] for r in conn.execute("PRAGMA table_info(sends)")}
    positions = ", ".join(c if c in columns else "NULL" for c in ("commitlog_offset", "queue", "queue_offset"))
    values = sorted(never_delivered | not_stored)
    found: dict[str, windows_mod.LostValue] = {}
    for i in range(0, len(values), _IN_CHUNK):
        chunk = values[i:i + _IN_CHUNK]
        marks = ",".join("?" * len(chunk))
        for value, ack_ts, offset, queue, queue_offset in conn.execute(
                f"SELECT value, complete_ts, {positions} FROM sends "
                f"WHERE outcome = 'ok' AND value IN ({marks}) ORDER BY complete_ts IS NOT NULL, complete_ts DESC", chunk):
            found[value] = windows_mod.LostValue(value, ack_ts, offset, queue, queue_offset)  # the earliest wins
    return [replace(found.get(v, windows_mod.LostValue(v, None, None)),
                    in_final_read=(v not in not_stored) if checked else None, delivered=v not in never_delivered)
            for v in values]


def write(run_dir: Path) -> Diagnosis:
    """Diagnose the run; put it in results.json (`diagnosis`) and its events in the ledger."""
    found = diagnose(run_dir)
    out = run_dir / RESULTS
    results = json.loads(out.read_text(encoding="utf-8"))
    results["diagnosis"] = found.as_dict()
    write_atomically(out, results_mod.dumps(results))
    record_events(ledger.resolve_path(run_dir), found.events)
    return found


def record_events(path: Path, found: tuple[events_mod.Event, ...]) -> None:
    """The events as ledger `events` rows, kind `diagnosis.<kind>` (a second diagnosis replaces the first's).
    A ledger from another tool without an `events` table is left as it is."""
    conn = sqlite3.connect(path)
    try:
        if conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'events'").fetchone() is None:
            return
        with conn:
            conn.execute("DELETE FROM events WHERE kind LIKE ?", (EVENT_PREFIX + "%",))
            conn.executemany("INSERT INTO events(ts, kind, detail) VALUES (?, ?, ?)", [
                (e.ts, EVENT_PREFIX + e.kind, json.dumps({k: v for k, v in e.as_dict().items() if k not in ("kind", "ts")}))
                for e in found])
    finally:
        conn.close()


def run_step(run_dir: Path) -> str:
    """The diagnosis as a step of `chaoskit run`: one line saying what it found; never raises
    (a run's verdict and report do not depend on it)."""
    try:
        found = write(run_dir)
    except NoLogs as exc:
        return f"diagnosis skipped: {exc}"
    except Exception as exc:  # a broken log or results.json must not cost the run its report
        return f"diagnosis failed: {type(exc).__name__}: {exc}"
    explained = sum(w.lost_values for w in found.attribution.windows)
    stuck = "" if found.no_recovery is None else "; the cluster did not recover: " + found.no_recovery.explanation
    return (f"diagnosis: {len(found.events)} events, {len(found.attribution.windows)} window(s) explain "
            f"{explained} lost value(s), {len(found.attribution.unexplained)} unexplained{stuck}")
