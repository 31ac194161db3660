"""Target resolution (pure) on hand-made nodes and roles."""
from __future__ import annotations

import random
from dataclasses import replace

import pytest

from chaoskit.cluster.nodes import Node
from chaoskit.cluster.roles import Replica, Roles
from faults.targets import TargetUnavailable, check_spec, resolve

NODES = [
    Node("namesrv-0", "namesrv", "c-n0", "10.213.7.11", "running"),
    Node("namesrv-1", "namesrv", "c-n1", "10.213.7.12", "running"),
    Node("namesrv-2", "namesrv", "c-n2", "10.213.7.13", "running"),
    Node("broker-a-0", "broker", "c-b0", "10.213.7.21", "running"),
    Node("broker-a-1", "broker", "c-b1", "10.213.7.22", "running"),
    Node("proxy", "proxy", "c-p", "10.213.7.31", "running"),
]
ROLES = Roles(controller_leader="namesrv-2", master="broker-a-1", master_epoch=3, sync_state_set_epoch=5,
              replicas=(Replica("broker-a-0", 1, True, True), Replica("broker-a-1", 2, True, True)))


def names(spec: str, nodes=NODES, roles=ROLES, seed: int = 1) -> list[str]:
    return [n.name for n in resolve(spec, nodes, roles, random.Random(seed)).nodes]


@pytest.mark.parametrize("spec, expected", [
    ("master", ["broker-a-1"]),
    ("slave", ["broker-a-0"]),
    ("controller-leader", ["namesrv-2"]),
    ("proxy", ["proxy"]),
    ("all-brokers", ["broker-a-0", "broker-a-1"]),
    ("namesrv-1", ["namesrv-1"]),
    ("master+controller-leader", ["broker-a-1", "namesrv-2"]),
    ("master+broker-a-1", ["broker-a-1"]),            # no repeats
    ("proxy+slave+master", ["proxy", "broker-a-0", "broker-a-1"]),
])
def test_fixed_targets(spec, expected):
    assert names(spec) == expected


def test_labels_carry_the_role_at_injection_time():
    resolved = resolve("master+controller-leader", NODES, ROLES, random.Random(0))
    assert resolved.label == "broker-a-1 (master) | namesrv-2 (controller leader)"
    assert resolve("namesrv-0", NODES, ROLES, random.Random(0)).label == "namesrv-0 (controller follower)"


@pytest.mark.parametrize("spec, pool, size", [
    ("controller-follower", {"namesrv-0", "namesrv-1"}, 1),
    ("namesrv", {"namesrv-0", "namesrv-1", "namesrv-2"}, 1),
    ("random", {n.name for n in NODES}, 1),
    ("minority", {"namesrv-0", "namesrv-1", "namesrv-2"}, 1),
    ("majority", {"namesrv-0", "namesrv-1", "namesrv-2"}, 2),
])
def test_seeded_choices_are_deterministic_and_in_their_pool(spec, pool, size):
    seen = set()
    for seed in range(40):
        picked = names(spec, seed=seed)
        assert picked == names(spec, seed=seed)
        assert len(picked) == len(set(picked)) == size
        assert set(picked) <= pool
        seen.update(picked)
    assert seen == pool  # every candidate can be hit


def test_role_targets_follow_the_roles_given():
    moved = replace(ROLES, master="broker-a-0", controller_leader="namesrv-0")
    assert names("master", roles=moved) == ["broker-a-0"]
    assert names("slave", roles=moved) == ["broker-a-1"]
    assert names("controller-leader", roles=moved) == ["namesrv-0"]


def test_nodes_not_running_are_never_picked():
    paused = [replace(n, state="paused") if n.name in ("namesrv-0", "broker-a-0") else n for n in NODES]
    for seed in range(30):
        assert "namesrv-0" not in names("random+namesrv+minority", nodes=paused, seed=seed)
    assert names("all-brokers", nodes=paused) == ["broker-a-1"]
    with pytest.raises(TargetUnavailable, match=r"no running node for 'slave'"):
        names("slave", nodes=paused)
    with pytest.raises(TargetUnavailable, match=r"'broker-a-0' now \(it is paused\)"):
        names("broker-a-0", nodes=paused)


@pytest.mark.parametrize("roles, spec, message", [
    (replace(ROLES, master=None), "master", "broker-a has no master now"),
    (replace(ROLES, master=None), "proxy+slave", "broker-a has no master now"),
    (replace(ROLES, controller_leader=None), "controller-follower", "the controllers have no leader"),
])
def test_unknown_roles_make_a_target_unavailable(roles, spec, message):
    with pytest.raises(TargetUnavailable, match=message):
        names(spec, roles=roles)


def test_a_master_whose_container_is_gone_is_unavailable():
    killed = [replace(n, state="exited") if n.name == "broker-a-1" else n for n in NODES]
    with pytest.raises(TargetUnavailable, match="no running node for 'master'"):
        names("master", nodes=killed)


def test_majority_needs_enough_running_controllers():
    two_down = [replace(n, state="exited") if n.name in ("namesrv-0", "namesrv-1") else n for n in NODES]
    with pytest.raises(TargetUnavailable):
        names("majority", nodes=two_down)


@pytest.mark.parametrize("spec", ["mastr", "master+", "leader", "broker-b-0", "master,slave"])
def test_unknown_tokens_are_rejected(spec):
    with pytest.raises(ValueError, match="unknown target"):
        check_spec(spec)


def test_known_tokens_pass():
    check_spec("master+controller-leader+minority+broker-a-2+proxy")
