"""The drain: producers have stopped; wait until consumers got every acknowledged value.

It ends in one of these ways (`DrainResult.reason`, in the workload summary):
- `all_received`: every acknowledged value was delivered -> complete;
- `unstored`: a read of the store (`store`, the final read) holds none of
  the values still missing: no consumer can ever get them -> complete,
  without waiting out `drain_limit`. The store is read (after every fault
  is healed and the cluster has recovered) after PROBE_QUIET_S without a
  delivery, when the consumers have caught up, and once more after
  `drain_quiet`, when a batch popped by a failed receive has come back;
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
from collections.abc import Callable
from dataclasses import dataclass

from workloads.delivery import DeliverySink
from workloads.tracker import Tracker

PROBE_QUIET_S = 5.0  # no delivery for this long: the consumers have caught up with the store


@dataclass(frozen=True)
class DrainResult:
    complete: bool
    reason: str          # all_received | quiet | cap | interrupted
    seconds: float
    outstanding: int     # acknowledged values still not received at the end


def drain(tracker: Tracker, sink: DeliverySink, quiet: float, limit: float, stop: threading.Event,
          poll: float = 0.2, clock: Callable[[], float] = time.time,
          store: Callable[[], set[tuple[int, int]] | None] | None = None) -> DrainResult:
    """Wait as described in the module docstring; `stop` interrupts.

    `store` reads what the cluster still stores: the (producer, seq) keys of
    this run's values, or None if the read was incomplete.
    """
    start = clock()
    cap = max(3 * limit, limit + quiet)
    probes = sorted({min(PROBE_QUIET_S, quiet), quiet}) if store is not None else []
    while True:
        now = clock()
        if tracker.outstanding == 0:
            return DrainResult(True, "all_received", now - start, 0)
        if stop.is_set():
            return DrainResult(False, "interrupted", now - start, tracker.outstanding)
        # Receive errors do not put the store read off: consumers failing for good (a topic the
        # new master lost, docs/matrix.md) must not keep the drain from learning what is stored.
        if probes and now - sink.last_delivery >= probes[0]:
            probes.pop(0)
            stored = store()
            if stored is not None and stored.isdisjoint(tracker.outstanding_keys()):
                return DrainResult(True, "unstored", clock() - start, tracker.outstanding)
            continue
        if now - start >= limit and now - sink.last_activity >= quiet:
            return DrainResult(True, "quiet", now - start, tracker.outstanding)
        if now - start >= cap:
            return DrainResult(False, "cap", now - start, tracker.outstanding)
        stop.wait(poll)
