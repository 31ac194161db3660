"""Live counters of a run, shared by producers, consumers and the progress view."""
from __future__ import annotations

import threading
import time
from dataclasses import dataclass

from workloads.outcome import OK
from workloads.tracker import Tracker

LATE_S = 0.1  # a send invoked later than this behind its due time counts as late


@dataclass(frozen=True)
class Snapshot:
    """The counters at one moment (totals since the run began)."""

    ts: float
    phase: str
    ok: int
    fail: int
    info: int
    deliveries: int        # receive rows written (redeliveries included)
    redeliveries: int      # deliveries of a value already received
    foreign: int           # messages of other runs, acknowledged and skipped
    receive_errors: int
    ack_errors: int
    in_flight: int
    late_sends: int        # sends invoked more than LATE_S after their due time
    max_lag: float         # worst lateness of a send behind its due time, seconds
    backlogged: int        # producers waiting for an in-flight slot right now
    acked: int             # distinct values acknowledged
    received: int          # distinct values received
    outstanding: int       # acknowledged, not yet received

    @property
    def sends(self) -> int:
        return self.ok + self.fail + self.info


_COUNTERS = ("fail", "info", "deliveries", "redeliveries", "foreign", "receive_errors", "ack_errors",
             "in_flight", "late_sends", "backlogged")


class Stats:
    """Thread-safe counters; `snapshot()` copies them (with the tracker's) for display."""

    def __init__(self, tracker: Tracker) -> None:
        self.tracker = tracker
        self._lock = threading.Lock()
        self._phase = "setup"
        self._ok = 0
        self._max_lag = 0.0
        self._c = dict.fromkeys(_COUNTERS, 0)

    def phase(self, name: str) -> None:
        self._phase = name

    def invoked(self, lag: float) -> None:
        """A send was handed to the client `lag` seconds after it was due."""
        with self._lock:
            self._c["in_flight"] += 1
            self._c["late_sends"] += lag > LATE_S
            self._max_lag = max(self._max_lag, lag)

    def sent(self, outcome: str) -> None:
        """A send invoked earlier got its outcome."""
        with self._lock:
            self._c["in_flight"] -= 1
            if outcome == OK:
                self._ok += 1
            else:
                self._c[outcome] += 1

    def delivered(self, first: bool) -> None:
        with self._lock:
            self._c["deliveries"] += 1
            self._c["redeliveries"] += not first

    def count(self, name: str, n: int = 1) -> None:
        """Add n to one of: foreign, receive_errors, ack_errors, backlogged."""
        with self._lock:
            self._c[name] += n

    def snapshot(self) -> Snapshot:
        t = self.tracker
        with self._lock:
            return Snapshot(ts=time.time(), phase=self._phase, ok=self._ok, max_lag=self._max_lag,
                            acked=t.acked, received=t.received, outstanding=t.outstanding, **self._c)
