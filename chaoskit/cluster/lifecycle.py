"""Bringing the cluster up and finding the one that runs: what the CLI and tests call."""
from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

import docker
from chaoskit.cluster import compose, engine, ready
from chaoskit.cluster import nodes as nodes_mod
from chaoskit.cluster import roles as roles_mod
from chaoskit.cluster.image import ensure_image
from chaoskit.cluster.proxy_client import ProxyAccess, access
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

    def nodes(self) -> list[nodes_mod.Node]:
        return nodes_mod.list_nodes(self.client)

    def roles(self) -> roles_mod.Roles:
        return roles_mod.lookup(self.nodes())

    @property
    def proxy_access(self) -> ProxyAccess:
        return access(nodes_mod.proxy_endpoint(self.nodes()), self.version)

    @property
    def image_id(self) -> str:
        return self.client.images.get(f"chaoskit/rocketmq:{self.version}").id


def find(client: docker.DockerClient) -> Cluster | None:
    """The running cluster (version from its image label), or None."""
    found = nodes_mod.list_nodes(client)
    if not found:
        return None
    proxy = next((n for n in found if n.kind == "proxy"), found[0])
    labels = client.containers.get(proxy.container_id).image.labels or {}
    version = labels.get("io.chaoskit.rocketmq-version", "?")
    return Cluster(client, version, sum(1 for n in found if n.kind == "broker"))


def up(spec: ClusterSpec, timeout: float = 240, log: Callable[[str], None] = print) -> Cluster:
    """Start (or reuse) the cluster of `spec` and wait until it is ready.

    A running cluster of another version or size is removed first, data included.
    """
    client = engine.connect()
    ensure_image(client, spec.version, log)
    running = find(client)
    if running and (running.version != spec.version or running.replicas != spec.replicas):
        log(f"removing the running {running.version} cluster with {running.replicas} replicas")
        compose.down()
    deadline = time.monotonic() + timeout
    log(f"starting RocketMQ {spec.version}: 3 NameServers+controllers, {spec.replicas} brokers, proxy")
    compose.up(spec)
    expected = ready.Expected(brokers=tuple(spec.brokers))
    cluster = Cluster(client, spec.version, spec.replicas)
    try:
        roles = ready.wait(lambda: ready.check_roles(client, expected), max(deadline - time.monotonic(), 1))
        log("controllers have a leader; broker-a has a master and a full SyncStateSet")
        ready.wait(lambda: ready.create_topics(client, roles), max(deadline - time.monotonic(), 1))
        ready.wait(lambda: ready.check_topics(client, expected), max(deadline - time.monotonic(), 1))
        log("every replica has the workload topics")
        ready.wait(lambda: ready.check_proxy(cluster.proxy_access), max(deadline - time.monotonic(), 1))
    except ready.NotReady as exc:
        raise ClusterNotReady(exc.node, exc.reason, ready.log_tail(client, exc.node)) from None
    log("proxy answers")
    return cluster


def current() -> Cluster:
    """The running cluster; LookupError if there is none."""
    cluster = find(engine.connect())
    if cluster is None:
        raise LookupError("no chaoskit cluster is running: start one with `chaoskit up`")
    return cluster
