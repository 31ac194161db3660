"""FIFO order: the contract's order-violation rule for values sent with a group_key.

Within a group, take the acknowledged, received values in invoke order (a
value's invoke_ts is its earliest; ties broken by value). For each
consecutive pair (a, b) with a's earliest `ok` complete_ts <= b's invoke_ts
(a was acknowledged before b was sent), b first received before a is a
violation. A value whose `ok` rows all lack complete_ts never meets that
condition. A value whose rows name different groups belongs to the smallest
group key.

The pass over send rows (`joined`) delivers the grouped rows in exactly
that order, each with the image of its value's first receive. A value sent
more than once (rare) is left out of the rows and put back as one entry,
after the row that precedes it in the order. Images keep the order of
times, so only a pair whose images do not rise can be a violation: numpy
screens every pair, and the few candidates are judged on their exact times.
"""
from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from chaoskit.checker import source, values
from chaoskit.checker.joined import IMAGE_SCALE, NONE, SendRows
from chaoskit.checker.values import Receipt, Values


@dataclass(frozen=True)
class Violation:
    group: str
    a: str
    b: str
    a_invoke_ts: float
    b_invoke_ts: float
    a_first_receive_ts: float
    b_first_receive_ts: float


@dataclass(frozen=True)
class _Entry:
    """A value of a group's sequence, with its exact times."""

    value: str
    invoke_ts: float
    done_ts: float | None
    first_ts: float


@dataclass(frozen=True)
class _Folded:
    """A value sent more than once, put back into its group after pass row `after` (-1: first)."""

    group: int  # index into the group keys
    after: int
    entry: _Entry


def violations(conn: sqlite3.Connection, rows: SendRows, found: Values) -> list[Violation]:
    """Every order violation, sorted by group, then by invoke order within it."""
    groups, sizes = rows.groups, rows.sizes
    rowid = rows.grouped_rowid
    member = np.flatnonzero((rows.first != NONE) & values.not_resent(found, rowid))
    folded = _folded(conn, found, rowid, groups)
    # Each entry's place: group, then position (pass row i at 2i, a folded value at 2i + 1 after
    # the row i before it), then rank among values folded at the same place. `who` names an entry:
    # a rowid, or -1 - k for folded[k].
    group = np.concatenate([np.repeat(np.arange(len(groups)), sizes)[member], _ints(f.group for f in folded)])
    position = np.concatenate([2 * member, _ints(2 * f.after + 1 for f in folded)])
    rank = np.concatenate([np.zeros(len(member), np.int64), np.arange(len(folded))])
    image = np.concatenate([rows.first[member], _ints(int(f.entry.first_ts * IMAGE_SCALE) for f in folded)])  # as image_sql
    who = np.concatenate([rowid[member], -1 - np.arange(len(folded))])
    order = np.lexsort((rank, position, group))
    who, image, group = who[order], image[order], group[order]
    # Screening: b first received before a needs image(b) <= image(a).
    pairs = [(int(who[i]), int(who[i + 1]), groups[group[i]])
             for i in np.flatnonzero((group[1:] == group[:-1]) & (image[1:] <= image[:-1]))]
    entries = _entries(conn, {w for a, b, _ in pairs for w in (a, b) if w >= 0})
    entries.update({-1 - k: f.entry for k, f in enumerate(folded)})
    found_violations = []
    for a, b, key in pairs:
        x, y = entries[a], entries[b]
        if x.done_ts is not None and x.done_ts <= y.invoke_ts and y.first_ts < x.first_ts:
            found_violations.append(Violation(key, x.value, y.value, x.invoke_ts, y.invoke_ts, x.first_ts, y.first_ts))
    return found_violations


def _ints(items: Iterable[int]) -> np.ndarray:
    return np.array(list(items), dtype=np.int64)


def _entries(conn: sqlite3.Connection, rowids: set[int]) -> dict[int, _Entry]:
    """rowid -> the exact entry of a value sent once."""
    rows = source.lookup(
        conn, f"SELECT rowid, value, invoke_ts, CASE WHEN outcome = 'ok' THEN complete_ts END FROM sends WHERE rowid IN {source.LOOKUP}",
        rowids,
    )
    first = values.receipts(conn, (r[1] for r in rows))
    return {rowid: _Entry(value, invoke, done, first[value].first_ts) for rowid, value, invoke, done in rows}


def _folded(conn: sqlite3.Connection, found: Values, rowid: np.ndarray, groups: list[str]) -> list[_Folded]:
    """The acknowledged, received, grouped values sent more than once, in sequence order."""
    if not found.resent:
        return []
    received: dict[str, Receipt] = values.receipts(conn, found.resent)
    group_index = {g: i for i, g in enumerate(groups)}
    by_rowid = np.argsort(rowid)  # pass row of a rowid: by_rowid[searchsorted(rowid[by_rowid], it)]
    folded = []
    for value, r in found.resent.items():
        if r.group is None or not r.acknowledged or value not in received:
            continue
        before = conn.execute(  # the last row of its group before it, in the pass's order
            "SELECT rowid FROM sends WHERE group_key = ? AND (invoke_ts, value) < (?, ?)"
            " ORDER BY group_key DESC, invoke_ts DESC, value DESC LIMIT 1",
            (r.group, r.invoke_ts, value),
        ).fetchone()
        after = int(by_rowid[np.searchsorted(rowid[by_rowid], before[0])]) if before else -1
        folded.append(_Folded(group_index[r.group], after, _Entry(value, r.invoke_ts, r.done_ts, received[value].first_ts)))
    return sorted(folded, key=lambda f: (f.group, f.after, f.entry.invoke_ts, f.entry.value))
