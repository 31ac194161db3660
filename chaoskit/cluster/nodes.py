"""The cluster's nodes, found by compose and chaoskit labels (never by name formats)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the node model is pure data; only list_nodes talks to the engine
    import docker

PROJECT = "chaoskit"
NETWORK_SUFFIX = "_chaoskit"
KIND_ORDER = {"namesrv": 0, "broker": 1, "proxy": 2}
NAMESRV_PORT = 9876
BROKER_PORT = 10911
CONTROLLER_PORT = 9878  # the DLedger port: controllers serve broker requests there
PROXY_GRPC_PORT = 8081


@dataclass(frozen=True)
class Node:
    name: str          # e.g. "broker-a-0"
    kind: str          # namesrv | broker | proxy
    container_id: str
    ip: str
    state: str         # running | paused | exited | ...

    @property
    def controller_addr(self) -> str:
        return f"{self.ip}:{CONTROLLER_PORT}"

    @property
    def namesrv_addr(self) -> str:
        return f"{self.ip}:{NAMESRV_PORT}"

    @property
    def broker_addr(self) -> str:
        return f"{self.ip}:{BROKER_PORT}"


def list_nodes(client: docker.DockerClient, project: str = PROJECT) -> list[Node]:
    """Every node container of the project, running or not, in a stable order."""
    found = []
    for c in client.containers.list(all=True, filters={"label": f"com.docker.compose.project={project}"}):
        labels = c.labels
        if "io.chaoskit.node" not in labels:
            continue
        nets = c.attrs.get("NetworkSettings", {}).get("Networks", {}) or {}
        net = nets.get(project + NETWORK_SUFFIX) or next(iter(nets.values()), {})
        ip = net.get("IPAddress") or (net.get("IPAMConfig") or {}).get("IPv4Address") or ""
        found.append(Node(labels["io.chaoskit.node"], labels.get("io.chaoskit.kind", "?"), c.id, ip, c.status))
    return sorted(found, key=lambda n: (KIND_ORDER.get(n.kind, 9), n.name))


def namesrv_addrs(nodes: list[Node]) -> str:
    return ";".join(n.namesrv_addr for n in nodes if n.kind == "namesrv")


def proxy_endpoint(nodes: list[Node]) -> str:
    proxy = next((n for n in nodes if n.kind == "proxy"), None)
    if proxy is None or not proxy.ip:
        raise LookupError("no proxy node in the cluster")
    return f"{proxy.ip}:{PROXY_GRPC_PORT}"
