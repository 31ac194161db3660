"""Distinct values: what the sends and receives tables say about each payload id.

The contract's anomalies are set algebra over distinct values, and the
order and latency checks need each value's earliest invoke and first
receive. Two reducers fold the rows into exactly that: dicts keyed by value
(their keys are the sets) plus small sets of the values that had a `fail`
or `info` row. Hash sets beat SQLite's GROUP BY here: SQLite sorts, and a
sort of a million strings costs several bare scans (see docs/checker.md).
"""
from __future__ import annotations

from itertools import compress
from operator import not_
from typing import Sequence

from chaoskit.checker.source import FAIL


def fold_min(target: dict, keys: Sequence, values: Sequence) -> list:
    """target[k] = min(target[k], v) for each pair; returns one entry per key seen before.

    C speed while no key repeats within `keys` (one send, one receive per value).
    """
    fresh = dict(zip(keys, values))
    if len(fresh) == len(keys):
        again = list(fresh.keys() & target.keys())
        for key in again:
            if target[key] < fresh[key]:
                fresh[key] = target[key]
        target.update(fresh)
        return again
    again = []
    get = target.get
    for key, value in zip(keys, values):
        old = get(key)
        if old is None:
            target[key] = value
        else:
            again.append(key)
            if value < old:
                target[key] = value
    return again


class SendValues:
    """Reducer over sends (value, outcome code, invoke_ts).

    invoke: value -> earliest invoke_ts (its keys are the attempted values);
    failed / uncertain: values with a `fail` / `info` row;
    resent: values with more than one row;
    unacknowledged: values without an `ok` row (attempted minus acknowledged).

    Acknowledged values are nearly all of them, so only the exceptions are
    kept: a value with a non-`ok` row is acknowledged if it also has an `ok`
    row, in the same chunk, a later one, or an earlier one (then it was
    already in `invoke` without a non-`ok` row).
    """

    columns = ("value", "outcome", "invoke_ts")

    def __init__(self) -> None:
        self.invoke: dict[str, float] = {}
        self.failed: set[str] = set()
        self.uncertain: set[str] = set()
        self.resent: set[str] = set()
        self._not_ok: set[str] = set()
        self._also_ok: set[str] = set()

    def feed(self, columns: Sequence[tuple]) -> None:
        value, outcome, invoke = columns
        not_ok = list(compress(zip(value, outcome), outcome))  # outcome code OK is 0
        if not_ok:
            self._also_ok.update(v for v, _ in not_ok if v in self.invoke and v not in self._not_ok)
            for v, o in not_ok:
                (self.failed if o == FAIL else self.uncertain).add(v)
                self._not_ok.add(v)
        if self._not_ok:
            self._also_ok.update(self._not_ok.intersection(compress(value, map(not_, outcome))))
        self.resent.update(fold_min(self.invoke, value, invoke))

    @property
    def unacknowledged(self) -> set[str]:
        return self._not_ok - self._also_ok


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


def sent_times(sends: SendValues, receives: ReceiveValues) -> list[float | None]:
    """The earliest invoke of each received value, in `receives.first` order (None: never sent).

    The one probe of the sends index per received value; the queue counts and
    end-to-end latency both read it.
    """
    return list(map(sends.invoke.get, receives.first))
