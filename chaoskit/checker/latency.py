"""Latency: send latency and end-to-end latency, overall and per epoch second.

Send latency is complete_ts - invoke_ts of each `ok` send row; end-to-end
latency is a value's first receive minus its earliest invoke, for every value
both sent and received, counted at the second of that invoke. Both are whole
microseconds (truncated) in HdrHistogram buckets: 1 µs to one day, 2
significant digits (each bucket under 1% wide); a longer latency counts as
one day, a negative one as zero. Reported in seconds, each value being the
top of its bucket, as HdrHistogram reports them.

A bucket is named by its HdrHistogram counts index, computed where the
values are: in SQL for sends (`index_sql`) and in Python for end-to-end
(`end_to_end`). Overall percentiles come from an HdrHistogram fed the bucket
counts. Per-second percentiles apply HdrHistogram's rule to each second's
sparse counts (`percentiles`): querying one HdrHistogram per second would walk
its whole count array in Python for every second of the run. Two significant
digits keep a second's counts to a few hundred buckets.
"""
from __future__ import annotations

import math
from collections import Counter, defaultdict
from typing import Mapping, Sequence

from hdrh.histogram import HdrHistogram

from chaoskit.checker import tally

HIGHEST_US = 86_400_000_000  # one day
PERCENTILES = (50.0, 95.0, 99.0)
PER_SECOND_PERCENTILES = (50.0, 99.0)


def new_histogram() -> HdrHistogram:
    """The histogram every latency is recorded in (µs, 1 µs .. one day, 2 significant figures)."""
    return HdrHistogram(1, HIGHEST_US, 2)


_SHAPE = new_histogram()
_EXACT_BITS = _SHAPE.sub_bucket_half_count_magnitude + 1  # below 2**8 µs each value has its own bucket
_HALF = _SHAPE.sub_bucket_half_count  # buckets per power of two above that


def _unclamped(us: int) -> int:
    shift = us.bit_length() - _EXACT_BITS
    return us if shift <= 0 else (us >> shift) + _HALF * shift


_TOP = _unclamped(HIGHEST_US)


def index(us: int) -> int:
    """HdrHistogram's counts index of `us` microseconds (clamped into range)."""
    return 0 if us <= 0 else _TOP if us >= HIGHEST_US else _unclamped(us)


def index_sql(us: str) -> str:
    """`index` as an SQL expression over the integer SQL expression `us` (NULL stays NULL)."""
    whens = [f"WHEN {us} < {1 << _EXACT_BITS} THEN max({us}, 0)"]
    shift = 1
    while 1 << (_EXACT_BITS + shift - 1) < HIGHEST_US:
        limit = min(1 << (_EXACT_BITS + shift), HIGHEST_US)
        whens.append(f"WHEN {us} < {limit} THEN ({us} >> {shift}) + {_HALF * shift}")
        shift += 1
    return f"CASE {' '.join(whens)} WHEN {us} IS NOT NULL THEN {_TOP} END"


def _top_of(bucket: int) -> float:
    """The highest value (seconds) equivalent to bucket index `bucket`."""
    return _SHAPE.get_highest_equivalent_value(_SHAPE.get_value_from_index(bucket)) / 1e6


def percentiles(counts: Mapping[int, int], wanted: Sequence[float]) -> list[float]:
    """Percentiles (seconds) of bucket counts by HdrHistogram's rule: the top of the bucket
    where the running count first reaches round(p% of the total), at least 1."""
    total = sum(counts.values())
    ordered = sorted(counts.items())
    out: list[float] = []
    position, running = 0, 0
    for p in sorted(wanted):
        target = max(int(p * total / 100 + 0.5), 1)
        while running < target:
            running += ordered[position][1]
            position += 1
        out.append(_top_of(ordered[position - 1][0]))
    return out


def summarize(counts: Mapping[int, int]) -> dict:
    """{count, p50, p95, p99, max} in seconds from bucket counts, via HdrHistogram."""
    histogram = new_histogram()
    for bucket, count in counts.items():
        histogram.record_value(_SHAPE.get_value_from_index(bucket), count)
    total = histogram.get_total_count()
    if not total:
        return {"count": 0, "p50": None, "p95": None, "p99": None, "max": None}
    values = histogram.get_percentile_to_value_dict(list(PERCENTILES))
    summary: dict = {"count": total}
    summary.update({f"p{p:g}": values[p] / 1e6 for p in PERCENTILES})
    summary["max"] = histogram.get_max_value() / 1e6
    return summary


def end_to_end(invoked: Sequence[float | None], first_receive: Mapping[str, float]) -> Counter[int]:
    """Tally of first receive minus earliest invoke per value, keyed like sends.

    `invoked` is the earliest invoke of each received value, in the order of
    `first_receive` (None: never sent).
    """
    floor, key = math.floor, tally.key
    return Counter(
        key(floor(invoke), index(int((received - invoke) * 1_000_000)))  # truncated, like the CAST for sends
        for received, invoke in zip(first_receive.values(), invoked)
        if invoke is not None
    )


def report(sends: Counter[int], e2e: Counter[int]) -> dict:
    """The results.json `latency` section from the sends tally and the end-to-end tally."""
    send_seconds, e2e_seconds = tally.latencies(sends), tally.latencies(e2e)
    rows = []
    for second in sorted(send_seconds.keys() | e2e_seconds.keys()):
        row: dict = {"t": second}
        for name, seconds in (("send", send_seconds), ("e2e", e2e_seconds)):
            counts = seconds.get(second)
            found = percentiles(counts, PER_SECOND_PERCENTILES) if counts else [None] * len(PER_SECOND_PERCENTILES)
            row.update({f"{name}_p{p:g}": v for p, v in zip(PER_SECOND_PERCENTILES, found)})
        rows.append(row)
    return {
        "send": summarize(_overall(send_seconds)),
        "end_to_end": summarize(_overall(e2e_seconds)),
        "per_second": rows,
    }


def _overall(per_second: Mapping[int, Mapping[int, int]]) -> dict[int, int]:
    total: dict[int, int] = defaultdict(int)
    for counts in per_second.values():
        for bucket, count in counts.items():
            total[bucket] += count
    return total
