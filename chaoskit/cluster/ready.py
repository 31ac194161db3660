"""Readiness: controllers have a leader, broker-a one master and a full
SyncStateSet, every replica has the workload topics, and the Proxy answers a
real send. Retried with tenacity until a deadline; on timeout, the node that
is not ready and the tail of its log."""
from __future__ import annotations

import socket
import time
from collections.abc import Callable
from dataclasses import dataclass

from tenacity import Retrying, retry_if_exception_type, stop_after_delay, wait_fixed

import docker
from chaoskit.cluster import nodes as nodes_mod
from chaoskit.cluster import remoting, topics
from chaoskit.cluster import roles as roles_mod
from chaoskit.cluster.compose import log_file
from chaoskit.cluster.proxy_client import ProxyAccess


class NotReady(Exception):
    def __init__(self, node: str, reason: str) -> None:
        super().__init__(f"{node}: {reason}")
        self.node = node
        self.reason = reason


@dataclass(frozen=True)
class Expected:
    brokers: tuple[str, ...]
    namesrvs: tuple[str, ...] = ("namesrv-0", "namesrv-1", "namesrv-2")
    proxy: str | None = "proxy"   # None: the cluster runs no proxy (access mode remoting)


def check_roles(client: docker.DockerClient, expected: Expected) -> roles_mod.Roles:
    """One probe of the controllers and broker-a; NotReady names the lagging node."""
    found = {n.name: n for n in nodes_mod.list_nodes(client)}
    for name in (*expected.namesrvs, *expected.brokers, *([expected.proxy] if expected.proxy else [])):
        if name not in found:
            raise NotReady(name, "no container")
        if found[name].state != "running":
            raise NotReady(name, f"container is {found[name].state}")
    roles = roles_mod.lookup(list(found.values()))
    if roles.controller_leader is None:
        raise NotReady(expected.namesrvs[0], "the controllers have no leader" + _first(roles.errors))
    if roles.master is None:
        raise NotReady(expected.brokers[0], "broker-a has no master" + _first(roles.errors))
    missing = [b for b in expected.brokers if b not in roles.sync_state_set]
    if missing:
        raise NotReady(missing[0], f"not in broker-a's SyncStateSet {list(roles.sync_state_set)}")
    return roles


def create_topics(client: docker.DockerClient, roles: roles_mod.Roles) -> None:
    """Create the workload topics and groups on broker-a (idempotent, so a refusal is simply retried)."""
    brokers = [n for n in nodes_mod.list_nodes(client) if n.kind == "broker"]
    master = next((n for n in brokers if n.name == roles.master), None)
    if master is None:
        raise NotReady("broker-a", f"its master {roles.master} is not a node of this cluster")
    try:
        topics.create_everywhere(master, [n for n in brokers if n is not master])
    except remoting.RemotingError as exc:
        raise NotReady(master.name, f"did not create the workload topics ({exc})") from None


def check_topics(client: docker.DockerClient, expected: Expected) -> None:
    """Every replica of broker-a has every workload topic and group."""
    found = {n.name: n for n in nodes_mod.list_nodes(client)}
    for name in expected.brokers:
        try:
            missing = topics.missing_on(found[name])
        except (KeyError, remoting.RemotingError) as exc:
            raise NotReady(name, f"cannot list its topics ({exc})") from None
        if missing:
            raise NotReady(name, f"lacks {', '.join(missing)}")


def check_proxy(access: ProxyAccess) -> None:
    """The proxy accepts a connection and acknowledges a real send."""
    host, port = access.endpoint.rsplit(":", 1)
    try:
        socket.create_connection((host, int(port)), timeout=3).close()
    except OSError as exc:
        raise NotReady("proxy", f"gRPC port {access.endpoint} refuses connections ({exc})") from None
    from rocketmq import Message, Producer  # heavy gRPC import, only when needed

    topic = topics.TOPICS["probe"].name
    producer = Producer(access.configuration(request_timeout=5), (topic,), tls_enable=access.tls)
    try:
        producer.startup()
        msg = Message()
        msg.topic = topic
        msg.body = f"probe-{time.time()}".encode()
        producer.send(msg)
    except Exception as exc:  # any failure means "not yet"
        raise NotReady("proxy", f"probe send failed: {str(exc).splitlines()[0][:160]}") from None
    finally:
        try:
            producer.shutdown()
        except Exception:
            pass


def wait(probe: Callable[[], object], timeout: float, interval: float = 1.0):
    """Retry `probe` until it stops raising NotReady or `timeout` seconds pass."""
    for attempt in Retrying(stop=stop_after_delay(timeout), wait=wait_fixed(interval),
                            retry=retry_if_exception_type(NotReady), reraise=True):
        with attempt:
            return probe()


def log_tail(client: docker.DockerClient, node: str, lines: int = 15) -> str:
    """The last lines of a node's RocketMQ log, else of its container output."""
    path = log_file(node)
    if path is not None and path.is_file():
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    try:
        c = next(c for c in client.containers.list(all=True, filters={"label": f"io.chaoskit.node={node}"}))
        return c.logs(tail=lines).decode(errors="replace")
    except (StopIteration, docker.errors.DockerException):
        return "(no log)"


def _first(errors: tuple[str, ...]) -> str:
    return f" ({errors[-1]})" if errors else ""
