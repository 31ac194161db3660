"""Distinct values: what the sends and receives tables say about each payload id.

The contract's anomalies are set algebra over distinct values, and the
order and latency checks need each value's earliest invoke and first
receive. Two reducers fold the rows into exactly that: dicts keyed by value
(their keys are the sets) plus the small sets of values with fail or info
rows. Hash sets beat SQLite's GROUP BY here: SQLite sorts, and a sort of a
million strings costs several bare scans (see docs/checker.md).
"""
from __future__ import annotations

from itertools import compress
from typing import Sequence


def fold_min(target: dict, keys: Sequence, values: Sequence) -> list:
    """target[k] = min(target[k], v) for each pair; returns the keys already present.

    Runs at C speed when every key is new (one send, one receive per value).
    """
    fresh = dict(zip(keys, values))
    if len(fresh) == len(keys) and target.keys().isdisjoint(fresh):
        target.update(fresh)
        return []
    seen = []
    get = target.get
    for key, value in zip(keys, values):
        old = get(key)
        if old is None:
            target[key] = value
        else:
            seen.append(key)
            if value < old:
                target[key] = value
    return seen


class SendValues:
    """Reducer over sends (value, outcome, invoke_ts).

    invoke: value -> earliest invoke_ts (its keys are the attempted values);
    acknowledged: values with an `ok` row; failed / uncertain: values with a
    `fail` / `info` row.
    """

    columns = ("value", "outcome", "invoke_ts")

    def __init__(self) -> None:
        self.invoke: dict[str, float] = {}
        self.acknowledged: set[str] = set()
        self.failed: set[str] = set()
        self.uncertain: set[str] = set()

    def feed(self, columns: Sequence[tuple]) -> None:
        value, outcome, invoke = columns
        fold_min(self.invoke, value, invoke)
        self.acknowledged.update(compress(value, map("ok".__eq__, outcome)))
        for v, o in zip(value, outcome):
            if o == "fail":
                self.failed.add(v)
            elif o == "info":
                self.uncertain.add(v)


class ReceiveValues:
    """Reducer over receives (value, ts).

    first: value -> earliest receive ts (its keys are the received values);
    deliveries: value -> receive count, for values received more than once;
    rows: receive rows in all.
    """

    columns = ("value", "ts")

    def __init__(self) -> None:
        self.first: dict[str, float] = {}
        self.deliveries: dict[str, int] = {}
        self.rows = 0

    def feed(self, columns: Sequence[tuple]) -> None:
        value, ts = columns
        self.rows += len(value)
        deliveries = self.deliveries
        for again in fold_min(self.first, value, ts):
            deliveries[again] = deliveries.get(again, 1) + 1
