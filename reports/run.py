"""Load what a report is made of: a run directory's results.json and ledger.db.

Everything is read defensively: the ledger may come from another tool
(LEDGER.md allows extra tables and columns and makes `events` and
`detail` optional) and results.json from another checker version, so missing
keys and tables become empty values, never exceptions.
"""
from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from itertools import groupby
from pathlib import Path
from typing import Any

from chaoskit.ledger import EventKind, LedgerError, open_for_read, read_meta, resolve_path

RESULTS_FILE = "results.json"
LOGS_DIR = "logs"
# Anomalies whose values have a send time worth plotting.
LOSS_KEYS = ("lost", "lost_in_store", "failed_delivered")

# SQLite's default limit on host parameters is 999 on older builds.
_IN_CHUNK = 500


class ReportInputError(Exception):
    """A run directory without the ledger or results a report needs."""


@dataclass(frozen=True)
class Fault:
    """One row of the ledger's `faults` table."""

    name: str
    target: str
    start_ts: float
    end_ts: float | None
    detail: str = ""


@dataclass(frozen=True)
class Event:
    """One row of the ledger's `events` table (a role change)."""

    ts: float
    kind: str
    detail: str


@dataclass(frozen=True)
class Run:
    """A run directory's results, meta, faults and role changes."""

    run_dir: Path
    results: dict[str, Any]
    meta: dict[str, str]
    faults: list[Fault]
    events: list[Event]
    send_times: dict[str, float] = field(default_factory=dict)
    first_send_ts: float | None = None
    last_send_ts: float | None = None

    @property
    def name(self) -> str:
        """The scenario's name, else the run directory's."""
        return self.meta.get("scenario") or self.run_dir.resolve().name

    @property
    def start_ts(self) -> float | None:
        """Run start: meta started_at, else the first send, else the first fault."""
        started = parse_time(self.meta.get("started_at"))
        if started is not None:
            return started
        candidates = [self.first_send_ts] + [f.start_ts for f in self.faults]
        timeline = self.results.get("timeline") or []
        candidates += [p.get("t") for p in timeline if isinstance(p, dict)]
        known = [c for c in candidates if isinstance(c, (int, float))]
        return min(known) if known else None

    @property
    def end_ts(self) -> float | None:
        """Run end: meta ended_at, else the last send or fault end seen."""
        ended = parse_time(self.meta.get("ended_at"))
        if ended is not None:
            return ended
        candidates = [self.last_send_ts] + [f.end_ts or f.start_ts for f in self.faults]
        known = [c for c in candidates if isinstance(c, (int, float))]
        return max(known) if known else None

    @property
    def log_files(self) -> list[Path]:
        """Collected node logs, `logs/<node>.log`, sorted by node name."""
        return sorted((self.run_dir / LOGS_DIR).glob("*.log"))


def parse_time(text: Any) -> float | None:
    """Epoch seconds from an epoch number or an ISO 8601 string (naive = UTC)."""
    if text is None or text == "":
        return None
    try:
        return float(text)
    except (TypeError, ValueError):
        pass
    try:
        parsed = datetime.fromisoformat(str(text).replace("Z", "+00:00"))
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.timestamp()


def meta_duration(meta: Mapping[str, str]) -> float | None:
    """The run's length in seconds: meta duration_s, else ended_at - started_at."""
    seconds = parse_time(meta.get("duration_s"))
    if seconds is None:
        started, ended = parse_time(meta.get("started_at")), parse_time(meta.get("ended_at"))
        if started is not None and ended is not None:
            seconds = ended - started
    return seconds


def load_run(run_dir: Path) -> Run:
    """Read results.json and the ledger of `run_dir`.

    Raises ReportInputError with a one-line reason when the directory, its
    ledger or its results are missing or unreadable.
    """
    if not run_dir.is_dir():
        raise ReportInputError(f"no run directory at {run_dir}")
    try:
        conn = open_for_read(resolve_path(run_dir))
    except LedgerError as exc:
        raise ReportInputError(str(exc)) from None
    try:
        results = _read_results(run_dir / RESULTS_FILE)
        conn.row_factory = sqlite3.Row
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        # The ledger's meta is authoritative; results' copy fills gaps only.
        meta = {str(k): str(v) for k, v in (results.get("meta") or {}).items() if v is not None}
        meta.update({k: v for k, v in read_meta(conn).items() if v is not None})
        first, last = conn.execute("SELECT MIN(invoke_ts), MAX(invoke_ts) FROM sends").fetchone()
        return Run(
            run_dir=run_dir,
            results=results,
            meta=meta,
            faults=_read_faults(conn),
            events=_read_events(conn) if "events" in tables else [],
            send_times=_send_times(conn, _anomaly_values(results)),
            first_send_ts=first,
            last_send_ts=last,
        )
    except sqlite3.DatabaseError as exc:
        raise ReportInputError(f"{resolve_path(run_dir)} could not be read: {exc}") from None
    finally:
        conn.close()


def _read_results(path: Path) -> dict[str, Any]:
    if not path.exists():
        raise ReportInputError(f"no {RESULTS_FILE} at {path} (run `chaoskit check` first)")
    try:
        results = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ReportInputError(f"{path} is not readable JSON: {exc}") from None
    if not isinstance(results, dict):
        raise ReportInputError(f"{path} does not hold a JSON object")
    return results


def _read_faults(conn: sqlite3.Connection) -> list[Fault]:
    faults = []
    for row in conn.execute("SELECT * FROM faults ORDER BY start_ts"):
        r = dict(row)
        faults.append(
            Fault(
                name=str(r["name"]),
                target="" if r.get("target") is None else str(r["target"]),
                start_ts=float(r["start_ts"]),
                end_ts=None if r.get("end_ts") is None else float(r["end_ts"]),
                detail="" if r.get("detail") is None else str(r["detail"]),
            )
        )
    return faults


# The events the report marks: role changes, and the diagnosis's key events read
# from the node logs (docs/diagnosis.md). Workloads also log phases and send
# backlogs there, which would bury them in the chart.
ROLE_CHANGES = (EventKind.MASTER_CHANGE, EventKind.CONTROLLER_LEADER_CHANGE,
                "diagnosis.master_elected", "diagnosis.sync_state_set_local", "diagnosis.truncation")


def _read_events(conn: sqlite3.Connection) -> list[Event]:
    """The marked events in time order; a run of one event repeated (a broker re-reporting its
    SyncStateSet every few milliseconds) is its first, with the count after its detail."""
    marks = ",".join("?" * len(ROLE_CHANGES))
    rows = conn.execute(f"SELECT ts, kind, detail FROM events WHERE kind IN ({marks}) ORDER BY ts", ROLE_CHANGES)
    events = (Event(float(ts), str(kind), _event_detail(str(kind), detail)) for ts, kind, detail in rows)
    runs = [list(run) for _, run in groupby(events, key=lambda e: (e.kind, e.detail))]
    return [Event(r[0].ts, r[0].kind, r[0].detail + (f" (x{len(r)})" if len(r) > 1 else "")) for r in runs]


def _event_detail(kind: str, detail: Any) -> str:
    """A diagnosis event's JSON detail as one line: '<broker>: <detail>'."""
    text = "" if detail is None else str(detail)
    if not kind.startswith("diagnosis."):
        return text
    try:
        fields = json.loads(text)
        return f"{fields['broker']}: {fields['detail']}"
    except (ValueError, KeyError, TypeError):
        return text


def _anomaly_values(results: dict[str, Any]) -> set[str]:
    """Values whose send time the anomaly chart plots."""
    values: set[str] = set()
    for key in LOSS_KEYS:
        values.update(str(v) for v in results.get(key) or [])
    return values


def _send_times(conn: sqlite3.Connection, values: Iterable[str]) -> dict[str, float]:
    """Each value's earliest invoke_ts, for the given values only."""
    values = list(values)
    times: dict[str, float] = {}
    for i in range(0, len(values), _IN_CHUNK):
        chunk = values[i : i + _IN_CHUNK]
        marks = ",".join("?" * len(chunk))
        query = f"SELECT value, MIN(invoke_ts) FROM sends WHERE value IN ({marks}) GROUP BY value"
        times.update({v: float(ts) for v, ts in conn.execute(query, chunk)})
    return times
