"""Hand-built ledgers for the checker tests (and a test that they keep the contract).

`Ledger` writes rows with chaoskit's own schema (chaoskit.ledger) and checks
them with the real reader. Other checker test modules import `Ledger` and the
`book` fixture from here.
"""
from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from chaoskit import ledger
from chaoskit.checker import check


class Ledger:
    """A ledger under construction. Times default to a clock that ticks one second per send."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path
        if path is None:  # in memory: fast enough for hypothesis to build hundreds
            self.conn = sqlite3.connect(":memory:")
            self.conn.executescript(ledger.SCHEMA_SQL)
        else:
            ledger.create(path)
            self.conn = sqlite3.connect(path)
        self._clock = 1_700_000_000.0
        self.meta(drain_complete="true", ledger_complete="true")

    def send(
        self,
        value: str,
        outcome: str = "ok",
        invoke: float | None = None,
        complete: float | None | str = "auto",
        group: str | None = None,
        message_id: str | None = None,
        error: str | None = None,
        process: str = "p0",
    ) -> Ledger:
        """One sends row; complete defaults to invoke + 0.01, or NULL for `info`."""
        if invoke is None:
            self._clock += 1.0
            invoke = self._clock
        if complete == "auto":
            complete = None if outcome == "info" else invoke + 0.01
        self.conn.execute(
            "INSERT INTO sends(value, process, group_key, invoke_ts, complete_ts, outcome, message_id, error)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (value, process, group, invoke, complete, outcome, message_id, error),
        )
        return self

    def sends(self, *values: str, **kw: Any) -> Ledger:
        for value in values:
            self.send(value, **kw)
        return self

    def receive(self, value: str, ts: float | None = None, message_id: str | None = None, group: str | None = None) -> Ledger:
        """One receives row; ts defaults to the clock plus half a second."""
        self.conn.execute(
            "INSERT INTO receives(value, process, group_key, ts, message_id) VALUES (?, 'c0', ?, ?, ?)",
            (value, group, self._clock + 0.5 if ts is None else ts, message_id),
        )
        return self

    def receives(self, *values: str) -> Ledger:
        for value in values:
            self.receive(value)
        return self

    def fault(self, name: str, start: float, end: float | None, target: str | None = None) -> Ledger:
        self.conn.execute("INSERT INTO faults(name, target, start_ts, end_ts) VALUES (?, ?, ?, ?)", (name, target, start, end))
        return self

    def final_reads(self, *values: str) -> Ledger:
        self.conn.executemany("INSERT INTO final_reads(value) VALUES (?)", [(v,) for v in values])
        return self

    def meta(self, **items: str | None) -> Ledger:
        """Set meta keys; None deletes a key."""
        for key, value in items.items():
            if value is None:
                self.conn.execute("DELETE FROM meta WHERE key = ?", (key,))
            else:
                self.conn.execute("INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)", (key, value))
        return self

    def check(self) -> dict[str, Any]:
        """Commit and check, through open_for_read when the ledger is a file."""
        self.conn.commit()
        if self.path is None:
            return check(self.conn)
        conn = ledger.open_for_read(self.path)
        try:
            return check(conn)
        finally:
            conn.close()


def test_built_ledger_keeps_the_contract(book: Ledger) -> None:
    book.send("a").receive("a").fault("kill", 1.0, 2.0).final_reads("a").conn.commit()
    ledger.open_for_read(book.path).close()


def test_empty_ledger_is_unknown_not_valid(book: Ledger) -> None:
    results = book.check()
    assert results["valid"] == "unknown"
    assert results["reason"] == "no value was acknowledged"
