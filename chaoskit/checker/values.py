"""Distinct values: what the pass over send rows cannot tell about each payload id.

The pass (`joined`) sees send rows. A value normally has one; the values
with several (re-sent) and the values without an `ok` row are few, found
with indexes, and looked at one by one here, with their exact times.
"""
from __future__ import annotations

import math
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from chaoskit.checker import latency, source, tally


@dataclass(frozen=True)
class Resent:
    """A value with several send rows, folded into one (LEDGER.md)."""

    group: str | None  # the smallest group_key of its rows
    invoke_ts: float  # the earliest invoke
    done_ts: float | None  # the earliest complete_ts of an `ok` row
    acknowledged: bool


@dataclass(frozen=True)
class Receipt:
    first_ts: float
    count: int


@dataclass(frozen=True)
class Values:
    attempted: int
    unacknowledged: frozenset[str]  # values without an `ok` row
    failed: frozenset[str]  # unacknowledged values every row of which failed
    recovered: frozenset[str]  # unacknowledged values that were received
    resent: dict[str, Resent]  # values with more than one send row
    resent_rowids: np.ndarray  # every send row of those, ascending


# Each value without an ok row (found among the few rows that did not end ok), whether one of its rows
# is info (else all failed), and whether it was received.
_UNACKNOWLEDGED_SQL = """SELECT value, max(outcome = 'info'), EXISTS (SELECT 1 FROM receives AS r WHERE r.value = s.value)
FROM sends AS s
WHERE outcome IN ('fail', 'info') AND NOT EXISTS (SELECT 1 FROM sends AS o WHERE o.value = s.value AND o.outcome = 'ok')
GROUP BY value"""


# Every row of each value sent more than once.
_RESENT_SQL = """SELECT rowid, value, group_key, invoke_ts, outcome, complete_ts FROM sends
WHERE value IN (SELECT value FROM sends GROUP BY value HAVING count(*) > 1)"""


def read(conn: sqlite3.Connection) -> Values:
    """Distinct values in sends, the re-sent ones and the unacknowledged ones."""
    # Apart: count(*) alone is read off the b-tree. `value >= ''` holds for every (checked, text) value
    # and keeps SQLite on sends(value, ...), in value order: distinct values counted without a sort.
    rows = conn.execute("SELECT count(*) FROM sends").fetchone()[0]
    attempted = conn.execute("SELECT count(DISTINCT value) FROM sends WHERE value >= ''").fetchone()[0]
    by_value: dict[str, list[tuple]] = {}
    if rows != attempted:
        for row in conn.execute(_RESENT_SQL):
            by_value.setdefault(row[1], []).append(row)
    resent = {}
    for value, mine in by_value.items():
        groups = [r[2] for r in mine if r[2] is not None]
        done = [r[5] for r in mine if r[4] == "ok" and r[5] is not None]
        resent[value] = Resent(
            group=min(groups) if groups else None,
            invoke_ts=min(r[3] for r in mine),
            done_ts=min(done) if done else None,
            acknowledged=any(r[4] == "ok" for r in mine),
        )
    unacknowledged = conn.execute(_UNACKNOWLEDGED_SQL).fetchall()
    return Values(
        attempted=attempted,
        unacknowledged=frozenset(v for v, _, _ in unacknowledged),
        failed=frozenset(v for v, info, _ in unacknowledged if not info),
        recovered=frozenset(v for v, _, received in unacknowledged if received),
        resent=resent,
        resent_rowids=np.array(sorted(r[0] for mine in by_value.values() for r in mine), dtype=np.int64),
    )


def receipts(conn: sqlite3.Connection, values: Iterable[str]) -> dict[str, Receipt]:
    """value -> its first receive and receive count, for the given values that were received."""
    return {v: Receipt(first, n) for v, first, n in source.lookup(
        conn, f"SELECT value, min(ts), count(*) FROM receives WHERE value IN {source.LOOKUP} GROUP BY value", values)}


def resent_e2e(values: Values, received: dict[str, Receipt]) -> list[int]:
    """Tally keys of the end-to-end latency of the received re-sent values (first receive minus earliest invoke)."""
    return [
        tally.key(math.floor(r.invoke_ts), int(latency.index(int((received[v].first_ts - r.invoke_ts) * 1_000_000))))
        for v, r in values.resent.items() if v in received
    ]


def not_resent(values: Values, rowid: np.ndarray) -> np.ndarray:
    """Mask of the send rows whose value was sent once."""
    return ~np.isin(rowid, values.resent_rowids)

