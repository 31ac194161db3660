"""The main phase's wiring without Docker: workloads side by side on one ledger, producers
numbered apart, how each ended recorded for completeness, a failing workload stopping the rest."""
from __future__ import annotations

import json
import threading

import pytest

from chaoskit import main_phase
from chaoskit.completeness import Facts, WorkloadEnd
from chaoskit.scenario import Overrides, load


class FakeCluster:
    def access(self, mode: str) -> str:
        return f"{mode} access"

    def nodes(self) -> list:
        return []


class FakeSummary:
    def __init__(self, kind: str) -> None:
        self.kind = kind

    def end(self) -> WorkloadEnd:
        return WorkloadEnd("", drain_complete=True, final_read_complete=self.kind == "queue")

    def to_json(self) -> str:
        return json.dumps({"kind": self.kind})


class FakeWriter:
    def __init__(self) -> None:
        self.meta: dict[str, str] = {}

    def set_meta(self, key: str, value) -> None:
        self.meta[key] = str(value)


def run(monkeypatch, fail: str = "") -> tuple[Facts, FakeWriter, dict, threading.Event]:
    firsts: dict[str, int] = {}

    def fake_run_workload(spec, access, writer, nodes, *, first_producer, progress, stop, before_final_read):
        firsts[spec.kind] = first_producer
        if spec.kind == fail:
            raise RuntimeError("consumers could not receive")
        stop.wait(0.2 if fail else 0)
        return FakeSummary(spec.kind)

    monkeypatch.setattr(main_phase, "run_workload", fake_run_workload)
    scenario = load("no-loss", Overrides(faults=()))  # two workloads, two producers each, no fault plan
    facts, writer, stop = Facts(), FakeWriter(), threading.Event()
    main_phase.run(scenario, FakeCluster(), writer, stop, facts, lambda executor: None, lambda m: None, "off")
    return facts, writer, firsts, stop


def test_workloads_get_producers_numbered_apart_and_their_ends_recorded(monkeypatch):
    facts, writer, firsts, stop = run(monkeypatch)
    assert firsts == {"queue": 0, "fifo": 2}
    assert facts.workloads == {"queue": WorkloadEnd("", True, True), "fifo": WorkloadEnd("", True, False)}
    assert facts.recovered is None  # no fault plan: no recovery wait
    assert json.loads(writer.meta["workload_summary"]) == {"fifo": {"kind": "fifo"}, "queue": {"kind": "queue"}}
    assert not stop.is_set()


def test_a_failing_workload_is_recorded_and_stops_the_others(monkeypatch):
    facts, _, _, stop = run(monkeypatch, fail="fifo")
    assert facts.workloads["fifo"] == WorkloadEnd("error: consumers could not receive")
    assert stop.is_set()


def test_an_interrupted_workload_interrupts_the_phase(monkeypatch):
    def interrupted(spec, *args, stop, **kwargs):
        stop.set()
        raise KeyboardInterrupt

    monkeypatch.setattr(main_phase, "run_workload", interrupted)
    facts = Facts()
    with pytest.raises(KeyboardInterrupt):
        main_phase.run(load("no-loss", Overrides(faults=())), FakeCluster(), FakeWriter(), threading.Event(), facts,
                       lambda executor: None, lambda m: None, "off")
    assert set(facts.workloads.values()) == {WorkloadEnd("interrupted")}
