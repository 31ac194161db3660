"""Fault windows from the ledger, and which fault is nearest to a moment."""
from __future__ import annotations

import math
import sqlite3
from dataclasses import dataclass

from chaoskit.checker import source

STREAM = source.Stream(
    table="faults",
    columns={"name": "name", "target": "CAST(target AS TEXT)", "start_ts": "start_ts", "end_ts": "end_ts"},
    rules=(source.must_be_text("name"), source.must_be_time("start_ts"), source.may_be_time("end_ts")),
    label="name",
)


@dataclass(frozen=True)
class Fault:
    """One fault row; `end_ts` None means it was never healed (open to the end of time)."""

    name: str
    target: str | None
    start_ts: float
    end_ts: float | None

    def contains(self, t: float) -> bool:
        return self.start_ts <= t <= (math.inf if self.end_ts is None else self.end_ts)

    def distance(self, t: float) -> float:
        """Seconds from `t` to this fault's window (0 inside it)."""
        if self.contains(t):
            return 0.0
        if t < self.start_ts:
            return self.start_ts - t
        return t - self.end_ts  # t is after a healed fault

    def as_dict(self) -> dict:
        return {"name": self.name, "target": self.target, "start_ts": self.start_ts, "end_ts": self.end_ts}


def read(conn: sqlite3.Connection) -> list[Fault]:
    """Every fault row, by start time (then end, name, target: a stable order for any ledger)."""
    faults = [Fault(*row) for row in source.rows(conn, STREAM)]
    return sorted(faults, key=lambda f: (f.start_ts, math.inf if f.end_ts is None else f.end_ts, f.name, f.target or ""))


def nearest(faults: list[Fault], t: float | None) -> Fault | None:
    """The fault whose window is closest to `t` (the earliest-starting on a tie); None if none or no time."""
    if t is None or not faults:
        return None
    return min(faults, key=lambda f: f.distance(t))  # min keeps the first of equals: faults are sorted
