"""Total-queue anomalies, exactly as LEDGER.md defines them, over distinct values.

Counts come from the pass over send rows (which of them were received, how
often) and the few exceptional values (`values`); a list of values is read
only when its count says it is not empty, as a merge of two indexes
(`EXCEPT`), already sorted.
"""
from __future__ import annotations

import sqlite3
from dataclasses import dataclass

import numpy as np

from chaoskit.checker import source, values
from chaoskit.checker.joined import SendRows
from chaoskit.checker.values import Values

# Values with an ok row: the planner keeps to sends(value, outcome), whose order EXCEPT merges in.
_ACKNOWLEDGED = "SELECT value FROM sends WHERE +outcome = 'ok'"


@dataclass(frozen=True)
class QueueResult:
    """Counts and sorted value lists of the contract's queue anomalies."""

    attempt_count: int
    acknowledged_count: int
    received_count: int
    ok_count: int
    lost: list[str]
    unexpected: list[str]
    recovered: list[str]
    failed_delivered: list[str]
    lost_in_store: list[str] | None  # None: the final read was not checked
    duplicated: list[str]
    duplicate_deliveries: int

    def anomalies(self) -> dict[str, list[str]]:
        """Anomaly name (as in results.json) -> its sorted values."""
        return {
            "lost": self.lost,
            "unexpected": self.unexpected,
            "recovered": self.recovered,
            "failed_delivered": self.failed_delivered,
            "lost_in_store": self.lost_in_store or [],
            "duplicated": self.duplicated,
        }


def analyse(conn: sqlite3.Connection, rows: SendRows, found: Values, final_read: bool) -> QueueResult:
    """The contract's queue anomalies; lost_in_store only if `final_read` (the table must exist)."""
    once = values.not_resent(found, rows.rowid)
    resent = values.receipts(conn, found.resent)
    ok_count = int(np.count_nonzero(rows.receives[once])) + len(resent)
    matched = int(rows.receives[once].sum()) + sum(r.count for r in resent.values())
    receive_rows = conn.execute("SELECT count(*) FROM receives").fetchone()[0]
    unexpected: list[str] = []
    if receive_rows > matched:  # receive rows of values never sent
        unexpected = _listed(conn, "SELECT value FROM receives EXCEPT SELECT value FROM sends ORDER BY 1")
    strays = values.receipts(conn, unexpected)
    twice = rows.rowid[once & (rows.receives > 1)].tolist()
    duplicated = [v for (v,) in source.lookup(conn, f"SELECT value FROM sends WHERE rowid IN {source.LOOKUP}", twice)]
    duplicated += [v for receipts in (resent, strays) for v, r in receipts.items() if r.count > 1]
    recovered = sorted(found.recovered)
    acknowledged_count = found.attempted - len(found.unacknowledged)
    lost_count = acknowledged_count - (ok_count - len(recovered))
    return QueueResult(
        attempt_count=found.attempted,
        acknowledged_count=acknowledged_count,
        received_count=ok_count + len(unexpected),
        ok_count=ok_count,
        lost=_listed(conn, f"{_ACKNOWLEDGED} EXCEPT SELECT value FROM receives ORDER BY 1") if lost_count else [],
        unexpected=unexpected,
        recovered=recovered,
        failed_delivered=sorted(found.failed.intersection(recovered)),
        lost_in_store=_listed(conn, f"{_ACKNOWLEDGED} EXCEPT SELECT value FROM final_reads ORDER BY 1") if final_read else None,
        duplicated=sorted(duplicated),
        duplicate_deliveries=receive_rows - ok_count - len(unexpected),
    )


def _listed(conn: sqlite3.Connection, sql: str) -> list[str]:
    # sorted() as well: Python's order of strings is the one results.json promises
    return sorted(v for (v,) in conn.execute(sql))
