"""Per-second tallies under one integer key: epoch second * 65536 + code.

The code says what was counted: OK (0) an `ok` send with no complete_ts,
FAIL (1) a `fail` send, INFO (2) an `info` send, and LATENCY + i an `ok`
send (or an end-to-end sample) whose latency lies in HdrHistogram bucket
index i (a few thousand). One small integer per row lets SQLite build the key and
a Counter count a million sends in C; the timeline and the latency report
both read their numbers out of the same tally.
"""
from __future__ import annotations

from collections import defaultdict
from typing import Mapping

from chaoskit.checker.source import FAIL, INFO, OK

SHIFT = 16
_CODE = (1 << SHIFT) - 1
LATENCY = 3


def key(second: int, bucket: int) -> int:
    """The key of a latency sample in `bucket` at `second`."""
    return (second << SHIFT) + LATENCY + bucket


def key_sql(second: str, outcome_code: str, bucket: str) -> str:
    """SQL expression of a send row's key; `bucket` is NULL when its latency is unknown or not ok."""
    return (
        f"({second}) * {1 << SHIFT} + CASE {outcome_code} WHEN {OK} THEN COALESCE({LATENCY} + ({bucket}), {OK})"
        f" ELSE {outcome_code} END"
    )


def outcomes(counts: Mapping[int, int]) -> dict[int, list[int]]:
    """{second: [ok, fail, info] send counts}."""
    seconds: dict[int, list[int]] = defaultdict(lambda: [0, 0, 0])
    for k, count in counts.items():
        code = k & _CODE
        seconds[k >> SHIFT][OK if code >= LATENCY else code] += count
    return seconds


def latencies(counts: Mapping[int, int]) -> dict[int, dict[int, int]]:
    """{second: {bucket: count}} of the latency samples."""
    seconds: dict[int, dict[int, int]] = defaultdict(dict)
    for k, count in counts.items():
        code = k & _CODE
        if code >= LATENCY:
            seconds[k >> SHIFT][code - LATENCY] = count
    return seconds
