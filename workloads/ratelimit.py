"""The open-loop schedule: when each send is due, regardless of how earlier sends went.

A slow broker must not slow the schedule (that would hide the very latency
spikes a fault causes), so due times are fixed up front: send i of a sender
with rate r is due at start + (i + phase) / r. Several senders sharing one
total rate get phases that interleave their due times evenly.
"""
from __future__ import annotations

import math
import threading
import time
from dataclasses import dataclass


@dataclass(frozen=True)
class Schedule:
    """Due times of one open-loop sender."""

    start: float      # epoch seconds of the first due time (phase 0)
    rate: float       # sends per second of this sender
    duration: float   # nothing is due at or after start + duration
    phase: float = 0.0  # in [0, 1): fraction of an interval this sender is shifted by

    def due(self, i: int) -> float:
        """When send number i (from 0) is due."""
        return self.start + (i + self.phase) / self.rate

    def count(self) -> int:
        """How many sends are due in [start, start + duration)."""
        # from the duration, not from epoch differences: those lose the digits that matter
        return max(0, math.ceil(self.duration * self.rate - self.phase - 1e-6))


def split(total_rate: float, senders: int, start: float, duration: float) -> list[Schedule]:
    """Schedules for `senders` senders that together send `total_rate` per second."""
    each = total_rate / senders
    return [Schedule(start, each, duration, k / senders) for k in range(senders)]


def sleep_until(t: float, stop: threading.Event) -> bool:
    """Sleep until epoch time t; False if `stop` was set first."""
    delay = t - time.time()
    if delay > 0:
        return not stop.wait(delay)
    return not stop.is_set()
