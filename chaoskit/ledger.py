"""The ledger: the SQLite file every run records its history in.

The schema is the contract in ../shared/LEDGER.md (documented for users in
docs/workloads.md, "The ledger as chaoskit writes it"). It exists here once:
the workloads and the fault executor write through `LedgerWriter`; the
checker and the report read through `open_for_read`, which refuses files
that do not keep the contract.
"""
from __future__ import annotations

import queue
import sqlite3
import threading
from concurrent.futures import Future
from enum import StrEnum
from pathlib import Path
from typing import Any

import sqlite_utils

# The schema, once: table -> columns as (name, SQL type, required by the
# contract). Columns not required are chaoskit's own extras; a foreign ledger
# may lack them. `final_reads` and `events` are optional tables (final_reads'
# required columns apply when it exists).
TABLES: dict[str, tuple[tuple[str, str, bool], ...]] = {
    "sends": (
        ("value", "TEXT NOT NULL", True),
        ("process", "TEXT NOT NULL", True),
        ("group_key", "TEXT", True),
        ("invoke_ts", "REAL NOT NULL", True),
        ("complete_ts", "REAL", True),
        ("outcome", "TEXT NOT NULL CHECK (outcome IN ('ok', 'fail', 'info'))", True),
        ("message_id", "TEXT", True),
        ("error", "TEXT", True),
        ("topic", "TEXT", False),
        ("workload", "TEXT", False),
        # Where the broker stored an acknowledged value, when the client says (the remoting client does).
        ("queue", "TEXT", False),
        ("queue_offset", "INTEGER", False),
        ("commitlog_offset", "INTEGER", False),
    ),
    "receives": (
        ("value", "TEXT NOT NULL", True),
        ("process", "TEXT NOT NULL", True),
        ("group_key", "TEXT", True),
        ("ts", "REAL NOT NULL", True),
        ("message_id", "TEXT", True),
        ("topic", "TEXT", False),
        ("delivery_attempt", "INTEGER", False),
        ("workload", "TEXT", False),
    ),
    "faults": (
        ("name", "TEXT NOT NULL", True),
        ("target", "TEXT", True),
        ("start_ts", "REAL NOT NULL", True),
        ("end_ts", "REAL", True),
        ("step", "INTEGER", False),
        ("detail", "TEXT", False),
    ),
    "meta": (
        ("key", "TEXT PRIMARY KEY", True),
        ("value", "TEXT", True),
    ),
    "final_reads": (
        ("value", "TEXT NOT NULL", True),
        ("ts", "REAL", True),
        ("message_id", "TEXT", True),
        ("queue", "TEXT", True),
        ("queue_offset", "INTEGER", True),
        ("workload", "TEXT", False),
        ("commitlog_offset", "INTEGER", False),   # where the value sits in the master's commit log
    ),
    "events": (
        ("ts", "REAL NOT NULL", False),
        ("kind", "TEXT NOT NULL", False),
        ("detail", "TEXT", False),
    ),
}
OPTIONAL_TABLES = frozenset({"final_reads", "events"})
REQUIRED_COLUMNS: dict[str, set[str]] = {
    table: {name for name, _, required in columns if required} for table, columns in TABLES.items()}

INDEXES_SQL = """
-- A send row is written when the send is invoked and amended with its
-- outcome (LedgerWriter.amend), found by value.
CREATE INDEX IF NOT EXISTS sends_value ON sends(value, outcome);
-- The rest are for `chaoskit check` (docs/checker.md, "How it works"):
-- every column it validates leads one, so a few seeks at the column's ends
-- replace a scan; sends_group walks the sends in FIFO order, each finding
-- its receives in receives_value; sends_outcome finds the sends that did not
-- end ok and the next send that did; receives_ts counts receives per second.
-- Kept at the run's pace, they spare the checker a sort or a scan each.
CREATE INDEX IF NOT EXISTS sends_group ON sends(group_key, invoke_ts, value, outcome, complete_ts);
CREATE INDEX IF NOT EXISTS sends_outcome ON sends(outcome, invoke_ts, value);
CREATE INDEX IF NOT EXISTS sends_invoke ON sends(invoke_ts);
CREATE INDEX IF NOT EXISTS sends_complete ON sends(complete_ts);
CREATE INDEX IF NOT EXISTS receives_value ON receives(value, ts);
CREATE INDEX IF NOT EXISTS receives_ts ON receives(ts);
CREATE INDEX IF NOT EXISTS final_reads_value ON final_reads(value);
"""
SCHEMA_SQL = "".join(
    f"CREATE TABLE IF NOT EXISTS {table} (\n  " + ",\n  ".join(f"{name} {kind}" for name, kind, _ in columns) + "\n);\n"
    for table, columns in TABLES.items()) + INDEXES_SQL


class EventKind(StrEnum):
    """The kinds of `events` rows, every writer's and reader's one list."""

    PHASE = "phase"                        # a workload phase begins (detail: warmup, main, drain, ...)
    SEND_BACKLOG = "send_backlog"          # a producer fell behind its schedule
    LATE_SEND_OUTCOME = "late_send_outcome"  # an outcome arrived after its send's deadline
    MASTER_CHANGE = "master_change"
    CONTROLLER_LEADER_CHANGE = "controller_leader_change"
    FAULT_SKIPPED = "fault_skipped"        # a step that could not be aimed
    FAULT_FAILED = "fault_failed"          # a step whose fault could not be applied


class LedgerError(Exception):
    """A ledger file that is missing, unreadable or does not keep the contract."""


def create(path: Path) -> None:
    """Create an empty ledger (idempotent) in WAL mode."""
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(path)
    try:
        conn.execute("PRAGMA journal_mode=WAL")
        conn.executescript(SCHEMA_SQL)
        conn.commit()
    finally:
        conn.close()


def resolve_path(run: Path) -> Path:
    """A run directory or a ledger file -> the ledger file."""
    return run / "ledger.db" if run.is_dir() else run


def open_for_read(path: Path) -> sqlite3.Connection:
    """Open a ledger read-only after checking it keeps the contract.

    Raises LedgerError with a one-line reason for a missing, corrupt or
    foreign file, or one lacking a required table or column.
    """
    if not path.exists():
        raise LedgerError(f"no ledger at {path}")
    if path.is_dir():
        raise LedgerError(f"{path} is a directory, not a ledger file")
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    except sqlite3.DatabaseError as exc:
        raise LedgerError(f"{path} is not a readable SQLite ledger: {exc}") from None
    required = {t: c for t, c in REQUIRED_COLUMNS.items() if t not in OPTIONAL_TABLES or t in tables}
    for table, columns in required.items():
        if table not in tables:
            conn.close()
            raise LedgerError(f"{path} is not a chaoskit ledger: table '{table}' is missing")
        have = {r[1] for r in conn.execute(f"PRAGMA table_info({table})")}
        missing = sorted(columns - have)
        if missing:
            conn.close()
            raise LedgerError(f"{path}: table '{table}' lacks column(s) {', '.join(missing)}")
    return conn


def read_meta(conn: sqlite3.Connection) -> dict[str, str]:
    return {k: v for k, v in conn.execute("SELECT key, value FROM meta")}


# Tables whose rows belong to one workload (the `workload` column, optional in
# the contract: ledgers written before it had the kind as a value prefix,
# e.g. "queue/p0-000042", which the checker reads as an opaque value too).
WORKLOAD_TABLES = frozenset({"sends", "receives", "final_reads"})


class WorkloadWriter:
    """One workload's view of a shared ledger: its rows carry its kind in `workload`.

    Values stay unique across the ledger's workloads (each numbers its
    producers apart), so an amend still finds its row by value alone.
    """

    def __init__(self, writer: LedgerWriter, workload: str) -> None:
        self._writer, self.workload = writer, workload

    def add(self, table: str, row: dict[str, Any]) -> None:
        self._writer.add(table, {**row, "workload": self.workload} if table in WORKLOAD_TABLES else row)

    def amend(self, table: str, key: dict[str, Any], values: dict[str, Any]) -> None:
        self._writer.amend(table, key, values)

    def flush(self) -> None:
        self._writer.flush()


_STOP = object()
_AMEND = object()  # marks a queued amend (in the place of a call's future)


class LedgerWriter:
    """The one writer of a ledger: a thread that commits rows in batches.

    `add` and `amend` never wait on disk (producers must not slow down);
    they are committed every `flush_interval` seconds in the order they were
    made, so a harness killed mid-run loses at most the last uncommitted
    batch and never a committed row, and a row committed after another was
    also added after it. `add_now`, `update_now` and `set_meta` wait for
    their commit: a fault must be on disk before it is applied.
    """

    def __init__(self, path: Path, flush_interval: float = 0.1, batch: int = 5000) -> None:
        create(path)
        self.path = path
        self._flush_interval = flush_interval
        self._batch = batch
        self._q: queue.Queue = queue.Queue()
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="ledger-writer", daemon=True)
        self._thread.start()

    def add(self, table: str, row: dict[str, Any]) -> None:
        """Queue one row; it is committed within one flush interval."""
        self._raise_if_failed()
        self._q.put((table, row, None))

    def amend(self, table: str, key: dict[str, Any], values: dict[str, Any]) -> None:
        """Queue an update of the rows whose columns equal `key` (added earlier, by `add`)."""
        self._raise_if_failed()
        self._q.put((table, (tuple(key.items()), values), _AMEND))

    def add_now(self, table: str, row: dict[str, Any]) -> int:
        """Insert one row and wait for its commit; returns its rowid."""
        return self._call(("insert", table, row))

    def update_now(self, table: str, rowid: int, values: dict[str, Any]) -> None:
        self._call(("update", table, rowid, values))

    def set_meta(self, key: str, value: Any) -> None:
        self._call(("meta", key, "" if value is None else str(value)))

    def flush(self) -> None:
        """Wait until everything queued so far is committed."""
        self._call(("noop",))

    def close(self) -> None:
        if self._thread.is_alive():
            self._q.put(_STOP)
            self._thread.join()
        self._raise_if_failed()

    def _call(self, op: tuple) -> Any:
        self._raise_if_failed()
        fut: Future = Future()
        self._q.put((None, op, fut))
        return fut.result()

    def _raise_if_failed(self) -> None:
        if self._error is not None:
            raise LedgerError(f"ledger writer failed: {self._error}")

    def _run(self) -> None:
        db = sqlite_utils.Database(self.path)
        db.execute("PRAGMA journal_mode=WAL")
        # NORMAL is durable across a process kill in WAL mode (only an OS
        # crash can lose the last commits), and keeps commits cheap.
        db.execute("PRAGMA synchronous=NORMAL")
        stopping = False
        try:
            while not stopping:
                pending: dict[str, list[dict]] = {}
                amends: list[tuple[str, tuple]] = []
                calls: list[tuple[tuple, Future]] = []
                try:
                    item = self._q.get(timeout=self._flush_interval)
                except queue.Empty:
                    continue
                count = 0
                while True:
                    if item is _STOP:
                        stopping = True
                    else:
                        table, row, fut = item
                        if fut is None:
                            pending.setdefault(table, []).append(row)
                            count += 1
                        elif fut is _AMEND:
                            amends.append((table, row))
                            count += 1
                        else:
                            calls.append((row, fut))
                    if count >= self._batch:
                        break
                    try:
                        item = self._q.get_nowait()
                    except queue.Empty:
                        break
                try:
                    # One transaction per batch (sqlite-utils commits each insert_all chunk
                    # on its own unless a transaction is open): a batch lands whole or not at all.
                    with db.atomic():
                        for table, rows in pending.items():
                            db[table].insert_all(rows, batch_size=1000)
                        # After the inserts: an amend's row was added before it, in this batch or an earlier one.
                        for table, (key, values) in amends:
                            self._update(db, table, values, dict(key))
                        results = [self._apply(db, op) for op, _ in calls]
                except BaseException as exc:
                    for _, fut in calls:
                        fut.set_exception(LedgerError(str(exc)))
                    raise
                for (_, fut), result in zip(calls, results):
                    fut.set_result(result)
        except BaseException as exc:  # surfaced to the next caller
            self._error = exc
            while True:
                try:
                    item = self._q.get_nowait()
                except queue.Empty:
                    break
                if item is not _STOP and isinstance(item[2], Future):
                    item[2].set_exception(LedgerError(str(exc)))
        finally:
            db.close()

    @staticmethod
    def _apply(db: sqlite_utils.Database, op: tuple) -> Any:
        kind = op[0]
        if kind == "insert":
            return db[op[1]].insert(op[2]).last_rowid
        if kind == "update":
            LedgerWriter._update(db, op[1], op[3], {"rowid": op[2]})
            return None
        if kind == "meta":
            db.execute("INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)", [op[1], op[2]])
            return None
        return None

    @staticmethod
    def _update(db: sqlite_utils.Database, table: str, values: dict[str, Any], where: dict[str, Any]) -> None:
        db.execute(
            f"UPDATE {table} SET " + ", ".join(f"{k} = ?" for k in values)
            + " WHERE " + " AND ".join(f"{k} = ?" for k in where),
            [*values.values(), *where.values()],
        )
