"""The one pass over every send row joined with its value's receive rows.

The pass reads the sends in FIFO order, as the order check reads them:
the ungrouped rows first (in rowid order: their order is free), then each
group in invoke order (group_key, invoke_ts, value). It reads them in
segments, each one indexed query: the ungrouped rows in SEGMENTS ranges
of rowids, the grouped rows in SEGMENTS ranges of group keys split at the
groups nearest each share of the rows. A segment's query finds each send row's receives in
receives(value, ts) and computes a few integers per joined row; each column
crosses into Python as one string (see `source.int_columns`). A send row
whose value was received k times makes k joined rows, a run; numpy folds
each run back into one entry per send row.

The segments are independent queries, so `readers` may run them on two
threads at once.

Times leave SQLite only as integers: tally keys (epoch second, outcome,
latency bucket, see `tally`), end-to-end latency buckets, and images,
t * 2**22 truncated, which keep the order of times (a < b implies
image(a) <= image(b)) for the order check to screen pairs with. Exact
times are looked up for the few rows that need them.
"""
from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from typing import Any

import numpy as np

from chaoskit.checker import latency, source, tally
from chaoskit.checker.readers import Readers

NONE = np.iinfo(np.int64).max  # no receive: above every key and image, so a run's minimum skips it
IMAGE_SCALE = 1 << 22  # |t| <= 1e12 s (source.MAX_ABS_TIME), so |t| * 2**22 stays below 2**63
SEGMENTS = 4  # of each kind, ungrouped and grouped: two threads finish within about one segment of each other


def image_sql(column: str) -> str:
    """SQL: the image of a time, an integer in the time's order."""
    return f"CAST({column} * {float(IMAGE_SCALE)!r} AS INTEGER)"


def _segment_sql(where: str, order: str, grouped: bool) -> str:
    """The query of one segment: its send rows (`where`, in `order`) joined with their receives.

    The inner query computes each column once per joined row (LIMIT keeps
    SQLite from folding it into the outer one, which would compute e.g. the
    latency once per bucket test) and delivers the rows in its ORDER BY
    order, the order group_concat concatenates them in (SQLite calls that
    order arbitrary; it has always been the input's, and `read` checks it).
    A grouped segment adds the image of each ok row's receive.
    """
    first = f",\n  CASE s.outcome WHEN 'ok' THEN IFNULL({image_sql('r.ts')}, {NONE}) ELSE {NONE} END AS first" if grouped else ""
    inner = f"""SELECT s.rowid AS send,
  {source.floor_sql('s.invoke_ts')} * {1 << tally.SHIFT} + {source.OUTCOME_CODE_SQL.replace('outcome', 's.outcome')} AS base,
  IFNULL(CAST((s.complete_ts - s.invoke_ts) * 1000000 AS INTEGER), {NONE}) AS send_us,
  IFNULL(CAST((r.ts - s.invoke_ts) * 1000000 AS INTEGER), {NONE}) AS e2e_us{first}
FROM sends AS s LEFT JOIN receives AS r ON r.value = s.value
WHERE {where}
ORDER BY {order}
LIMIT -1"""
    firsts = ", group_concat(first)" if grouped else ""
    return f"SELECT group_concat(send), group_concat(base), group_concat(send_us), group_concat(e2e_us){firsts} FROM ({inner})"


@dataclass(frozen=True)
class _Segment:
    sql: str
    params: tuple[Any, ...]
    grouped: bool


def _ungrouped(where: str, *params: Any) -> _Segment:  # `+`: the rowid range, not sends_group, drives the walk
    return _Segment(_segment_sql(f"+s.group_key IS NULL AND {where}", "s.rowid", grouped=False), params, grouped=False)


def _grouped(where: str, *params: Any) -> _Segment:
    return _Segment(_segment_sql(where, "s.group_key, s.invoke_ts, s.value", grouped=True), params, grouped=True)


@dataclass(frozen=True)
class SendRows:
    """One entry per send row, in FIFO order; the grouped rows are the last `len(first)`."""

    rowid: np.ndarray
    tally: np.ndarray  # tally key: invoke second, outcome, send latency bucket
    e2e: np.ndarray  # tally key of the end-to-end latency to the first receive of its value; NONE: not received
    receives: np.ndarray  # receive rows of its value
    first: np.ndarray  # grouped rows: image of its value's first receive if the row is ok, else NONE
    groups: list[str]  # group keys in the pass's order
    sizes: list[int]  # send rows of each group

    @property
    def grouped_rowid(self) -> np.ndarray:
        return self.rowid[len(self.rowid) - len(self.first):]


class PassOrderError(RuntimeError):
    """SQLite did not deliver the pass's rows in the order its queries ask for."""


def read(conn: sqlite3.Connection, readers: Readers) -> SendRows:
    """The pass. The ledger must have been validated (`source.validate`).

    The folding below needs each send row's joined rows together, which the
    count of runs checks against the count of send rows; group_concat's
    order, which SQLite calls arbitrary, is checked on the ungrouped
    segments (their rowids must rise). The order within a group (invoke_ts)
    is the ORDER BY's, read through the index sends_group. A mismatch is an
    error, never a verdict.
    """
    groups, sizes = _groups(conn)
    # Apart, each is quick.
    count, low, high = (conn.execute(f"SELECT {f} FROM sends").fetchone()[0] for f in ("count(*)", "min(rowid)", "max(rowid)"))
    rowid_bounds = [low + (high - low + 1) * k // SEGMENTS for k in range(1, SEGMENTS)] if count else []
    ends = np.cumsum(sizes)  # split before the groups nearest each share of the grouped rows
    group_bounds = [groups[i] for i in sorted({int(np.searchsorted(ends, ends[-1] * k / SEGMENTS)) + 1 for k in range(1, SEGMENTS)})
                    if i < len(groups)] if groups else []
    segments = [_ungrouped(*where) for where in _ranges("s.rowid", sorted(set(rowid_bounds)))]
    segments += [_grouped(*where) for where in _ranges("s.group_key", group_bounds)]
    parts = readers.map(_read_segment, segments)
    ungrouped = [p for p, s in zip(parts, segments) if not s.grouped]
    if sum(len(p[0]) for p in parts) != count or any(np.any(p[0][1:] < p[0][:-1]) for p in ungrouped):
        runs = sum(len(p[0]) for p in parts)
        raise PassOrderError(f"SQLite {sqlite3.sqlite_version} returned the checker's joined rows out of order "
                             f"({runs} runs for {count} send rows): this SQLite cannot be used")
    rowid, tally_key, e2e, receives = (np.concatenate(column) for column in zip(*(p[:4] for p in parts)))
    first = np.concatenate([p[4] for p, s in zip(parts, segments) if s.grouped])
    return SendRows(rowid, tally_key, e2e, receives, first, groups, sizes)


def _groups(conn: sqlite3.Connection) -> tuple[list[str], list[int]]:
    """Group keys in the pass's order, and the send rows of each."""
    found = conn.execute(
        "SELECT group_key, count(*) FROM sends WHERE group_key IS NOT NULL GROUP BY group_key ORDER BY group_key"
    ).fetchall()
    return [g for g, _ in found], [n for _, n in found]


def _ranges(column: str, bounds: list[Any]) -> list[tuple[str, Any]]:
    """(condition, parameters) of each range of `column`'s non-NULL values that `bounds` (ascending) split it into."""
    if not bounds:
        return [(f"{column} IS NOT NULL",)]
    edges = list(zip([None, *bounds], [*bounds, None]))
    return [(" AND ".join(([f"{column} >= ?"] if lo is not None else []) + ([f"{column} < ?"] if hi is not None else [])),
             *(e for e in (lo, hi) if e is not None)) for lo, hi in edges]


def _read_segment(conn: sqlite3.Connection, segment: _Segment) -> tuple[np.ndarray, ...]:
    """(rowid, tally key, e2e tally key, receives[, first image]) per send row of the segment."""
    send, base, send_us, e2e_us, *first = source.int_columns(conn, segment.sql, segment.params)
    if not len(send):
        return (send, send, send, send, *first)
    starts = tally.run_starts(send)  # a run's rows are consecutive
    base, send_us = base[starts], send_us[starts]
    timed = (base & tally.CODE == source.OK) & (send_us != NONE)  # an ok send with its latency
    key = base.copy()
    key[timed] += tally.LATENCY + latency.index(send_us[timed])
    e2e_us = np.minimum.reduceat(e2e_us, starts)  # the first receive's
    received = e2e_us != NONE
    receives = np.diff(np.r_[starts, len(send)]) * received  # the one joined row of a value never received: 0
    e2e = np.full(len(starts), NONE)
    e2e[received] = (base[received] >> tally.SHIFT << tally.SHIFT) + tally.LATENCY + latency.index(e2e_us[received])  # at the send's second
    return (send[starts], key, e2e, receives, *(np.minimum.reduceat(f, starts) for f in first))
