"""FIFO order: the contract's order-violation rule for values sent with a group_key.

Within a group, take the acknowledged, received values in invoke order (a
value's invoke_ts is its earliest; ties broken by value). For each
consecutive pair (a, b) with a's earliest `ok` complete_ts <= b's invoke_ts
(a was acknowledged before b was sent), b first received before a is a
violation. A value whose `ok` rows all lack complete_ts never satisfies the
precondition. A value whose rows name different groups belongs to the
smallest group key.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from itertools import pairwise
from typing import Sequence

from chaoskit.checker.values import ReceiveValues, SendValues


class GroupedSends:
    """Reducer over sends (value, group_key, outcome, complete_ts) for rows with a group_key."""

    columns = ("value", "group_key", "outcome", "complete_ts")

    def __init__(self) -> None:
        self.group: dict[str, str] = {}
        self.ok_complete: dict[str, float] = {}

    def feed(self, columns: Sequence[tuple]) -> None:
        group, ok_complete = self.group, self.ok_complete
        for value, key, outcome, complete in zip(*columns):
            if key is None:
                continue
            if value not in group or key < group[value]:
                group[value] = key
            if outcome == "ok" and complete is not None and (value not in ok_complete or complete < ok_complete[value]):
                ok_complete[value] = complete


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
    """Every order violation, sorted by group then invoke order."""
    invoke, first, acknowledged = sends.invoke, receives.first, sends.acknowledged
    members: dict[str, list[tuple[float, str]]] = defaultdict(list)
    for value, key in grouped.group.items():
        if value in acknowledged and value in first:
            members[key].append((invoke[value], value))
    found = []
    for key in sorted(members):
        for (a_invoke, a), (b_invoke, b) in pairwise(sorted(members[key])):
            a_done = grouped.ok_complete.get(a)
            if a_done is not None and a_done <= b_invoke and first[b] < first[a]:
                found.append(Violation(key, a, b, a_invoke, b_invoke, first[a], first[b]))
    return found
