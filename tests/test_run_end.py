"""The end of a run without Docker: completeness decided once, and every end step runs
and is recorded even when an earlier one raised."""
from __future__ import annotations

import json
import sqlite3
import time
from pathlib import Path

import pytest

from chaoskit import completeness
from chaoskit.completeness import Facts, WorkloadEnd
from chaoskit.finish import EndActions, finish
from chaoskit.ledger import LedgerWriter, WorkloadWriter
from chaoskit.steps import Sequence, Step

CLEAN = WorkloadEnd("", drain_complete=True, final_read_complete=True)


def test_a_clean_run_is_complete():
    assert completeness.decide(Facts(workloads={"queue": CLEAN, "fifo": CLEAN}, recovered=True)) == {
        "ledger_complete": "true", "drain_complete": "true", "final_read_complete": "true"}


@pytest.mark.parametrize("facts, because", [
    (Facts(), "no workload ran"),
    (Facts(workloads={"queue": CLEAN}, failure="interrupted"), "interrupted"),
    (Facts(workloads={"queue": CLEAN, "fifo": WorkloadEnd("error: boom")}), "workload fifo: error: boom"),
    (Facts(workloads={"queue": CLEAN}, recovered=False), "the cluster did not recover"),
    (Facts(workloads={"queue": CLEAN}, unhealed=["step 2 (pause on broker-a-1)"]),
     "unhealed: step 2 (pause on broker-a-1)"),
    (Facts(workloads={"queue": CLEAN}, node_errors=["broker-a-0: java.lang.OutOfMemoryError"]),
     "fatal JVM error: broker-a-0: java.lang.OutOfMemoryError"),
    (Facts(workloads={"queue": CLEAN}, failed_steps=["heal"]), "end step 'heal' failed"),
])
def test_anything_amiss_makes_the_ledger_incomplete(facts, because):
    meta = completeness.decide(facts)
    assert meta["ledger_complete"] == "false"
    assert meta["incomplete_because"] == because


def test_drain_and_final_read_are_complete_only_when_every_workload_says_so():
    meta = completeness.decide(Facts(workloads={"queue": CLEAN, "fifo": WorkloadEnd("", True, False)}))
    assert (meta["drain_complete"], meta["final_read_complete"]) == ("true", "false")
    assert completeness.decide(Facts(workloads={"queue": WorkloadEnd("", False, True)}))["drain_complete"] == "false"


def test_the_problems_are_written_under_the_keys_the_checker_and_report_read():
    meta = completeness.decide(Facts(workloads={"queue": CLEAN}, failure="interrupted", unhealed=["a", "b"],
                                     node_errors=["n: x"]))
    assert (meta["failure"], meta["unhealed"], meta["node_errors"]) == ("interrupted", "a; b", "n: x")


def test_a_sequence_runs_every_step_and_records_each_outcome(tmp_path):
    ran, said = [], []

    def boom():
        raise RuntimeError("no such container\nsecond line")

    seq = Sequence(tmp_path / "end.json", said.append)
    seq.run([Step("one", lambda: ran.append(1)), Step("two", boom), Step("three", lambda: ran.append(3))])
    assert ran == [1, 3]
    assert [(o["name"], o["ok"], o["error"]) for o in json.loads((tmp_path / "end.json").read_text())] == [
        ("one", True, ""), ("two", False, "RuntimeError: no such container"), ("three", True, "")]
    assert said == ["step 'two' failed: RuntimeError: no such container"]
    assert seq.failed("two") == "RuntimeError: no such container" and seq.failed("one") is None


def _ledger(run_dir: Path) -> LedgerWriter:
    """Two workloads' sends, receives and final reads: every value acknowledged, delivered and stored."""
    writer = LedgerWriter(run_dir / "ledger.db")
    for key, value in {"scenario": "unit", **completeness.INITIAL, "started_at": time.time()}.items():
        writer.set_meta(key, value)
    for kind, producer in (("queue", 0), ("fifo", 2)):
        rows = WorkloadWriter(writer, kind)
        for seq in range(3):
            value, t = f"p{producer}-{seq:06d}", time.time()
            rows.add("sends", {"value": value, "process": f"p{producer}", "invoke_ts": t, "outcome": "info"})
            rows.amend("sends", {"value": value}, {"outcome": "ok", "complete_ts": t + 0.01})
            rows.add("receives", {"value": value, "process": "c0", "ts": t + 0.02})
            rows.add("final_reads", {"value": value, "ts": t + 0.01, "queue": "broker-a/0", "queue_offset": seq})
    writer.flush()
    return writer


class FakeCluster:
    """The Docker side of the end, recording calls; `fail` names the one that raises."""

    def __init__(self, fail: str = "") -> None:
        self.fail, self.calls = fail, []

    def call(self, name: str, result=None):
        self.calls.append(name)
        if name == self.fail:
            raise RuntimeError(f"{name} broke")
        return result

    def actions(self, keep: bool = False) -> EndActions:
        return EndActions(heal=lambda: self.call("heal", []), node_errors=lambda: self.call("node errors", []),
                          collect_logs=lambda d: self.call("collect logs"),
                          teardown=None if keep else lambda: self.call("teardown"))


def test_a_clean_end_passes_and_tears_down(tmp_path):
    cluster = FakeCluster()
    results = finish(tmp_path, _ledger(tmp_path), Facts(workloads={"queue": CLEAN, "fifo": CLEAN}),
                     cluster.actions(), lambda m: None)
    assert results["valid"] is True
    assert cluster.calls == ["heal", "node errors", "collect logs", "teardown"]
    assert [o["name"] for o in json.loads((tmp_path / "end.json").read_text())] == [
        "heal", "node errors", "completeness", "close ledger", "collect logs", "check", "diagnosis", "report",
        "teardown"]
    rows = sqlite3.connect(tmp_path / "ledger.db").execute("SELECT DISTINCT workload FROM sends ORDER BY 1")
    assert [w for (w,) in rows] == ["fifo", "queue"]


def test_a_late_step_that_raises_still_leaves_the_report_and_the_teardown(tmp_path):
    cluster = FakeCluster(fail="collect logs")
    results = finish(tmp_path, _ledger(tmp_path), Facts(workloads={"queue": CLEAN, "fifo": CLEAN}),
                     cluster.actions(), lambda m: None)
    assert cluster.calls[-1] == "teardown"
    assert (tmp_path / "report.html").is_file() and (tmp_path / "results.json").is_file()
    assert results["valid"] is True  # the logs are evidence for people, not for the checker
    outcomes = {o["name"]: o for o in json.loads((tmp_path / "end.json").read_text())}
    assert outcomes["collect logs"]["error"] == "RuntimeError: collect logs broke"
    assert all(o["ok"] for name, o in outcomes.items() if name != "collect logs")


def test_a_heal_that_raises_makes_the_run_unknown_and_still_ends_it(tmp_path):
    cluster = FakeCluster(fail="heal")
    results = finish(tmp_path, _ledger(tmp_path), Facts(workloads={"queue": CLEAN, "fifo": CLEAN}),
                     cluster.actions(keep=True), lambda m: None)
    assert results["valid"] == "unknown"
    assert results["reason"] == "the ledger is incomplete: meta ledger_complete is 'false' (end step 'heal' failed)"
    meta = dict(sqlite3.connect(tmp_path / "ledger.db").execute("SELECT key, value FROM meta"))
    assert meta["ledger_complete"] == "false" and meta["incomplete_because"] == "end step 'heal' failed"
    assert cluster.calls == ["heal", "node errors", "collect logs"]  # kept: no teardown
    assert (tmp_path / "report.html").is_file()
