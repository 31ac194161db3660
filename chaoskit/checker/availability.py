"""Availability: the gaps in which sends did not succeed, and the faults they began in.

A gap is a maximal run of sends, in invoke_ts order, that did not end `ok`:
it runs from the first such send's invoke_ts to the invoke_ts of the next
send that did end `ok`. Sends invoked at the same instant count as available
if any of them ended `ok`. A gap still open when the history ends is closed
at the last send's invoke_ts. A gap belongs to every fault whose window
[start_ts, end_ts] (end_ts NULL: never healed, open-ended) contains its
start; gaps that begin outside every fault window are reported apart.

Only the sorted `ok` invoke times are kept (floats shared with the value
index); the non-`ok` ones are few in any run worth checking.
"""
from __future__ import annotations

import bisect
import math
import statistics
from dataclasses import dataclass
from itertools import compress
from operator import not_
from typing import Sequence

from chaoskit.checker.faults import Fault

WINDOW_CAP = 100  # windows listed per fault (and outside faults); totals use all of them


class SendOutcomes:
    """Reducer over sends (invoke_ts, outcome code)."""

    columns = ("invoke_ts", "outcome")

    def __init__(self) -> None:
        self.ok: list[float] = []
        self.not_ok: list[float] = []
        self.last_invoke = -math.inf

    def feed(self, columns: Sequence[tuple]) -> None:
        invoke, outcome = columns
        self.ok.extend(compress(invoke, map(not_, outcome)))  # outcome code OK is 0
        self.not_ok.extend(compress(invoke, outcome))
        self.last_invoke = max(self.last_invoke, max(invoke))


def gaps(outcomes: SendOutcomes) -> list[tuple[float, float]]:
    """Every gap as (start, end), in start order."""
    ok = sorted(outcomes.ok)
    found: list[tuple[float, float]] = []
    start, end = None, math.inf  # the open gap, and the first ok invoke after its latest send
    for t in sorted(set(outcomes.not_ok)):
        after = bisect.bisect_left(ok, t)
        if after < len(ok) and ok[after] == t:
            continue  # an ok send at the same instant: available
        if start is not None and t < end:
            continue  # no ok send since the gap's previous send: same gap
        if start is not None:
            found.append((start, end))
        start = t
        end = ok[after] if after < len(ok) else math.inf
    if start is not None:
        found.append((start, outcomes.last_invoke if end == math.inf else end))
    return found


@dataclass(frozen=True)
class Windows:
    """Unavailability windows: their sum, max and median in seconds, and the first WINDOW_CAP."""

    total_s: float
    max_s: float | None
    median_s: float | None
    count: int
    windows: list[tuple[float, float]]

    @classmethod
    def of(cls, windows: list[tuple[float, float]]) -> Windows:
        lengths = [end - start for start, end in windows]
        return cls(
            total_s=float(sum(lengths)),
            max_s=max(lengths) if lengths else None,
            median_s=statistics.median(lengths) if lengths else None,
            count=len(windows),
            windows=windows[:WINDOW_CAP],
        )

    def as_dict(self, total_key: str) -> dict:
        return {
            total_key: self.total_s,
            "max_s": self.max_s,
            "median_s": self.median_s,
            "window_count": self.count,
            "windows": [list(w) for w in self.windows],
        }


def report(outcomes: SendOutcomes, faults: list[Fault]) -> dict:
    """The results.json `availability` section: one entry per fault, then gaps outside faults."""
    found = gaps(outcomes)
    starts = [start for start, _ in found]
    inside = bytearray(len(found))
    per_fault = []
    for fault in faults:
        lo = bisect.bisect_left(starts, fault.start_ts)
        hi = bisect.bisect_right(starts, math.inf if fault.end_ts is None else fault.end_ts)
        inside[lo:hi] = b"\x01" * (hi - lo)
        per_fault.append({**fault.as_dict(), **Windows.of(found[lo:hi]).as_dict("unavailable_s")})
    outside = Windows.of([gap for gap, flag in zip(found, inside) if not flag])
    return {"faults": per_fault, "outside_faults": outside.as_dict("total_s")}
