"""Each fault kind on the real cluster: its effect shows, its heal restores the cluster.

Run under the shared lock:
    flock /tmp/chaoskit-cluster.lock python -m pytest -m integration tests/test_faults_integration.py -s
Faults are aimed through the executor's own path (resolve, build, apply,
heal); after each heal the test waits for a full SyncStateSet again.
"""
from __future__ import annotations

import contextlib
import json
import random
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from chaoskit.cluster import ready, remoting
from chaoskit.cluster.nodes import Node
from faults import actions, effects, kinds, targets
from faults.plan import Plan, Step

pytestmark = pytest.mark.integration

# Bounds, from runs on this 2-core machine (docs/faults.md has the figures):
NEW_MASTER_BOUND_S = 60    # kill of the master -> another master in the role lookup
RECOVERY_BOUND_S = 150     # heal -> full SyncStateSet again
PORTS = {"namesrv": 9876, "broker": 10911, "proxy": 8081}   # remoting ports; the proxy's gRPC port (5.0.x has no proxy remoting)
# Controller leaders seen by this module's tests: RocketMQ 5.0.x elects no new master once the
# controller leader has changed (the new leader never tracks broker heartbeats; fixed after 5.0.0,
# apache/rocketmq#5711), so a failover test there can only fail after a leader change.
LEADERS_SEEN: set[str] = set()


@contextlib.contextmanager
def harness(*args: str) -> Iterator[subprocess.Popen]:
    """`chaoskit ARGS` running in the background; killed (then swept by `healthy`) if still running."""
    proc = subprocess.Popen([sys.executable, "-m", "chaoskit", *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    try:
        yield proc
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()


def chaoskit(*args: str, timeout: float = 180) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "chaoskit", *args], capture_output=True, text=True,
                          timeout=timeout)


def recovered(cluster) -> float:
    """Seconds until the controllers have a leader, broker-a a master and every replica is in sync."""
    began = time.monotonic()
    brokers = tuple(n.name for n in cluster.nodes() if n.kind == "broker")
    ready.wait(lambda: ready.check_roles(cluster.client, ready.Expected(brokers=brokers)), RECOVERY_BOUND_S)
    return time.monotonic() - began


def inject(cluster, kind: str, target: str, seed: int = 0, **params) -> tuple[effects.Effect, str]:
    """Aim and apply one fault as the executor does; returns the effect and its ledger label."""
    nodes = cluster.nodes()
    rng = random.Random(seed)
    resolved = targets.resolve(target, nodes, cluster.roles(), rng)
    effect = effects.build(kinds.KINDS[kind], params, resolved.nodes, nodes, rng)
    actions.apply_effect(cluster.client, effect)
    return effect, resolved.label


def wait_for_new_master(cluster, old: str, since: float):
    """The roles once broker-a has a master other than `old` (polled every 0.5 s)."""
    while True:
        roles = cluster.roles()
        if roles.master not in (None, old):
            return roles
        if time.monotonic() - since >= NEW_MASTER_BOUND_S:
            if cluster.cluster.version.startswith("5.0.") and len(LEADERS_SEEN | {roles.controller_leader}) > 1:
                pytest.xfail(f"no new master within {NEW_MASTER_BOUND_S} s: RocketMQ 5.0.x after a controller "
                             "leader change (apache/rocketmq#5711)")
            pytest.fail(f"no new master within {NEW_MASTER_BOUND_S} s")
        time.sleep(0.5)


def reach(cluster, src: Node, dst: Node) -> bool:
    """Can `src` open a TCP connection to `dst`'s remoting port (from inside src's network namespace)?"""
    c = actions.container(cluster.client, src)
    res = c.exec_run(["timeout", "3", "bash", "-c", f"</dev/tcp/{dst.ip}/{PORTS[dst.kind]}"])
    return res.exit_code == 0


def reach_all(cluster, pairs: list[tuple[Node, Node]]) -> dict[tuple[str, str], bool]:
    with ThreadPoolExecutor(8) as pool:
        results = pool.map(lambda p: reach(cluster, *p), pairs)
        return {(a.name, b.name): ok for (a, b), ok in zip(pairs, results)}


def answers(node: Node) -> bool:
    """Does a controller answer a metadata request? (A paused one still accepts the TCP
    connection in the kernel, but never replies.)"""
    try:
        remoting.call(node.controller_addr, remoting.GET_METADATA_INFO, timeout=3)
        return True
    except remoting.RemotingError:
        return False


def leftovers(cluster) -> list[str]:
    nodes = cluster.nodes()
    return actions.on_nodes(nodes, lambda n: actions.leftovers(cluster.client, n))


def by_name(cluster) -> dict[str, Node]:
    return {n.name: n for n in cluster.nodes()}


class Guard:
    """The cluster under test; `recovered()` measures the way back to a full SyncStateSet."""

    def __init__(self, cluster) -> None:
        self.cluster, self.client, self.checked = cluster, cluster.client, False

    def nodes(self) -> list[Node]:
        return self.cluster.nodes()

    def roles(self):
        return self.cluster.roles()

    def recovered(self) -> float:
        took = recovered(self.cluster)
        self.checked = True
        return took


@pytest.fixture
def healthy(cluster):
    """The ready cluster; after the test, swept clean and ready again whatever happened in it.

    A replica that never rejoins is restarted so the next user finds a
    ready cluster, and the test errors saying so (seen when the master's
    direct memory ran out, docs/faults.md).
    """
    recovered(cluster)
    LEADERS_SEEN.add(cluster.roles().controller_leader)
    guard = Guard(cluster)
    yield guard
    from faults.heal import sweep

    fixed = sweep(cluster.client, cluster.nodes())
    if guard.checked and not fixed:
        return
    try:
        print(f"after the test: swept {fixed or 'nothing'}; full SyncStateSet in {recovered(cluster):.1f} s")
    except ready.NotReady as exc:
        stuck = [n for n in cluster.nodes() if n.kind == "broker" and n.name not in cluster.roles().sync_state_set]
        for node in stuck:
            actions.container(cluster.client, node).restart()
        recovered(cluster)
        pytest.fail(f"no full SyncStateSet within {RECOVERY_BOUND_S} s after the heal ({exc}); "
                    f"restarted {', '.join(n.name for n in stuck)} to repair the cluster")


def test_partition_isolate_cuts_the_cut_pairs_and_only_them(healthy):
    cluster = healthy
    effect, label = inject(cluster, "partition", "slave", shape="isolate")
    try:
        nodes = by_name(cluster)
        slave = effect.nodes[0]
        assert label == f"{slave.name} (slave)"
        others = [n for n in nodes.values() if n.name != slave.name]
        cut = reach_all(cluster, [(slave, n) for n in others] + [(n, slave) for n in others])
        assert not any(cut.values()), cut
        kept = reach_all(cluster, [(a, b) for a in others for b in others if a != b][:8])
        assert all(kept.values()), kept
    finally:
        actions.heal_effect(cluster.client, effect)
    assert leftovers(cluster) == []
    assert all(reach_all(cluster, [(slave, n) for n in others]).values())
    print(f"partition isolate {label}: full SyncStateSet {cluster.recovered():.1f} s after the heal")


def test_partition_bridge_keeps_the_bridge_talking_to_both_sides(healthy):
    cluster = healthy
    effect, label = inject(cluster, "partition", "proxy", seed=4, shape="bridge")
    try:
        nodes = by_name(cluster)
        side_a, side_b = ([nodes[n] for n in side] for side in effect.detail["sides"])
        bridge = nodes["proxy"]
        cut = reach_all(cluster, [(a, b) for a in side_a for b in side_b] + [(b, a) for a in side_a for b in side_b])
        assert not any(cut.values()), cut
        via = reach_all(cluster, [(n, bridge) for n in side_a + side_b] + [(bridge, n) for n in side_a + side_b])
        assert all(via.values()), via
    finally:
        actions.heal_effect(cluster.client, effect)
    assert leftovers(cluster) == []
    print(f"partition bridge {effect.detail['sides']} via proxy: full SyncStateSet "
          f"{cluster.recovered():.1f} s after the heal")


def test_pause_stops_the_node_answering_until_unpaused(healthy):
    cluster = healthy
    effect, label = inject(cluster, "pause", "controller-follower", seed=1)
    node = effect.nodes[0]
    try:
        assert actions.container(cluster.client, node).status == "paused"
        assert not answers(node), f"{node.name} answered while paused"
    finally:
        actions.heal_effect(cluster.client, effect)
    assert actions.container(cluster.client, node).status == "running"
    assert answers(node)
    print(f"pause {label}: full SyncStateSet {cluster.recovered():.1f} s after the heal")


@pytest.mark.parametrize("kind, params", [("kill", {}), ("partition", {"shape": "isolate"})])
def test_a_fault_on_the_master_elects_another_and_the_heal_brings_it_back(healthy, kind, params):
    cluster = healthy
    before = cluster.roles()
    struck_at = time.monotonic()
    effect, label = inject(cluster, kind, "master", **params)
    old = effect.nodes[0].name
    try:
        assert old == before.master
        if kind == "kill":
            assert actions.container(cluster.client, effect.nodes[0]).status == "exited"
        after = wait_for_new_master(cluster, old, struck_at)
        elected = time.monotonic() - struck_at
        assert after.master_epoch > before.master_epoch
    finally:
        actions.heal_effect(cluster.client, effect)
    healed = cluster.recovered()
    assert cluster.roles().role_of(by_name(cluster)[old]) == "slave"
    print(f"{kind} {label}: new master {after.master} (epoch {after.master_epoch}) seen {elected:.1f} s after "
          f"the fault; full SyncStateSet {healed:.1f} s after the heal")


def test_stop_and_start_of_a_controller(healthy):
    cluster = healthy
    effect, label = inject(cluster, "stop", "controller-follower", seed=2, grace_s=20)
    node = effect.nodes[0]
    try:
        assert actions.container(cluster.client, node).status == "exited"
        assert not answers(node)
    finally:
        actions.heal_effect(cluster.client, effect)
    assert actions.container(cluster.client, node).status == "running"
    print(f"stop {label}: full SyncStateSet {cluster.recovered():.1f} s after the start")


@pytest.mark.parametrize("kind, params, marker", [
    ("loss", {"probability": 0.3}, "-m statistic --mode random --probability 0.29999"),  # as iptables prints it
    ("bandwidth", {"rate": "1mbit"}, "qdisc tbf ca05: dev eth0 root"),
])
def test_degrading_faults_install_then_remove_only_their_own(healthy, kind, params, marker):
    cluster = healthy
    effect, label = inject(cluster, kind, "slave", **params)
    node = effect.nodes[0]
    try:
        c = actions.container(cluster.client, node)
        state = actions.sh(c, node, "iptables -w -S; tc qdisc show")
        assert marker in state
        if kind == "loss":
            assert "-A INPUT -j CHAOSKIT" in state and "-A OUTPUT -j CHAOSKIT" in state
            assert state.count("--probability") == 2 * (len(cluster.nodes()) - 1)
        assert len(leftovers(cluster)) > 0
    finally:
        fixed = actions.heal_effect(cluster.client, effect)
    assert fixed and leftovers(cluster) == []
    print(f"{kind} {label}: healed ({'; '.join(fixed)}); full SyncStateSet {cluster.recovered():.1f} s later")


def test_netem_faults_are_refused_before_anything_is_touched(healthy, tmp_path):
    if kinds.NETEM in actions.probe_capabilities(healthy.client, healthy.nodes()):
        pytest.skip("this kernel has sch_netem")
    run_dir = tmp_path / "run"
    res = chaoskit("faults", "run", "--faults", "kill,delay", "--seed", "1", "--run-dir", str(run_dir))
    assert res.returncode == 2, res.stderr
    assert res.stderr.strip() == ("chaoskit: error: fault 'delay' is not supported on this kernel: "
                           "it needs the netem qdisc (sch_netem), which this kernel lacks")
    assert not run_dir.exists() and leftovers(healthy) == []


def _ledger(run_dir: Path, sql: str) -> list[tuple]:
    try:  # read-only: never create the file before the harness does
        conn = sqlite3.connect(f"file:{run_dir / 'ledger.db'}?mode=ro", uri=True)
        try:
            return conn.execute(sql).fetchall()
        finally:
            conn.close()
    except sqlite3.OperationalError:  # not created yet
        return []


def test_faults_run_carries_a_plan_out_and_records_it(healthy, tmp_path):
    args = ["--faults", "pause,partition", "--targets", "controller-follower", "--interval", "12",
            "--duration", "30", "--fault-duration", "5", "--seed", "11"]
    res = chaoskit("faults", "run", *args, "--run-dir", str(tmp_path))
    assert res.returncode == 0, res.stdout + res.stderr
    expected = chaoskit("faults", "plan", *args, "--json").stdout
    assert (tmp_path / "plan.json").read_text() == expected
    plan = Plan.from_json(expected)
    rows = _ledger(tmp_path, "SELECT name, target, step, start_ts, end_ts, detail FROM faults ORDER BY step")
    assert [(r[0], r[2]) for r in rows] == [(s.fault, s.index) for s in plan.steps]
    for _, target, _, start, end, detail in rows:
        assert target.endswith("(controller follower)")
        assert end - start >= 5
        assert json.loads(detail)["nodes"]
    kinds_seen = {k for (k,) in _ledger(tmp_path, "SELECT kind FROM events")}
    assert {"master_change", "controller_leader_change"} <= kinds_seen
    assert "every fault healed" in res.stdout
    assert leftovers(healthy) == []


def _hand_plan(path: Path, *steps: Step) -> None:
    path.write_text(Plan(0, 60.0, 200.0, 60.0, tuple(sorted({s.fault for s in steps})), (), steps).to_json())


def _wait_active(run_dir: Path, count: int, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while len(_ledger(run_dir, "SELECT 1 FROM faults")) < count:
        assert time.monotonic() < deadline, f"{count} faults not active within {timeout} s"
        time.sleep(1)
    time.sleep(3)  # the last row is written just before its fault is applied


def test_sigterm_heals_before_the_harness_exits(healthy, tmp_path):
    _hand_plan(tmp_path / "plan.json",
               Step(0, 0.0, 120.0, "partition", "slave", {"shape": "from-controllers"}))
    with harness("faults", "run", "--plan", str(tmp_path / "plan.json"), "--run-dir", str(tmp_path / "run")) as proc:
        _wait_active(tmp_path / "run", 1)
        assert any("CHAOSKIT" in line for line in leftovers(healthy))
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, out + err
    assert "every fault healed" in err
    assert leftovers(healthy) == []
    assert _ledger(tmp_path / "run", "SELECT end_ts IS NOT NULL FROM faults") == [(1,)]


def test_a_sigkilled_harness_leaves_faults_that_chaoskit_heal_removes(healthy, tmp_path):
    _hand_plan(tmp_path / "plan.json",
               Step(0, 0.0, 120.0, "partition", "slave", {"shape": "isolate"}),
               Step(1, 0.0, 120.0, "pause", "controller-follower", {}))
    with harness("faults", "run", "--plan", str(tmp_path / "plan.json"), "--run-dir", str(tmp_path / "run")) as proc:
        _wait_active(tmp_path / "run", 2)
        proc.send_signal(signal.SIGKILL)
        proc.communicate(timeout=30)
    left = leftovers(healthy)
    assert any("is paused" in line for line in left) and any("CHAOSKIT" in line for line in left), left

    heal = chaoskit("heal")
    assert heal.returncode == 0, heal.stdout + heal.stderr
    assert "unpaused" in heal.stdout and "chain CHAOSKIT" in heal.stdout
    assert leftovers(healthy) == []
    assert all(n.state == "running" for n in healthy.nodes())
    again = chaoskit("heal")
    assert again.returncode == 0 and "nothing to fix" in again.stdout
