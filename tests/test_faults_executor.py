"""The executor's timeline and heal guarantee, with a fake cluster (no Docker)."""
from __future__ import annotations

import json
import os
import signal
import sqlite3
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace

import pytest
from test_faults_targets import NODES, ROLES

from chaoskit.ledger import LedgerWriter
from faults import executor as executor_mod
from faults.actions import ActionError
from faults.executor import Executor, stop_on_signals
from faults.plan import Plan, Step


class FakeCluster:
    """Records apply/heal calls and checks the faults row is committed before each apply."""

    def __init__(self, db, roles=ROLES, fail_apply=(), fail_heal=0):
        self.db, self.roles, self.calls = db, roles, []
        self.fail_apply, self.fail_heal = set(fail_apply), fail_heal

    def lookup(self, nodes):
        return self.roles

    def list_nodes(self, client):
        return list(NODES)

    def apply(self, client, effect):
        rows = sqlite3.connect(self.db).execute("SELECT name, end_ts FROM faults").fetchall()
        assert rows and rows[-1] == (effect.kind, None), "the row must be committed before the fault"
        self.calls.append(("apply", effect.kind, tuple(n.name for n in effect.nodes)))
        if effect.kind in self.fail_apply:
            raise ActionError("boom")

    def heal(self, client, effect):
        if self.fail_heal:
            self.fail_heal -= 1
            raise ActionError("heal refused")
        self.calls.append(("heal", effect.kind, tuple(n.name for n in effect.nodes)))
        return []


def plan_of(*steps: tuple) -> Plan:
    """steps: (start, duration, fault, target, params)"""
    return Plan(1, 10.0, 60.0, 1.0, tuple(sorted({s[2] for s in steps})), (),
                tuple(Step(i, *s) for i, s in enumerate(steps)))


@pytest.fixture
def ledger(tmp_path):
    writer = LedgerWriter(tmp_path / "ledger.db")
    yield writer
    writer.close()


def make(ledger, plan, watch_s=None, **fake_kwargs):
    fake = FakeCluster(ledger.path, **fake_kwargs)
    ex = Executor(None, ledger, plan, time.time(), lookup=fake.lookup, list_nodes=fake.list_nodes,
                  apply=fake.apply, heal=fake.heal, watch_s=watch_s)
    ex._lookup_s = 0.0  # the fake lookup is instant
    return ex, fake


def rows(ledger, sql):
    ledger.flush()
    return sqlite3.connect(ledger.path).execute(sql).fetchall()


def test_each_step_is_recorded_applied_then_healed_in_time(ledger):
    plan = plan_of((0.0, 0.3, "kill", "master", {}),
                   (0.5, 0.3, "partition", "master+controller-leader", {"shape": "isolate"}))
    ex, fake = make(ledger, plan)
    began = time.time()
    outcome = ex.run(threading.Event())
    assert time.time() - began >= 0.8
    assert outcome.applied == 2 and not outcome.unhealed and not outcome.skipped and not outcome.stopped
    assert fake.calls == [("apply", "kill", ("broker-a-1",)), ("heal", "kill", ("broker-a-1",)),
                          ("apply", "partition", ("broker-a-1", "namesrv-2")),
                          ("heal", "partition", ("broker-a-1", "namesrv-2"))]
    faults = rows(ledger, "SELECT name, target, step, start_ts, end_ts, detail FROM faults ORDER BY step")
    assert [f[:3] for f in faults] == [("kill", "broker-a-1 (master)", 0),
                                       ("partition", "broker-a-1 (master) | namesrv-2 (controller leader)", 1)]
    for _, _, _, start, end, _ in faults:
        assert end - start >= 0.3
    assert faults[0][4] <= faults[1][3]
    detail = json.loads(faults[1][5])
    assert detail["shape"] == "isolate" and detail["nodes"] == ["broker-a-1", "namesrv-2"]


def test_role_changes_are_events(ledger):
    plan = plan_of((0.0, 0.1, "pause", "slave", {}), (0.2, 0.1, "pause", "slave", {}))
    ex, fake = make(ledger, plan)
    seen = iter([ROLES, replace(ROLES, master="broker-a-0", master_epoch=4)])
    fake.lookup = lambda nodes: next(seen)
    ex._lookup = fake.lookup
    ex.run(threading.Event())
    events = rows(ledger, "SELECT kind, detail FROM events ORDER BY rowid")
    assert events == [("master_change", "broker-a-1 is master (epoch 3)"),
                      ("controller_leader_change", "namesrv-2 is controller leader"),
                      ("master_change", "broker-a-0 is master (epoch 4)")]
    assert fake.calls[0][2] == ("broker-a-0",) and fake.calls[2][2] == ("broker-a-1",)


def test_the_watcher_times_a_failover_during_a_fault(ledger):
    plan = plan_of((0.0, 0.6, "kill", "master", {}))
    ex, fake = make(ledger, plan, watch_s=0.05)
    began = time.time()
    failover = replace(ROLES, master="broker-a-0", master_epoch=4)
    ex._lookup = lambda nodes: ROLES if time.time() - began < 0.3 else failover
    ex.run(threading.Event())
    events = rows(ledger, "SELECT ts, detail FROM events WHERE kind = 'master_change' ORDER BY rowid")
    assert [d for _, d in events] == ["broker-a-1 is master (epoch 3)", "broker-a-0 is master (epoch 4)"]
    assert 0.3 <= events[1][0] - began < 0.5   # seen while the fault was on, not at the next step


def test_stop_heals_the_active_fault_at_once(ledger):
    plan = plan_of((0.0, 30.0, "pause", "master", {}))
    ex, fake = make(ledger, plan)
    stop = threading.Event()
    threading.Timer(0.3, stop.set).start()
    began = time.time()
    outcome = ex.run(stop)
    assert time.time() - began < 5
    assert outcome.stopped and fake.calls[-1] == ("heal", "pause", ("broker-a-1",))
    assert rows(ledger, "SELECT end_ts IS NOT NULL FROM faults") == [(1,)]


@pytest.mark.parametrize("error", [RuntimeError("lookup crashed"), KeyboardInterrupt()])
def test_an_exception_mid_run_still_heals(ledger, error):
    plan = plan_of((0.0, 0.5, "partition", "master", {"shape": "isolate"}),
                   (0.2, 0.5, "kill", "controller-leader", {}))   # overlaps: aimed while the first is active
    ex, fake = make(ledger, plan)
    calls = iter([ROLES])

    def lookup(nodes):
        try:
            return next(calls)
        except StopIteration:
            raise error from None
    ex._lookup = lookup
    with pytest.raises(type(error)):
        ex.run(threading.Event())
    assert fake.calls == [("apply", "partition", ("broker-a-1",)), ("heal", "partition", ("broker-a-1",))]
    assert rows(ledger, "SELECT end_ts IS NOT NULL FROM faults") == [(1,)]


def test_a_broken_log_never_stops_a_heal(ledger):
    """A harness whose stdout is gone (parent killed) still heals."""
    plan = plan_of((0.0, 0.2, "pause", "master", {}))
    ex, fake = make(ledger, plan)

    def log(msg):
        raise BrokenPipeError(32, "Broken pipe")
    ex2 = Executor(None, ledger, plan, time.time(), log=log, lookup=fake.lookup, list_nodes=fake.list_nodes,
                   apply=fake.apply, heal=fake.heal, watch_s=None)
    assert ex2.run(threading.Event()).unhealed == []
    assert fake.calls[-1] == ("heal", "pause", ("broker-a-1",))


def test_a_failed_apply_is_healed_and_noted(ledger):
    plan = plan_of((0.0, 0.2, "loss", "slave", {"probability": 0.5}))
    ex, fake = make(ledger, plan, fail_apply={"loss"})
    outcome = ex.run(threading.Event())
    assert outcome.applied == 0 and fake.calls[-1][0] == "heal"
    assert rows(ledger, "SELECT end_ts IS NOT NULL FROM faults") == [(1,)]
    assert rows(ledger, "SELECT kind FROM events WHERE kind = 'fault_failed'") == [("fault_failed",)]


def test_a_heal_is_retried_and_an_unhealable_fault_reported(ledger, monkeypatch):
    monkeypatch.setattr(executor_mod.time, "sleep", lambda s: None)
    ex, fake = make(ledger, plan_of((0.0, 0.1, "pause", "master", {})), fail_heal=2)
    assert ex.run(threading.Event()).unhealed == []
    assert rows(ledger, "SELECT end_ts IS NOT NULL FROM faults") == [(1,)]

    ex, fake = make(ledger, plan_of((0.0, 0.1, "pause", "master", {})), fail_heal=99)
    outcome = ex.run(threading.Event())
    assert outcome.unhealed == ["step 0 (pause on broker-a-1)"]
    assert rows(ledger, "SELECT end_ts FROM faults ORDER BY rowid")[-1] == (None,)  # never healed


def test_a_step_on_a_node_already_under_a_fault_is_skipped(ledger):
    plan = plan_of((0.0, 1.0, "pause", "master", {}), (0.2, 0.2, "kill", "broker-a-1", {}))
    ex, fake = make(ledger, plan)
    outcome = ex.run(threading.Event())
    assert outcome.applied == 1 and outcome.skipped == ["step 1: broker-a-1 still under an earlier fault"]
    assert [c[:2] for c in fake.calls] == [("apply", "pause"), ("heal", "pause")]
    assert rows(ledger, "SELECT kind FROM events WHERE kind = 'fault_skipped'") == [("fault_skipped",)]


def test_a_target_that_never_exists_is_skipped(ledger, monkeypatch):
    monkeypatch.setattr(executor_mod, "RESOLVE_TIMEOUT_S", 0.0)
    ex, fake = make(ledger, plan_of((0.0, 0.1, "kill", "master", {})), roles=replace(ROLES, master=None))
    outcome = ex.run(threading.Event())
    assert outcome.applied == 0 and "broker-a has no master now" in outcome.skipped[0]
    assert rows(ledger, "SELECT count(*) FROM faults") == [(0,)]


def test_heal_all_from_another_thread_heals_and_stops_new_faults(ledger):
    plan = plan_of((0.0, 30.0, "pause", "master", {}), (0.5, 1.0, "kill", "proxy", {}))
    ex, fake = make(ledger, plan)
    stop = threading.Event()
    with ThreadPoolExecutor(1) as pool:
        future = pool.submit(ex.run, stop)
        time.sleep(0.3)
        assert ex.heal_all() == []
        assert fake.calls[-1] == ("heal", "pause", ("broker-a-1",))
        time.sleep(0.5)
        stop.set()
        future.result()
    assert ("apply", "kill", ("proxy",)) not in fake.calls


def test_sigterm_sets_stop_and_the_executor_heals(ledger):
    plan = plan_of((0.0, 30.0, "partition", "master", {"shape": "one-way"}))
    ex, fake = make(ledger, plan)
    stop = threading.Event()

    def log(msg):  # the signal handler's note cannot keep stop from being set
        raise BrokenPipeError(32, "Broken pipe")
    with stop_on_signals(stop, log), ThreadPoolExecutor(1) as pool:
        future = pool.submit(ex.run, stop)
        time.sleep(0.3)
        os.kill(os.getpid(), signal.SIGTERM)
        outcome = future.result(timeout=5)
    assert outcome.stopped and fake.calls[-1][0] == "heal"
    assert signal.getsignal(signal.SIGTERM) is signal.SIG_DFL  # restored


def test_a_node_cut_off_may_still_be_killed(ledger):
    """The lossy-ack recipe: replication cut, then the master killed while cut."""
    plan = plan_of((0.0, 1.0, "partition", "master", {"shape": "from-replicas"}), (0.2, 0.2, "kill", "master", {}))
    ex, fake = make(ledger, plan)
    outcome = ex.run(threading.Event())
    assert outcome.applied == 2 and not outcome.skipped and not outcome.unhealed
    assert [c[:2] for c in fake.calls] == [("apply", "partition"), ("apply", "kill"), ("heal", "kill"),
                                          ("heal", "partition")]
