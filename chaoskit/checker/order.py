"""FIFO order: the contract's order-violation rule for values sent with a group_key.

Within a group, take the acknowledged, received values in invoke order (a
value's invoke_ts is its earliest; ties broken by value). For each
consecutive pair (a, b) with a's earliest `ok` complete_ts <= b's invoke_ts
(a was acknowledged before b was sent), b first received before a is a
violation. A value whose `ok` rows all lack complete_ts never meets that
condition. A value whose rows name different groups belongs to the smallest
group key.

The pass over sends keeps each grouped row's `ok` completion; a value sent
more than once may also have `ok` rows without a group, so those few values
are looked up again (`complete_resent`).
"""
from __future__ import annotations

import sqlite3
from collections import defaultdict
from dataclasses import dataclass
from functools import partial
from itertools import compress, pairwise
from operator import is_not
from typing import Sequence

from chaoskit.checker import source
from chaoskit.checker.values import ReceiveValues, SendValues, fold_min

# SQL for the column GroupedSends reads: complete_ts of `ok` rows with a group, else NULL.
GROUP_OK_COMPLETE_SQL = "CASE WHEN outcome = 'ok' AND group_key IS NOT NULL THEN complete_ts END"

_present = partial(is_not, None)


class GroupedSends:
    """Reducer over sends (value, group_key, group_ok_complete).

    group: value -> its group key, for values sent with one;
    ok_complete: value -> earliest complete_ts of its `ok` rows, for those values.
    """

    columns = ("value", "group_key", "group_ok_complete")

    def __init__(self) -> None:
        self.group: dict[str, str] = {}
        self.ok_complete: dict[str, float] = {}
        self._keys: dict[str, str] = {}  # one string object per group, not one per row

    def feed(self, columns: Sequence[tuple]) -> None:
        value, group, ok_complete = columns
        grouped = list(compress(value, map(_present, group)))
        if grouped:
            keys = [self._keys.setdefault(g, g) for g in compress(group, map(_present, group))]
            fold_min(self.group, grouped, keys)
        completed = list(compress(value, map(_present, ok_complete)))
        if completed:
            fold_min(self.ok_complete, completed, list(compress(ok_complete, map(_present, ok_complete))))


def complete_resent(conn: sqlite3.Connection, grouped: GroupedSends, resent: set[str]) -> None:
    """Set ok_complete of grouped values sent more than once from all their `ok` rows."""
    again = [v for v in resent if v in grouped.group]
    if not again:
        return
    for value in again:
        grouped.ok_complete.pop(value, None)
    grouped.ok_complete.update(source.lookup(
        conn,
        "SELECT value, MIN(complete_ts) FROM sends WHERE outcome = 'ok' AND complete_ts IS NOT NULL"
        f" AND value IN {source.LOOKUP} GROUP BY value",
        again,
    ))


@dataclass(frozen=True)
class Violation:
    group: str
    a: str
    b: str
    a_invoke_ts: float
    b_invoke_ts: float
    a_first_receive_ts: float
    b_first_receive_ts: float


def violations(grouped: GroupedSends, sends: SendValues, receives: ReceiveValues) -> list[Violation]:
    """Every order violation, sorted by group, then by invoke order within it."""
    invoke, first, unacknowledged = sends.invoke, receives.first, sends.unacknowledged
    members: dict[str, list[tuple[float, str]]] = defaultdict(list)
    for value, key in grouped.group.items():
        if value in first and value not in unacknowledged:
            members[key].append((invoke[value], value))
    found = []
    for key in sorted(members):
        for (a_invoke, a), (b_invoke, b) in pairwise(sorted(members[key])):
            a_done = grouped.ok_complete.get(a)
            if a_done is not None and a_done <= b_invoke and first[b] < first[a]:
                found.append(Violation(key, a, b, a_invoke, b_invoke, first[a], first[b]))
    return found
