"""What each fault does to each node (pure): partition shapes, loss rules, qdiscs."""
from __future__ import annotations

import random

import pytest
from test_faults_targets import NODES

from faults import kinds
from faults.effects import build
from faults.targets import TargetUnavailable

BY_NAME = {n.name: n for n in NODES}
IP = {n.name: n.ip for n in NODES}


def partition(shape: str, *group: str, seed: int = 0):
    return build(kinds.KINDS["partition"], {"shape": shape}, [BY_NAME[g] for g in group], NODES,
                 random.Random(seed))


def dropped(effect, node: str, flag: str) -> set[str]:
    """The peers `node` drops from (-s) or to (-d)."""
    return {rule[1] for rule in effect.rules.get(node, ()) if rule[0] == flag}


def test_isolate_cuts_the_group_from_everyone_else_both_ways():
    e = partition("isolate", "broker-a-1")
    others = {ip for name, ip in IP.items() if name != "broker-a-1"}
    assert [n.name for n in e.nodes] == ["broker-a-1"]
    assert set(e.rules) == {"broker-a-1"}   # rules on one side only
    assert dropped(e, "broker-a-1", "-s") == dropped(e, "broker-a-1", "-d") == others
    assert all(rule[-2:] == ("-j", "DROP") for rule in e.rules["broker-a-1"])
    assert e.detail["sides"] == [["broker-a-1"], ["broker-a-0", "namesrv-0", "namesrv-1", "namesrv-2", "proxy"]]


def test_a_group_stays_together():
    e = partition("isolate", "broker-a-1", "namesrv-2")
    for node in ("broker-a-1", "namesrv-2"):
        assert IP["namesrv-2" if node == "broker-a-1" else "broker-a-1"] not in dropped(e, node, "-s")


def test_from_controllers_cuts_the_master_from_the_controllers_only():
    e = partition("from-controllers", "broker-a-1")
    controllers = {IP["namesrv-0"], IP["namesrv-1"], IP["namesrv-2"]}
    assert dropped(e, "broker-a-1", "-s") == dropped(e, "broker-a-1", "-d") == controllers


def test_from_replicas_cuts_the_replication_link_only():
    e = partition("from-replicas", "broker-a-1")
    assert dropped(e, "broker-a-1", "-s") == dropped(e, "broker-a-1", "-d") == {IP["broker-a-0"]}


def test_but_replicas_keeps_only_the_replication_link():
    e = partition("but-replicas", "broker-a-1")
    everyone_else = {IP[n] for n in ("namesrv-0", "namesrv-1", "namesrv-2", "proxy")}
    assert dropped(e, "broker-a-1", "-s") == dropped(e, "broker-a-1", "-d") == everyone_else


def test_one_way_drops_only_what_comes_in():
    e = partition("one-way", "namesrv-2")
    assert dropped(e, "namesrv-2", "-d") == set()
    assert len(dropped(e, "namesrv-2", "-s")) == 5
    assert e.detail["dropped"] == "from side 2 to side 1 only"


@pytest.mark.parametrize("seed", range(10))
def test_halves_fill_the_group_to_half_the_cluster(seed):
    e = partition("halves", "broker-a-1", seed=seed)
    a, b = e.detail["sides"]
    assert "broker-a-1" in a and len(a) == 3 and len(b) == 3 and not set(a) & set(b)
    for node in a:
        assert dropped(e, node, "-s") == {IP[n] for n in b}


@pytest.mark.parametrize("seed", range(10))
def test_bridge_splits_the_others_and_the_bridge_sees_both(seed):
    e = partition("bridge", "namesrv-2", seed=seed)
    a, b = e.detail["sides"]
    assert e.detail["bridge"] == ["namesrv-2"]
    assert sorted(a + b) == sorted(n for n in IP if n != "namesrv-2")
    assert {len(a), len(b)} == {2, 3}
    assert set(e.rules) == set(a)
    for node in a:
        assert dropped(e, node, "-s") == dropped(e, node, "-d") == {IP[n] for n in b}
        assert IP["namesrv-2"] not in dropped(e, node, "-s")


def test_same_seed_same_sides():
    assert partition("bridge", "proxy", seed=3) == partition("bridge", "proxy", seed=3)


def test_nothing_to_cut_from_is_unavailable():
    with pytest.raises(TargetUnavailable, match="nothing to cut it from"):
        partition("isolate", *BY_NAME)
    with pytest.raises(TargetUnavailable):
        partition("from-controllers", "namesrv-0", "namesrv-1", "namesrv-2")


def test_loss_drops_a_share_to_and_from_every_peer():
    e = build(kinds.KINDS["loss"], {"probability": 0.3}, [BY_NAME["broker-a-0"]], NODES, random.Random(0))
    rules = e.rules["broker-a-0"]
    assert len(rules) == 2 * 5
    assert all(r[2:] == ("-m", "statistic", "--mode", "random", "--probability", "0.3", "-j", "DROP") for r in rules)
    assert {r[1] for r in rules} == {ip for n, ip in IP.items() if n != "broker-a-0"}


@pytest.mark.parametrize("kind, params, qdisc", [
    ("bandwidth", {"rate": "1mbit"}, ("tbf", "rate", "1mbit", "burst", "32kbit", "latency", "400ms")),
    ("delay", {"delay_ms": 200}, ("netem", "delay", "200ms")),
    ("jitter", {"delay_ms": 100, "jitter_ms": 50}, ("netem", "delay", "100ms", "50ms", "distribution", "normal")),
])
def test_qdisc_specs(kind, params, qdisc):
    e = build(kinds.KINDS[kind], params, [BY_NAME["proxy"]], NODES, random.Random(0))
    assert (e.verb, e.qdisc, [n.name for n in e.nodes]) == ("tc", qdisc, ["proxy"])


@pytest.mark.parametrize("kind", ["kill", "stop", "pause"])
def test_container_faults_act_on_the_target(kind):
    params = {p: c[0] for p, c in kinds.KINDS[kind].params.items()}
    e = build(kinds.KINDS[kind], params, [BY_NAME["broker-a-1"], BY_NAME["namesrv-2"]], NODES, random.Random(0))
    assert (e.verb, [n.name for n in e.nodes], dict(e.rules)) == (kind, ["broker-a-1", "namesrv-2"], {})
    assert e.ledger_detail() == {"nodes": ["broker-a-1", "namesrv-2"], "params": params}
