"""How the drain ends, on a fake clock."""
from __future__ import annotations

import threading

import pytest

from workloads.drain import drain
from workloads.tracker import Tracker


class FakeSink:
    def __init__(self, last_activity: float) -> None:
        self.last_activity = self.last_delivery = last_activity


class Clock:
    def __init__(self, step: float) -> None:
        self.t, self.step = 0.0, step

    def __call__(self) -> float:
        self.t += self.step
        return self.t


def test_ends_complete_when_everything_acknowledged_arrived():
    t = Tracker()
    t.ack(0, 1)
    t.receive(0, 1)
    r = drain(t, FakeSink(0), quiet=10, limit=60, stop=threading.Event(), poll=0, clock=Clock(1))
    assert (r.complete, r.reason, r.outstanding) == (True, "all_received", 0)


def test_missing_values_end_it_after_limit_and_quiet_as_complete():
    t = Tracker()
    t.ack(0, 1)
    r = drain(t, FakeSink(last_activity=30), quiet=10, limit=20, stop=threading.Event(), poll=0, clock=Clock(1))
    # at 20 s the last activity (30 s) is not yet 10 s ago: it ends at 40 s
    assert (r.complete, r.reason, r.outstanding, r.seconds) == (True, "quiet", 1, 39)


def test_activity_that_never_stops_hits_the_cap_incomplete():
    t = Tracker()
    t.ack(0, 1)
    clock = Clock(1)

    class Busy:
        @property
        def last_activity(self) -> float:
            return clock.t  # a delivery or receive error every moment

    r = drain(t, Busy(), quiet=10, limit=20, stop=threading.Event(), poll=0, clock=clock)
    assert (r.complete, r.reason) == (False, "cap")
    assert r.seconds >= 60


def test_stop_interrupts_incomplete():
    t = Tracker()
    t.ack(0, 1)
    stop = threading.Event()
    stop.set()
    r = drain(t, FakeSink(0), quiet=10, limit=20, stop=stop, poll=0, clock=Clock(1))
    assert (r.complete, r.reason) == (False, "interrupted")


def test_a_store_without_the_missing_values_ends_it_once_deliveries_pause():
    t = Tracker()
    t.ack(0, 1)
    t.ack(0, 2)
    t.receive(0, 2)
    reads = []
    r = drain(t, FakeSink(last_activity=5), quiet=10, limit=60, stop=threading.Event(), poll=0, clock=Clock(1),
              store=lambda: reads.append(1) or {(0, 2), (1, 7)})
    assert (r.complete, r.reason, r.outstanding, reads) == (True, "unstored", 1, [1])
    assert r.seconds < 60


@pytest.mark.parametrize("stored", [{(0, 1)}, None], ids=["a missing value is stored", "the read was incomplete"])
def test_otherwise_the_store_is_read_again_after_the_quiet_and_the_drain_waits_as_before(stored):
    t = Tracker()
    t.ack(0, 1)
    reads = []
    r = drain(t, FakeSink(last_activity=5), quiet=10, limit=60, stop=threading.Event(), poll=0, clock=Clock(1),
              store=lambda: reads.append(1) or stored)
    assert (r.complete, r.reason, r.outstanding, len(reads)) == (True, "quiet", 1, 2)
    assert r.seconds >= 60


def test_receive_errors_do_not_put_the_store_read_off():
    """Consumers failing at every moment (a topic the new master lost) after the last delivery at 5 s:
    the store is still read 5 s later, and a store without the missing value ends the drain."""
    t = Tracker()
    t.ack(0, 1)
    clock = Clock(1)

    class Failing:
        last_delivery = 5.0

        @property
        def last_activity(self) -> float:
            return clock.t  # a receive error every moment

    reads = []
    r = drain(t, Failing(), quiet=10, limit=60, stop=threading.Event(), poll=0, clock=clock,
              store=lambda: reads.append(clock.t) or set())
    assert (r.complete, r.reason, r.outstanding) == (True, "unstored", 1)
    assert reads == [10.0]


def test_outstanding_keys_are_the_acknowledged_values_never_received():
    t = Tracker()
    for seq in (0, 3, 5):
        t.ack(1, seq)
    t.receive(1, 3)
    t.receive(2, 0)  # received, never acknowledged
    assert sorted(t.outstanding_keys()) == [(1, 0), (1, 5)]
