"""FIFO order: the contract's order-violation rule for values sent with a group_key.

Within a group, take the acknowledged, received values in invoke order (a
value's invoke_ts is its earliest; ties broken by value). For each
consecutive pair (a, b) with a's earliest `ok` complete_ts <= b's invoke_ts
(a was acknowledged before b was sent), b first received before a is a
violation. A value whose `ok` rows all lack complete_ts never meets that
condition. A value whose rows name different groups belongs to the smallest
group key.

The pass over sends keeps each grouped row as it comes, per group; a value
sent more than once (rare) is folded into one row afterwards, from all of its
rows, `ok` completions without a group included.
"""
from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from functools import partial
from itertools import compress, pairwise
from operator import is_not
from typing import Iterable, Sequence

from chaoskit.checker import source
from chaoskit.checker.values import ReceiveValues, SendValues

# SQL for the column GroupedSends reads: complete_ts of `ok` rows with a group, else NULL.
GROUP_OK_COMPLETE_SQL = "CASE WHEN outcome = 'ok' AND group_key IS NOT NULL THEN complete_ts END"

_present = partial(is_not, None)


class GroupedSends:
    """Reducer over sends (value, group_key, invoke_ts, group_ok_complete).

    groups: group key -> (invoke_ts list, value list, ok complete_ts-or-None list), one
    entry per grouped row; parallel lists, as a tuple per row would cost 64 bytes more.
    """

    columns = ("value", "group_key", "invoke_ts", "group_ok_complete")

    def __init__(self) -> None:
        self.groups: dict[str, tuple[list[float], list[str], list[float | None]]] = {}

    def feed(self, columns: Sequence[tuple]) -> None:
        value, group, invoke, ok_complete = columns
        present = list(map(_present, group))
        if not any(present):
            return
        groups = self.groups
        picked = (compress(column, present) for column in (group, invoke, value, ok_complete))
        for key, i, v, done in zip(*picked):
            lists = groups.get(key) or groups.setdefault(key, ([], [], []))
            lists[0].append(i)
            lists[1].append(v)
            lists[2].append(done)


Row = tuple[float, str, float | None]  # invoke_ts, value, ok complete_ts


def _rows(conn: sqlite3.Connection, grouped: GroupedSends, sends: SendValues) -> dict[str, Iterable[Row]]:
    """Each group's rows, a value sent more than once (rare) folded into one row: its smallest
    group, earliest invoke and earliest `ok` completion over all of its rows."""
    rows: dict[str, Iterable[Row]] = {key: zip(*lists) for key, lists in grouped.groups.items()}
    if not sends.resent:
        return rows
    group_of: dict[str, str] = {}  # resent value -> its smallest group
    for key in sorted(grouped.groups):
        found = sends.resent.intersection(grouped.groups[key][1])
        if found:
            rows[key] = [row for row in rows[key] if row[1] not in found]
            for value in found:
                group_of.setdefault(value, key)
    if not group_of:
        return rows
    done = dict(source.lookup(
        conn,
        "SELECT value, MIN(complete_ts) FROM sends WHERE outcome = 'ok' AND complete_ts IS NOT NULL"
        f" AND value IN {source.LOOKUP} GROUP BY value",
        group_of,
    ))
    for value, key in group_of.items():
        rows[key].append((sends.invoke[value], value, done.get(value)))
    return rows


@dataclass(frozen=True)
class Violation:
    group: str
    a: str
    b: str
    a_invoke_ts: float
    b_invoke_ts: float
    a_first_receive_ts: float
    b_first_receive_ts: float


def violations(
    conn: sqlite3.Connection, grouped: GroupedSends, sends: SendValues, receives: ReceiveValues
) -> list[Violation]:
    """Every order violation, sorted by group, then by invoke order within it."""
    received, unacknowledged = receives.first.get, sends.unacknowledged
    found = []
    for key, rows in sorted(_rows(conn, grouped, sends).items()):
        # Rows arrive nearly in invoke order, which Timsort sorts in about one pass.
        sequence = sorted(
            (invoke, value, done, first)
            for invoke, value, done in rows
            if (first := received(value)) is not None and value not in unacknowledged
        )
        for (a_invoke, a, a_done, a_first), (b_invoke, b, _, b_first) in pairwise(sequence):
            if a_done is not None and a_done <= b_invoke and b_first < a_first:
                found.append(Violation(key, a, b, a_invoke, b_invoke, a_first, b_first))
    return found
