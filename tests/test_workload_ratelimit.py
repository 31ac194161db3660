"""The open-loop schedule: due times fixed up front, rates split evenly."""
from __future__ import annotations

import threading
import time

from hypothesis import given
from hypothesis import strategies as st

from workloads.ratelimit import Schedule, sleep_until, split


def test_due_times_are_evenly_spaced_from_start():
    s = Schedule(start=100.0, rate=4.0, duration=1.0)
    assert [s.due(i) for i in range(4)] == [100.0, 100.25, 100.5, 100.75]
    assert s.count() == 4


def test_split_interleaves_senders_and_keeps_total_rate():
    schedules = split(total_rate=300.0, senders=3, start=0.0, duration=2.0)
    due = sorted(s.due(i) for s in schedules for i in range(s.count()))
    assert len(due) == 600
    gaps = {round(b - a, 9) for a, b in zip(due, due[1:])}
    assert gaps == {round(1 / 300, 9)}


@given(rate=st.floats(0.5, 5000), senders=st.integers(1, 16), duration=st.floats(0.1, 100))
def test_count_is_the_number_of_due_times_before_end(rate, senders, duration):
    for s in split(rate, senders, 1000.0, duration):
        n = s.count()
        assert n == 0 or s.due(n - 1) < s.start + s.duration
        assert s.due(n) >= s.start + s.duration - 2e-6 / s.rate  # a due time a hair before the end may drop
    total = sum(s.count() for s in split(rate, senders, 1000.0, duration))
    assert abs(total - rate * duration) <= senders


def test_a_slow_send_does_not_move_later_due_times():
    # Open loop: due(i) depends only on i, never on when earlier sends ran.
    s = Schedule(start=0.0, rate=10.0, duration=10.0)
    before = [s.due(i) for i in range(100)]
    time.sleep(0.01)
    assert [s.due(i) for i in range(100)] == before


def test_sleep_until_returns_false_when_stopped():
    stop = threading.Event()
    stop.set()
    t0 = time.time()
    assert sleep_until(time.time() + 10, stop) is False
    assert time.time() - t0 < 1
    assert sleep_until(time.time() - 1, threading.Event()) is True
