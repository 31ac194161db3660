"""Availability: the gaps in which sends did not succeed, and the faults they began in.

A gap is a maximal run of sends, in invoke_ts order, that did not end `ok`:
it runs from the first such send's invoke_ts to the invoke_ts of the next
send that did end `ok`. Sends invoked at the same instant count as available
if any of them ended `ok`. A gap still open when the history ends is closed
at the last send's invoke_ts. A gap belongs to every fault whose window
[start_ts, end_ts] (end_ts NULL: never healed, open-ended) contains its
start; gaps that begin outside every fault window are reported apart.

Only the instants at which a send did not end `ok` are read, few in any
run worth checking, each with the first `ok` send at or after it, found in
sends(outcome, invoke_ts).
"""
from __future__ import annotations

import bisect
import math
import sqlite3
import statistics
from dataclasses import dataclass

from chaoskit.checker.faults import Fault

WINDOW_CAP = 100  # windows listed per fault (and outside faults); totals use all of them

# Each instant a send did not end ok, by time, with the invoke_ts of the first ok send at or after it.
_UNAVAILABLE_SQL = """SELECT t, (SELECT min(invoke_ts) FROM sends WHERE outcome = 'ok' AND invoke_ts >= t)
FROM (SELECT DISTINCT invoke_ts AS t FROM sends WHERE outcome IN ('fail', 'info')) ORDER BY t"""


def gaps(conn: sqlite3.Connection) -> list[tuple[float, float]]:
    """Every gap as (start, end), in start order."""
    found: list[tuple[float, float]] = []
    start, end = None, math.inf  # the open gap, and the first ok invoke after its latest send
    for t, ok in conn.execute(_UNAVAILABLE_SQL):
        if ok == t:
            continue  # an ok send at the same instant: available
        if start is not None and t < end:
            continue  # no ok send since the gap's previous send: same gap
        if start is not None:
            found.append((start, end))
        start, end = t, (math.inf if ok is None else ok)
    if start is not None:
        last = conn.execute("SELECT max(invoke_ts) FROM sends").fetchone()[0]
        found.append((start, last if end == math.inf else end))
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


def report(found: list[tuple[float, float]], faults: list[Fault]) -> dict:
    """The results.json `availability` section from the gaps (`gaps`): one entry per fault, then gaps outside faults."""
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
