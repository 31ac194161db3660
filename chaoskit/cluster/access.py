"""How clients reach the running cluster, per access mode (remoting: NameServers; proxy: its gRPC port)."""
from __future__ import annotations

from dataclasses import dataclass

from chaoskit.cluster.nodes import Node, namesrv_addrs, proxy_endpoint
from chaoskit.cluster.proxy_client import ProxyAccess
from chaoskit.cluster.proxy_client import access as proxy_access


@dataclass(frozen=True)
class RemotingAccess:
    """The official remoting client's way in: the NameServers, which route it to the brokers."""

    namesrv_addr: str   # "ip:9876;ip:9876;..."

    @property
    def endpoint(self) -> str:
        return self.namesrv_addr


Access = ProxyAccess | RemotingAccess


def for_mode(mode: str, nodes: list[Node], version: str) -> Access:
    """The access of `mode` to the cluster of `nodes`; LookupError if it has no such way in."""
    if mode == "proxy":
        return proxy_access(proxy_endpoint(nodes), version)
    addrs = namesrv_addrs([n for n in nodes if n.ip])
    if not addrs:
        raise LookupError("no NameServer node in the cluster")
    return RemotingAccess(addrs)
