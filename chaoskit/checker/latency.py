"""Latency: send latency and end-to-end latency, overall and per epoch second.

Send latency is complete_ts - invoke_ts of each `ok` send row; end-to-end
latency is a value's first receive minus its earliest invoke, for every value
both sent and received. Both are whole microseconds (truncated), recorded in
HdrHistogram buckets (1 µs to one day, 3 significant digits; a longer
latency counts as one day, a negative one as zero). Reported in seconds.

Bucketing happens where the values are: in SQL for sends (`bucket_sql`, so
one million rows never become Python floats twice) and in Python for
end-to-end (`bucket`). Overall percentiles come from an HdrHistogram fed the
bucket counts. Per-second percentiles use the same buckets and the same
percentile rule on each second's sparse counts (`percentiles`): querying one
HdrHistogram per second would walk its whole 28k-slot count array in Python
for every second of the run.
"""
from __future__ import annotations

import math
from collections import Counter, defaultdict
from typing import Iterable, Mapping, Sequence

from hdrh.histogram import HdrHistogram

HIGHEST_US = 86_400_000_000  # one day
PERCENTILES = (50.0, 95.0, 99.0)
PER_SECOND_PERCENTILES = (50.0, 99.0)


def new_histogram() -> HdrHistogram:
    """The histogram every latency is recorded in (µs, 1 µs .. one day, 3 significant figures)."""
    return HdrHistogram(1, HIGHEST_US, 3)


_SHAPE = new_histogram()
_EXACT_BITS = _SHAPE.sub_bucket_half_count_magnitude + 1  # below 2**11 µs every value is its own bucket
_TOP = _SHAPE.get_lowest_equivalent_value(HIGHEST_US)


def bucket(us: int) -> int:
    """The lowest value of the histogram bucket that holds `us` microseconds."""
    if us <= 0:
        return 0
    if us >= HIGHEST_US:
        return _TOP
    shift = us.bit_length() - _EXACT_BITS
    return us if shift <= 0 else (us >> shift) << shift


def bucket_sql(us: str) -> str:
    """`bucket` as an SQL expression over the integer SQL expression `us` (NULL stays NULL)."""
    whens = [f"WHEN {us} <= 0 THEN 0", f"WHEN {us} >= {HIGHEST_US} THEN {_TOP}", f"WHEN {us} < {1 << _EXACT_BITS} THEN {us}"]
    shift = 1
    while 1 << (_EXACT_BITS + shift - 1) < HIGHEST_US:
        whens.append(f"WHEN {us} < {1 << (_EXACT_BITS + shift)} THEN ({us} >> {shift}) << {shift}")
        shift += 1
    return "CASE " + " ".join(whens) + " END"


def micros(seconds: float) -> int:
    """Seconds to whole microseconds, truncated like SQLite's CAST(x AS INTEGER)."""
    return int(seconds * 1_000_000)


def percentiles(counts: Mapping[int, int], wanted: Sequence[float]) -> list[float]:
    """Percentiles (seconds) of bucket counts, by HdrHistogram's rule: the highest value
    equivalent to the bucket where the running count first reaches round(p% of total)."""
    total = sum(counts.values())
    ordered = sorted(counts.items())
    out: list[float] = []
    index, running = 0, 0
    for p in sorted(wanted):
        target = max(int(p * total / 100 + 0.5), 1)
        while running < target:
            running += ordered[index][1]
            index += 1
        out.append(_SHAPE.get_highest_equivalent_value(ordered[index - 1][0]) / 1e6)
    return out


def summarize(counts: Mapping[int, int]) -> dict:
    """{count, p50, p95, p99, max} in seconds from bucket counts, via HdrHistogram."""
    histogram = new_histogram()
    for value, count in counts.items():
        histogram.record_value(value, count)
    total = histogram.get_total_count()
    if not total:
        return {"count": 0, "p50": None, "p95": None, "p99": None, "max": None}
    values = histogram.get_percentile_to_value_dict(list(PERCENTILES))
    summary: dict = {"count": total}
    summary.update({f"p{p:g}": values[p] / 1e6 for p in PERCENTILES})
    summary["max"] = histogram.get_max_value() / 1e6
    return summary


class SendLatency:
    """Reducer over sends (second, latency bucket): bucket counts per epoch second of invoke."""

    columns = ("second", "latency_bucket")

    def __init__(self) -> None:
        self.counts: Counter[tuple[int, int | None]] = Counter()

    def feed(self, columns: Sequence[tuple]) -> None:
        second, latency_bucket = columns
        self.counts.update(zip(second, latency_bucket))

    def per_second(self) -> dict[int, dict[int, int]]:
        """{second: {bucket: count}}, skipping rows without a latency (not ok, or never completed)."""
        seconds: dict[int, dict[int, int]] = defaultdict(dict)
        for (second, value), count in self.counts.items():
            if value is not None:
                seconds[second][value] = count
        return seconds


def end_to_end(invoke: Mapping[str, float], first_receive: Mapping[str, float]) -> dict[int, dict[int, int]]:
    """{second of invoke: {bucket: count}} of first receive minus invoke, per value sent and received."""
    per_second: dict[int, Counter[int]] = defaultdict(Counter)
    floor = math.floor
    for value, received in first_receive.items():
        invoked = invoke.get(value)
        if invoked is not None:
            per_second[floor(invoked)][bucket(micros(received - invoked))] += 1
    return per_second


def _merge(per_second: Mapping[int, Mapping[int, int]]) -> Counter[int]:
    total: Counter[int] = Counter()
    for counts in per_second.values():
        total.update(counts)
    return total


def report(send: Mapping[int, Mapping[int, int]], e2e: Mapping[int, Mapping[int, int]]) -> dict:
    """The results.json `latency` section from per-second bucket counts of both kinds."""
    rows = []
    for second in sorted(send.keys() | e2e.keys()):
        row: dict = {"t": second}
        for name, source in (("send", send), ("e2e", e2e)):
            counts = source.get(second)
            values: Iterable = percentiles(counts, PER_SECOND_PERCENTILES) if counts else (None, None)
            row.update({f"{name}_p{p:g}": v for p, v in zip(PER_SECOND_PERCENTILES, values)})
        rows.append(row)
    return {"send": summarize(_merge(send)), "end_to_end": summarize(_merge(e2e)), "per_second": rows}
