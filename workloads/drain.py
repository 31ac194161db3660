"""The drain: producers have stopped; wait until consumers got every acknowledged value.

It ends in one of three ways (meta `drain_end`):
- `all_received`: every acknowledged value was delivered -> complete;
- `quiet`: `drain_limit` seconds have passed and nothing (no delivery, no
  receive error) happened for `drain_quiet` seconds: the consumers had
  their chance, what is missing is lost -> complete;
- `cap`: deliveries or receive errors kept coming until 3 x `drain_limit`
  (at least limit + quiet); `interrupted`: the run was stopped -> not
  complete (missing values are then only unseen).
"""
from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import Callable

from workloads.delivery import DeliverySink
from workloads.tracker import Tracker


@dataclass(frozen=True)
class DrainResult:
    complete: bool
    reason: str          # all_received | quiet | cap | interrupted
    seconds: float
    outstanding: int     # acknowledged values still not received at the end


def drain(tracker: Tracker, sink: DeliverySink, quiet: float, limit: float, stop: threading.Event,
          poll: float = 0.2, clock: Callable[[], float] = time.time) -> DrainResult:
    """Wait as described in the module docstring; `stop` interrupts."""
    start = clock()
    cap = max(3 * limit, limit + quiet)
    while True:
        now = clock()
        if tracker.outstanding == 0:
            return DrainResult(True, "all_received", now - start, 0)
        if stop.is_set():
            return DrainResult(False, "interrupted", now - start, tracker.outstanding)
        if now - start >= limit and now - sink.last_activity >= quiet:
            return DrainResult(True, "quiet", now - start, tracker.outstanding)
        if now - start >= cap:
            return DrainResult(False, "cap", now - start, tracker.outstanding)
        stop.wait(poll)
