"""Per-second tallies under one integer key: epoch second * 65536 + code.

The code says what was counted: OK (0) an `ok` send with no complete_ts,
FAIL (1) a `fail` send, INFO (2) an `info` send, and LATENCY + i an `ok`
send (or an end-to-end sample) whose latency lies in HdrHistogram bucket
index i (a few thousand). One small integer per row lets numpy count a
million of them; the timeline and the latency report
both read their numbers out of the same tally.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from chaoskit.checker.source import OK

SHIFT = 16
CODE = (1 << SHIFT) - 1  # mask of a key's code
LATENCY = 3


def run_starts(a: np.ndarray) -> np.ndarray:
    """Index of the first element of each run of equal consecutive elements of `a`."""
    return np.flatnonzero(np.r_[True, a[1:] != a[:-1]]) if len(a) else np.zeros(0, np.int64)


def key(second: int, bucket: int) -> int:
    """The key of a latency sample in `bucket` at `second`."""
    return (second << SHIFT) + LATENCY + bucket


@dataclass(frozen=True)
class Tally:
    """How many times each key occurred: `keys` ascending (so by second, then code), `counts` alongside."""

    keys: np.ndarray
    counts: np.ndarray

    @classmethod
    def of(cls, keys: np.ndarray) -> Tally:
        ordered = np.sort(keys, kind="stable")  # timsort: the pass delivers keys mostly in time order
        starts = run_starts(ordered)
        return cls(ordered[starts], np.diff(np.r_[starts, len(ordered)]))

    @property
    def seconds(self) -> np.ndarray:
        return self.keys >> SHIFT

    @property
    def codes(self) -> np.ndarray:
        return self.keys & CODE


def outcomes(tally: Tally) -> dict[int, list[int]]:
    """{second: [ok, fail, info] send counts}."""
    kinds = np.where(tally.codes >= LATENCY, OK, tally.codes)
    slots, at = np.unique(tally.seconds * 3 + kinds, return_inverse=True)
    totals = np.bincount(at, weights=tally.counts).astype(np.int64)  # exact: counts are far below 2**53
    seconds: dict[int, list[int]] = {}
    for slot, count in zip(slots.tolist(), totals.tolist()):
        seconds.setdefault(slot // 3, [0, 0, 0])[slot % 3] += count
    return seconds


def latencies(tally: Tally) -> Tally:
    """The latency samples alone; their code minus LATENCY is the bucket."""
    keep = tally.codes >= LATENCY
    return Tally(tally.keys[keep], tally.counts[keep])
