"""Latency: send latency and end-to-end latency, overall and per epoch second.

Send latency is complete_ts - invoke_ts of each `ok` send row; end-to-end
latency is a value's first receive minus its earliest invoke, for every value
both sent and received, counted at the second of that invoke. Both are whole
microseconds (truncated) in HdrHistogram buckets: 1 µs to one day, 2
significant digits (each bucket under 1% wide); a longer latency counts as
one day, a negative one as zero. Reported in seconds, each value being the
top of its bucket, as HdrHistogram reports them.

A bucket is named by its HdrHistogram counts index (`index`), computed in
numpy from the microseconds SQLite hands over. Overall percentiles come
from an HdrHistogram fed the bucket counts. Per-second percentiles apply
HdrHistogram's rule (`percentiles`) to each second's sparse counts, every
second at once in numpy: querying one HdrHistogram per second would walk its
whole count array in Python for every second of the run. Two significant
digits keep a second's counts to a few hundred buckets.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
from hdrh.histogram import HdrHistogram
from numpy.typing import ArrayLike

from chaoskit.checker import tally
from chaoskit.checker.tally import Tally

HIGHEST_US = 86_400_000_000  # one day
PERCENTILES = (50.0, 95.0, 99.0)
PER_SECOND_PERCENTILES = (50.0, 99.0)


def new_histogram() -> HdrHistogram:
    """The histogram every latency is recorded in (µs, 1 µs .. one day, 2 significant figures)."""
    return HdrHistogram(1, HIGHEST_US, 2)


_SHAPE = new_histogram()
_EXACT_BITS = _SHAPE.sub_bucket_half_count_magnitude + 1  # below 2**8 µs each value has its own bucket
_HALF = _SHAPE.sub_bucket_half_count  # buckets per power of two above that


def index(us: ArrayLike) -> np.ndarray:
    """HdrHistogram's counts index of each of `us` microseconds (clamped into range), as int64."""
    us = np.clip(np.asarray(us, dtype=np.int64), 0, HIGHEST_US)
    shift = np.maximum(np.frexp(us.astype(np.float64))[1] - _EXACT_BITS, 0)  # the exponent is the bit length (exact below 2**53)
    return (us >> shift) + _HALF * shift


_TOP = int(index(HIGHEST_US))


def _top_of(bucket: int) -> float:
    """The highest value (seconds) equivalent to bucket index `bucket`."""
    return _SHAPE.get_highest_equivalent_value(_SHAPE.get_value_from_index(bucket)) / 1e6


_TOPS = np.array([_top_of(bucket) for bucket in range(_TOP + 1)])


def percentiles(counts: Mapping[int, int], wanted: Sequence[float]) -> list[float]:
    """Percentiles (seconds) of bucket counts by HdrHistogram's rule: the top of the bucket
    where the running count first reaches round(p% of the total), at least 1; in `sorted(wanted)` order."""
    buckets = np.array(sorted(counts), dtype=np.int64)
    found = _grouped_percentiles(np.zeros(len(buckets), np.int64), buckets, np.array([counts[b] for b in buckets.tolist()]), wanted)
    return [float(column[0]) for column in found[1]]


def _grouped_percentiles(
    groups: np.ndarray, buckets: np.ndarray, counts: np.ndarray, wanted: Sequence[float]
) -> tuple[np.ndarray, list[np.ndarray]]:
    """`percentiles` of each group at once: rows sorted by group, then bucket.
    Returns the groups and, per wanted percentile in sorted order, one value per group."""
    starts = tally.run_starts(groups)
    totals = np.add.reduceat(counts, starts)
    running = np.cumsum(counts)
    before = running[starts] - counts[starts]
    out = []
    for p in sorted(wanted):
        target = np.maximum((p * totals / 100 + 0.5).astype(np.int64), 1)  # int(): the same float steps as in Python
        out.append(_TOPS[buckets[np.searchsorted(running, before + target)]])  # first running count >= target
    return groups[starts], out


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


def report(sends: Tally, e2e: Tally) -> dict:
    """The results.json `latency` section from the sends tally and the end-to-end tally."""
    rows: dict[int, dict] = {}
    overall = {}
    for name, samples in (("send", tally.latencies(sends)), ("e2e", tally.latencies(e2e))):
        buckets = samples.codes - tally.LATENCY
        if len(buckets):
            seconds, found = _grouped_percentiles(samples.seconds, buckets, samples.counts, PER_SECOND_PERCENTILES)
            for second, *values in zip(seconds.tolist(), *(column.tolist() for column in found)):
                rows.setdefault(second, {})[name] = values
        totals = np.bincount(buckets, weights=samples.counts) if len(buckets) else np.zeros(0)
        overall[name] = {b: int(totals[b]) for b in np.flatnonzero(totals).tolist()}
    per_second = []
    for second in sorted(rows):
        row: dict = {"t": second}
        for name in ("send", "e2e"):
            found = rows[second].get(name, [None] * len(PER_SECOND_PERCENTILES))
            row.update({f"{name}_p{p:g}": v for p, v in zip(PER_SECOND_PERCENTILES, found)})
        per_second.append(row)
    return {"send": summarize(overall["send"]), "end_to_end": summarize(overall["e2e"]), "per_second": per_second}
