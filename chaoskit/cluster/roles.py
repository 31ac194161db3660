"""Who is what right now: the controller leader, broker-a's master, its SyncStateSet.

This is the lookup `chaoskit status` shows and the fault module aims with.
Parsing is separate from asking so it can be tested on recorded tool output.
"""
from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import docker

from chaoskit.cluster import admin
from chaoskit.cluster.nodes import Node

BROKER_NAME = "broker-a"
_REPLICA_RE = re.compile(r"^(InSyncReplica|NotInSyncReplica):.*brokerId=(\d+), brokerAddress='([\d.]+):\d+', alive=(\w+)")


@dataclass(frozen=True)
class Replica:
    node: str
    broker_id: int
    in_sync: bool
    alive: bool


@dataclass(frozen=True)
class Roles:
    controller_leader: str | None = None
    master: str | None = None
    master_epoch: int | None = None
    sync_state_set_epoch: int | None = None
    replicas: tuple[Replica, ...] = ()
    errors: tuple[str, ...] = field(default=())

    @property
    def sync_state_set(self) -> tuple[str, ...]:
        return tuple(r.node for r in self.replicas if r.in_sync)

    def role_of(self, node: Node) -> str:
        """A short role label for `node`: leader/follower, master/slave, or its kind."""
        if node.kind == "namesrv":
            if self.controller_leader is None:
                return "controller ?"
            return "controller leader" if node.name == self.controller_leader else "controller follower"
        if node.kind == "broker":
            if self.master is None:
                return "broker ?"
            return "master" if node.name == self.master else "slave"
        return node.kind


def _by_ip(nodes: list[Node]) -> dict[str, str]:
    return {n.ip: n.name for n in nodes}


def parse_controller_meta(text: str, nodes: list[Node]) -> str | None:
    """The node name of the controller leader in `getControllerMetaData` output."""
    m = re.search(r"#ControllerLeaderAddress\s+([\d.]+):\d+", text)
    return _by_ip(nodes).get(m.group(1)) if m else None


def parse_sync_state_set(text: str, nodes: list[Node]) -> dict:
    """Master, epochs and replicas from `getSyncStateSet` output."""
    names = _by_ip(nodes)

    def num(key: str) -> int | None:
        m = re.search(rf"#{key}\s+(-?\d+)", text)
        return int(m.group(1)) if m else None

    master_addr = re.search(r"#MasterAddr\s+([\d.]+):\d+", text)
    replicas = tuple(
        Replica(names.get(m.group(3), m.group(3)), int(m.group(2)), m.group(1) == "InSyncReplica", m.group(4) == "true")
        for m in (_REPLICA_RE.match(line.strip()) for line in text.splitlines()) if m)
    return {
        "master": names.get(master_addr.group(1)) if master_addr else None,
        "master_epoch": num("MasterEpoch"),
        "sync_state_set_epoch": num("SyncStateSetEpoch"),
        "replicas": tuple(sorted(replicas, key=lambda r: r.node)),
    }


def lookup(client: docker.DockerClient, nodes: list[Node]) -> Roles:
    """Ask the controllers (any that answers) for the leader and broker-a's replicas."""
    controllers = [n for n in nodes if n.kind == "namesrv" and n.state == "running"]
    errors: list[str] = []

    def ask(*args: str) -> str | None:
        for ctl in controllers:
            try:
                return admin.run(client, nodes, *args, "-a", ctl.controller_addr)
            except admin.AdminError as exc:
                errors.append(str(exc))
        return None

    with ThreadPoolExecutor(max_workers=2) as pool:
        meta_f = pool.submit(ask, "getControllerMetaData")
        sss_f = pool.submit(ask, "getSyncStateSet", "-b", BROKER_NAME)
        meta, sss = meta_f.result(), sss_f.result()
    if not controllers:
        errors.append("no running controller")
    leader = parse_controller_meta(meta, nodes) if meta else None
    fields = parse_sync_state_set(sss, nodes) if sss else {}
    return Roles(controller_leader=leader, errors=tuple(errors), **fields)
