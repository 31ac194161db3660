"""Who is what right now: the controller leader, broker-a's master, its SyncStateSet.

This is the lookup `chaoskit status` shows and the fault module aims with.
It asks the controllers directly over RocketMQ's remoting protocol (a few
milliseconds, so it can be asked often); parsing is separate from asking so
it can be tested on recorded answers.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from chaoskit.cluster import remoting
from chaoskit.cluster.nodes import Node

BROKER_NAME = "broker-a"


@dataclass(frozen=True)
class Replica:
    node: str
    broker_id: int
    in_sync: bool
    alive: bool | None  # None: the controller does not say (5.0.x lists only in-sync members)


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


def broker_entry(body: dict | None) -> dict | None:
    """broker-a's entry of a SyncStateSet answer: 5.1+ call the table replicasInfoTable, 5.0.x inSyncStateTable."""
    body = body or {}
    return (body.get("replicasInfoTable") or body.get("inSyncStateTable") or {}).get(BROKER_NAME)


def parse_replicas_info(info: dict, nodes: list[Node]) -> dict:
    """Master, epochs and replicas from one broker's entry of a SyncStateSet answer.

    5.1+ list inSyncReplicas and notInSyncReplicas ({brokerAddress, brokerId,
    alive}); 5.0.x lists only inSyncMembers ({address, brokerId}).
    """
    names = _by_ip(nodes)

    def node_of(addr: str | None) -> str | None:
        return names.get(addr.rsplit(":", 1)[0], addr) if addr else None

    replicas = tuple(
        Replica(node_of(r.get("brokerAddress") or r.get("address")), int(r.get("brokerId", -1)), in_sync,
                None if "alive" not in r else bool(r["alive"]))
        for key, in_sync in (("inSyncReplicas", True), ("inSyncMembers", True), ("notInSyncReplicas", False))
        for r in info.get(key) or [])
    return {
        "master": node_of(info.get("masterAddress")),
        "master_epoch": info.get("masterEpoch"),
        "sync_state_set_epoch": info.get("syncStateSetEpoch"),
        "replicas": tuple(sorted(replicas, key=lambda r: r.node)),
    }


def lookup(nodes: list[Node]) -> Roles:
    """Ask the controllers (any that answers) for the leader, then the leader for broker-a's replicas."""
    errors: list[str] = []
    leader_addr = None
    for ctl in (n for n in nodes if n.kind == "namesrv" and n.state == "running"):
        try:
            meta, _ = remoting.call(ctl.controller_addr, remoting.GET_METADATA_INFO)
        except remoting.RemotingError as exc:
            errors.append(str(exc))
            continue
        leader_addr = meta.get("controllerLeaderAddress")
        if leader_addr:
            break
    if not leader_addr:
        return Roles(errors=tuple(errors or ["no controller answered"]))
    leader = _by_ip(nodes).get(leader_addr.rsplit(":", 1)[0], leader_addr)
    try:
        _, body = remoting.call(leader_addr, remoting.GET_SYNC_STATE_DATA, [BROKER_NAME])
    except remoting.RemotingError as exc:
        return Roles(controller_leader=leader, errors=(*errors, str(exc)))
    info = broker_entry(body)
    if not info:
        return Roles(controller_leader=leader, errors=(*errors, f"the controllers know no {BROKER_NAME}"))
    return Roles(controller_leader=leader, errors=tuple(errors), **parse_replicas_info(info, nodes))
