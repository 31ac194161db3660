"""The one pass over every send row joined with its value's receive rows.

SQLite walks sends in FIFO order (group_key, invoke_ts, value: ungrouped
rows first, then each group in the order the order check reads it), finds
each row's receives in receives(value, ts), and computes a few integers per
joined row; each column crosses into Python as one string (see
`source.int_columns`). A send row whose value was received k times makes k
joined rows, a run; numpy folds each run back into one entry per send row.

Times leave SQLite only as integers: tally keys (epoch second, outcome,
latency bucket, see `tally`), end-to-end latency buckets, and images,
t * 2**22 truncated, which keep the order of times (a < b implies image(a) <= image(b)) for the order check to
screen pairs with. Exact times are looked up for the few rows that need them.
"""
from __future__ import annotations

import sqlite3
from dataclasses import dataclass

import numpy as np

from chaoskit.checker import latency, source, tally

NONE = np.iinfo(np.int64).max  # no receive: above every key and image, so a run's minimum skips it
IMAGE_SCALE = 1 << 22  # |t| <= 1e12 s (source.MAX_ABS_TIME), so |t| * 2**22 stays below 2**63


def image_sql(column: str) -> str:
    """SQL: the image of a time, an integer in the time's order."""
    return f"CAST({column} * {float(IMAGE_SCALE)!r} AS INTEGER)"


# The inner query computes each column once per joined row (LIMIT keeps SQLite from
# folding it into the outer one, which would compute e.g. the latency once per bucket test),
# and delivers the rows in its ORDER BY order, the order group_concat concatenates them in
# (SQLite calls that order arbitrary; it has always been the input's, and the order tests
# would see it change).
_INNER = f"""SELECT s.rowid AS send,
  {source.floor_sql('s.invoke_ts')} AS second,
  {source.OUTCOME_CODE_SQL.replace('outcome', 's.outcome')} AS outcome,
  CAST((s.complete_ts - s.invoke_ts) * 1000000 AS INTEGER) AS send_us,
  CAST((r.ts - s.invoke_ts) * 1000000 AS INTEGER) AS e2e_us,
  CASE WHEN s.group_key IS NOT NULL THEN CASE s.outcome WHEN 'ok' THEN IFNULL({image_sql('r.ts')}, {NONE}) ELSE {NONE} END END
    AS first,
  s.group_key IS NOT NULL AS grouped
FROM sends AS s LEFT JOIN receives AS r ON r.value = s.value
ORDER BY s.group_key, s.invoke_ts, s.value
LIMIT -1"""
SQL = f"""SELECT group_concat(send), group_concat({tally.key_sql('second', 'outcome', latency.index_sql('send_us'))}),
  group_concat(IFNULL({latency.index_sql('e2e_us')}, {NONE})), group_concat(first), group_concat(grouped)
FROM ({_INNER})"""


@dataclass(frozen=True)
class SendRows:
    """One entry per send row, in FIFO order; the grouped rows are the last `len(first)`."""

    rowid: np.ndarray
    tally: np.ndarray  # tally key: invoke second, outcome, send latency bucket
    e2e: np.ndarray  # tally key of the end-to-end latency to the first receive of its value; NONE: not received
    receives: np.ndarray  # receive rows of its value
    first: np.ndarray  # grouped rows: image of its value's first receive if the row is ok, else NONE

    @property
    def grouped_rowid(self) -> np.ndarray:
        return self.rowid[len(self.rowid) - len(self.first):]


class PassOrderError(RuntimeError):
    """SQLite did not deliver the pass's rows in the order its query asks for."""


def read(conn: sqlite3.Connection) -> SendRows:
    """The pass. The ledger must have been validated (`source.validate`).

    The folding below needs each send row's joined rows together and the
    grouped rows last; SQLite calls group_concat's order arbitrary, so both
    are checked (runs against the row count, a grouped flag per joined row)
    and a mismatch is an error, never a verdict. The order within a group
    (invoke_ts) is the ORDER BY's, read through the index sends_group.
    """
    send, tally_key, e2e_bucket, first, grouped = source.int_columns(conn, SQL)
    if not len(send):
        empty = np.zeros(0, np.int64)
        return SendRows(empty, empty, empty, empty, empty)
    starts = np.flatnonzero(np.r_[True, send[1:] != send[:-1]])  # a run's rows are consecutive
    sends = conn.execute("SELECT count(*) FROM sends").fetchone()[0]
    if len(starts) != sends or np.any(grouped[1:] < grouped[:-1]) or np.count_nonzero(grouped) != len(first):
        raise PassOrderError(f"SQLite {sqlite3.sqlite_version} returned the checker's joined rows out of order "
                             f"({len(starts)} runs for {sends} send rows): this SQLite cannot be used")
    tally_key = tally_key[starts]
    bucket = np.minimum.reduceat(e2e_bucket, starts)  # the first receive's: buckets grow with the receive time
    received = bucket != NONE
    receives = np.diff(np.r_[starts, len(send)]) * received  # the one joined row of a value never received: 0
    e2e = np.full(len(starts), NONE)
    e2e[received] = (tally_key[received] >> tally.SHIFT << tally.SHIFT) + tally.LATENCY + bucket[received]  # at the send's second
    grouped = starts[starts >= len(send) - len(first)] - (len(send) - len(first))
    return SendRows(
        rowid=send[starts],
        tally=tally_key,
        e2e=e2e,
        receives=receives,
        first=np.minimum.reduceat(first, grouped) if len(grouped) else first,
    )
