"""Workload options: defaults, validation, payload format, the tracker."""
from __future__ import annotations

import json

import pytest

from chaoskit.errors import UsageError
from workloads import payload
from workloads.spec import WorkloadSpec
from workloads.tracker import Tracker


def test_defaults_fill_topic_and_group_from_the_kind():
    assert (WorkloadSpec().topic, WorkloadSpec().group) == ("chaos-queue", "chaos-queue-consumers")
    fifo = WorkloadSpec(kind="fifo")
    assert (fifo.topic, fifo.group, fifo.fifo) == ("chaos-fifo", "chaos-fifo-consumers", True)
    assert json.loads(fifo.to_json())["kind"] == "fifo"


@pytest.mark.parametrize("kwargs, message", [
    ({"rate": -5}, "rate must be a number > 0"),
    ({"rate": float("nan")}, "rate must be a number > 0"),
    ({"duration": 0}, "duration must be a number > 0"),
    ({"kind": "delay"}, "unknown workload kind 'delay'"),
    ({"consumer": "pull"}, "unknown consumer 'pull'"),
    ({"producers": 0}, "producers must be a whole number >= 1"),
    ({"size": 10}, "size must be 64.."),
    ({"max_in_flight": 1, "producers": 2}, "max_in_flight must be"),
    ({"drain_quiet": -1}, "drain_quiet must be a number >= 0"),
    ({"drain_quiet": 10}, "drain_quiet (10 s) must be longer than invisible_duration (15 s)"),
    ({"invisible_duration": 5}, "invisible_duration must be at least 10 s"),
    ({"request_timeout": 2.5}, "request_timeout must be a whole number >= 1"),
])
def test_bad_options_are_usage_errors(kwargs, message):
    with pytest.raises(UsageError) as err:
        WorkloadSpec(**kwargs)
    assert message in str(err.value)


def test_payload_round_trip_and_size():
    body = payload.encode("p3-000042", "run1", 100)
    assert len(body) == 100
    assert payload.decode(body) == payload.Payload("p3-000042", "run1")
    assert payload.parse_value("p3-000042") == (3, 42)
    assert payload.decode(b"hello world") is None
    assert payload.parse_value("x-1") is None


def test_tracker_counts_outstanding_whatever_the_order():
    t = Tracker()
    t.ack(0, 5)
    assert t.receive(0, 7) is True      # received before its ack arrives
    assert t.outstanding == 1
    t.ack(0, 7)
    assert t.outstanding == 1           # p0-7 was already received
    assert t.receive(0, 5) is True
    assert t.receive(0, 5) is False     # a redelivery
    t.ack(0, 5)                         # a second ok row for the same value
    assert (t.acked, t.received, t.outstanding) == (2, 2, 0)
    t.ack(1, 100_000)
    assert t.outstanding == 1
