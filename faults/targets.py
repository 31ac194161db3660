"""Target specs and their resolution against the live cluster (pure).

A spec is one or more tokens joined by '+', e.g. "master+controller-leader".
Tokens name a role, a share of the controllers, or a node. Resolution takes
the nodes and the roles seen at injection time and a seeded rng (the same
plan against the same cluster picks the same nodes) and gives the nodes to
hit with a label for the ledger, e.g. "broker-a-1 (master) | namesrv-2
(controller leader)".
"""
from __future__ import annotations

import random
from collections.abc import Collection, Sequence
from dataclasses import dataclass

from chaoskit.cluster.nodes import Node
from chaoskit.cluster.roles import Roles

ROLE_TOKENS = ("master", "slave", "controller-leader", "controller-follower", "namesrv", "proxy",
               "random", "minority", "majority", "all-brokers")
# The node names docker-compose.yml gives (with a third replica): what a spec
# may name when no live cluster is at hand to check against.
DEFAULT_NODE_NAMES = ("namesrv-0", "namesrv-1", "namesrv-2",
                      "broker-a-0", "broker-a-1", "broker-a-2", "proxy")


class TargetUnavailable(Exception):
    """The spec is valid but the cluster has no such node right now (e.g. no master)."""


@dataclass(frozen=True)
class Resolved:
    nodes: tuple[Node, ...]
    label: str


def tokens(spec: str) -> list[str]:
    return [t.strip() for t in spec.split("+")]


def check_spec(spec: str, node_names: Collection[str] = DEFAULT_NODE_NAMES) -> None:
    """ValueError naming the first token of `spec` that is neither a role word nor a node."""
    for token in tokens(spec):
        if token not in ROLE_TOKENS and token not in node_names:
            raise ValueError(f"unknown target '{token}' in '{spec}': use {', '.join(ROLE_TOKENS)}, "
                             f"a node name ({', '.join(sorted(node_names))}) or several joined by '+'")


def resolve(spec: str, nodes: Sequence[Node], roles: Roles, rng: random.Random) -> Resolved:
    """The running nodes `spec` names now, in token order without repeats.

    Raises TargetUnavailable when a token has no running node to name.
    """
    picked: list[Node] = []
    for token in tokens(spec):
        for node in _resolve_token(token, list(nodes), roles, rng):
            if node not in picked:
                picked.append(node)
    return Resolved(tuple(picked), label(picked, roles))


def label(nodes: Sequence[Node], roles: Roles) -> str:
    """ "broker-a-1 (master) | namesrv-2 (controller leader)" """
    return " | ".join(f"{n.name} ({roles.role_of(n)})" for n in nodes)


def _resolve_token(token: str, nodes: list[Node], roles: Roles, rng: random.Random) -> list[Node]:
    running = [n for n in nodes if n.state == "running"]
    by_name = {n.name: n for n in running}
    brokers = [n for n in running if n.kind == "broker"]
    controllers = [n for n in running if n.kind == "namesrv"]
    if token in ("master", "slave") and roles.master is None:
        raise TargetUnavailable(f"broker-a has no master now (needed for '{token}')")
    if token in ("controller-leader", "controller-follower") and roles.controller_leader is None:
        raise TargetUnavailable(f"the controllers have no leader now (needed for '{token}')")

    if token == "master":
        found = [by_name[roles.master]] if roles.master in by_name else []
    elif token == "slave":
        found = _one(rng, [n for n in brokers if n.name != roles.master])
    elif token == "controller-leader":
        found = [by_name[roles.controller_leader]] if roles.controller_leader in by_name else []
    elif token == "controller-follower":
        found = _one(rng, [n for n in controllers if n.name != roles.controller_leader])
    elif token == "namesrv":
        found = _one(rng, controllers)
    elif token == "proxy":
        found = [n for n in running if n.kind == "proxy"]
    elif token == "random":
        found = _one(rng, running)
    elif token in ("minority", "majority"):
        total = sum(1 for n in nodes if n.kind == "namesrv")
        size = (total - 1) // 2 if token == "minority" else total // 2 + 1
        pool = sorted(controllers, key=lambda n: n.name)
        found = rng.sample(pool, size) if 0 < size <= len(pool) else []
    elif token == "all-brokers":
        found = brokers
    else:
        found = [by_name[token]] if token in by_name else []
    if not found:
        state = next((f" (it is {n.state})" for n in nodes if n.name == token), "")
        raise TargetUnavailable(f"no running node for '{token}' now{state}")
    return found


def _one(rng: random.Random, candidates: list[Node]) -> list[Node]:
    return [rng.choice(sorted(candidates, key=lambda n: n.name))] if candidates else []
