"""What one resolved fault does to each node, as data (pure).

The executor resolves a step's target to nodes, asks `build` for the Effect
and hands it to actions.py, which only carries it out. Keeping the choice of
rules here means every partition shape is unit-tested without Docker.

Network faults put rules only in the nodes of one side (`Effect.nodes`): a
node that drops packets *from* a peer on input and *to* it on output is cut
from it both ways, so the other side can be paused or killed meanwhile
without its rules being in the way.
"""
from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from chaoskit.cluster.nodes import Node
from faults.kinds import FaultKind
from faults.targets import TargetUnavailable

Rule = tuple[str, ...]  # iptables arguments after "-A CHAOSKIT"


@dataclass(frozen=True)
class Effect:
    kind: str
    verb: str                                   # kill | stop | pause | iptables | tc
    nodes: tuple[Node, ...]                     # where the verb acts, and what its heal undoes
    rules: Mapping[str, tuple[Rule, ...]] = field(default_factory=dict)  # iptables: node -> rules
    qdisc: tuple[str, ...] = ()                 # tc: the root qdisc spec on each node
    params: Mapping[str, Any] = field(default_factory=dict)
    detail: Mapping[str, Any] = field(default_factory=dict)  # shape and sides, for the ledger

    def ledger_detail(self) -> dict[str, Any]:
        """The faults row's `detail`: nodes acted on, parameters, shape."""
        return {"nodes": [n.name for n in self.nodes], "params": dict(self.params), **self.detail}


def build(kind: FaultKind, params: Mapping[str, Any], group: Sequence[Node],
          nodes: Sequence[Node], rng: random.Random) -> Effect:
    """The Effect of `kind` aimed at `group` in a cluster of `nodes`.

    Raises TargetUnavailable when the shape has nothing to cut (e.g. the
    group is the whole cluster).
    """
    group = tuple(group)
    if kind.name == "partition":
        return _partition(kind, params, group, nodes, rng)
    if kind.name == "loss":
        return _loss(kind, params, group, nodes)
    if kind.verb == "tc":
        return Effect(kind.name, kind.verb, group, qdisc=_qdisc(kind.name, params), params=params)
    return Effect(kind.name, kind.verb, group, params=params)


def _loss(kind: FaultKind, params: Mapping[str, Any], group: tuple[Node, ...],
          nodes: Sequence[Node]) -> Effect:
    """Each node of `group` drops that share of its packets from and to every peer."""
    chance = ("-m", "statistic", "--mode", "random", "--probability", str(params["probability"]), "-j", "DROP")
    rules = {x.name: tuple(rule for peer in _peers(x, nodes)
                           for rule in (("-s", peer.ip, *chance), ("-d", peer.ip, *chance)))
             for x in group}
    return Effect(kind.name, kind.verb, group, rules=rules, params=params)


def _peers(x: Node, nodes: Sequence[Node]) -> list[Node]:
    return _by_name([n for n in nodes if n.name != x.name and n.ip])


def _by_name(nodes: Sequence[Node]) -> list[Node]:
    return sorted(nodes, key=lambda n: n.name)


def _qdisc(name: str, params: Mapping[str, Any]) -> tuple[str, ...]:
    if name == "bandwidth":
        # burst must hold at least one MTU-sized packet per tick; latency bounds the queue.
        return ("tbf", "rate", params["rate"], "burst", "32kbit", "latency", "400ms")
    if name == "jitter":
        return ("netem", "delay", f"{params['delay_ms']}ms", f"{params['jitter_ms']}ms",
                "distribution", "normal")
    return ("netem", "delay", f"{params['delay_ms']}ms")


def _partition(kind: FaultKind, params: Mapping[str, Any], group: tuple[Node, ...],
               nodes: Sequence[Node], rng: random.Random) -> Effect:
    """Sides and rules for each shape; rules go into side `a` only.

    isolate: `group` cut from every other node, both ways.
    from-controllers: `group` cut from the controllers (namesrv nodes) only.
    from-replicas: `group` cut from the other brokers only: replication stops
        while the controllers still see every broker alive and in sync.
    but-replicas: `group` cut from every node but the other brokers: a master
        loses the controllers and the proxy while its replicas still copy it.
    halves: `group` filled up with random others to half the cluster, cut from the rest.
    one-way: `group` stops hearing every other node; they still hear it.
    bridge: the others split in two random halves cut from each other; `group`
        (the bridge) still talks to both.
    """
    shape = params["shape"]
    names = {n.name for n in group}
    others = _by_name([n for n in nodes if n.name not in names and n.ip])
    a, b, both_ways = list(group), others, True
    detail: dict[str, Any] = {"shape": shape}
    if shape == "from-controllers":
        b = [n for n in others if n.kind == "namesrv"]
    elif shape == "from-replicas":
        b = [n for n in others if n.kind == "broker"]
    elif shape == "but-replicas":
        b = [n for n in others if n.kind != "broker"]
    elif shape == "halves":
        a += rng.sample(others, max(0, len(nodes) // 2 - len(group)))
        b = [n for n in others if n not in a]
    elif shape == "one-way":
        both_ways = False
    elif shape == "bridge":
        mixed = rng.sample(others, len(others))
        half = len(mixed) // 2
        a, b = _by_name(mixed[:half]), _by_name(mixed[half:])
        detail["bridge"] = [n.name for n in group]
    if not a or not b:
        raise TargetUnavailable(f"partition '{shape}' of {', '.join(sorted(names))}: nothing to cut it from")
    rules = {x.name: tuple(("-s", y.ip, "-j", "DROP") for y in b)
             + (tuple(("-d", y.ip, "-j", "DROP") for y in b) if both_ways else ())
             for x in a}
    detail["sides"] = [[n.name for n in a], [n.name for n in b]]
    detail["dropped"] = "both ways" if both_ways else "from side 2 to side 1 only"
    return Effect(kind.name, kind.verb, tuple(a), rules=rules, params=params, detail=detail)
