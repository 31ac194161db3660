"""Bringing the cluster up and finding the one that runs: what the CLI and tests call."""
from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

import docker
from chaoskit.cluster import access as access_mod
from chaoskit.cluster import compose, engine, ready
from chaoskit.cluster import nodes as nodes_mod
from chaoskit.cluster import roles as roles_mod
from chaoskit.cluster.image import ensure_image
from chaoskit.cluster.spec import ClusterSpec


class ClusterNotReady(RuntimeError):
    """`up` timed out; carries the lagging node and its log tail."""

    def __init__(self, node: str, reason: str, log_tail: str) -> None:
        super().__init__(f"{node} is not ready: {reason}")
        self.node = node
        self.log_tail = log_tail


@dataclass
class Cluster:
    """A handle on the running cluster."""

    client: docker.DockerClient
    version: str
    replicas: int
    with_proxy: bool

    def nodes(self) -> list[nodes_mod.Node]:
        return nodes_mod.list_nodes(self.client)

    def roles(self) -> roles_mod.Roles:
        return roles_mod.lookup(self.nodes())

    def access(self, mode: str) -> access_mod.Access:
        """How a client of access mode `mode` reaches this cluster; LookupError if it cannot."""
        return access_mod.for_mode(mode, self.nodes(), self.version)

    @property
    def image_id(self) -> str:
        return self.client.images.get(f"chaoskit/rocketmq:{self.version}").id


def find(client: docker.DockerClient) -> Cluster | None:
    """The running cluster (version from its image label), or None."""
    found = nodes_mod.list_nodes(client)
    if not found:
        return None
    labels = client.containers.get(found[0].container_id).image.labels or {}
    version = labels.get("io.chaoskit.rocketmq-version", "?")
    return Cluster(client, version, sum(1 for n in found if n.kind == "broker"),
                   any(n.kind == "proxy" for n in found))


def up(spec: ClusterSpec, timeout: float = 240, log: Callable[[str], None] = print) -> Cluster:
    """Start (or reuse) the cluster of `spec` and wait until it is ready.

    A running cluster of another version or size is removed first, data included.
    """
    client = engine.connect()
    ensure_image(client, spec.version, log)
    running = find(client)
    if running and (running.version, running.replicas, running.with_proxy) != (spec.version, spec.replicas,
                                                                                spec.with_proxy):
        log(f"removing the running {running.version} cluster with {running.replicas} replicas"
            f"{', proxy' if running.with_proxy else ''}")
        compose.down()
    deadline = time.monotonic() + timeout
    log(f"starting RocketMQ {spec.version}: 3 NameServers+controllers, {spec.replicas} brokers"
        + (", proxy" if spec.with_proxy else ", no proxy (clients speak remoting)"))
    compose.up(spec)
    expected = expected_of(spec)
    cluster = Cluster(client, spec.version, spec.replicas, spec.with_proxy)
    try:
        roles = ready.wait(lambda: ready.check_roles(client, expected), max(deadline - time.monotonic(), 1))
        log("controllers have a leader; broker-a has a master and a full SyncStateSet")
        ready.wait(lambda: ready.create_topics(client, roles), max(deadline - time.monotonic(), 1))
        ready.wait(lambda: ready.check_topics(client, expected), max(deadline - time.monotonic(), 1))
        log("every replica has the workload topics")
        if spec.with_proxy:
            ready.wait(lambda: ready.check_proxy(cluster.access("proxy")), max(deadline - time.monotonic(), 1))
            log("proxy answers")
    except ready.NotReady as exc:
        raise ClusterNotReady(exc.node, exc.reason, ready.log_tail(client, exc.node)) from None
    return cluster


def expected_of(spec: ClusterSpec) -> ready.Expected:
    """The nodes a ready cluster of `spec` has."""
    return ready.Expected(brokers=tuple(spec.brokers), proxy="proxy" if spec.with_proxy else None)


def current() -> Cluster:
    """The running cluster; LookupError if there is none."""
    cluster = find(engine.connect())
    if cluster is None:
        raise LookupError("no chaoskit cluster is running: start one with `chaoskit up`")
    return cluster
