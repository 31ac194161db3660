"""A user's own RocketMQ files as the Docker cluster's files (pure: files in, per-node properties out).

Every key of every file is kept as written, except what must change to run
in Docker: addresses (each node has its own address on the cluster network,
and an address in a file is translated to the node it names), ports (the
harness reaches NameServers on 9876, controllers on 9878, brokers on 10911),
store paths (each node's store lives on its /data mount), and the group and
cluster names the harness's readiness checks, topic creation and role lookup
address (broker-a in cluster chaoskit). The Docker cluster's own settings
(docker-compose.yml, RMQ_* variables) stay where the file does not set the
key, and are listed too; a durability key the file leaves to RocketMQ's
default gets that default written, so that the Docker cluster's value does
not stand in for it. Each change is a Rewrite, written to rewrites.json.

The launcher (docker/launch.sh) renders a node's configuration as the
compose variables, then this node's file, then the role's overrides
(`--set`), later keys winning.
"""
from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from pathlib import Path

import yaml

from chaoskit.audit import known_keys
from chaoskit.audit.deployment import read_files
from chaoskit.audit.known_keys import KeysUnavailable, KnownKeys
from chaoskit.audit.model import ConfigFile
from chaoskit.audit.read import BadInput
from chaoskit.audit.topology import (
    NAMESRV_PORT,
    Node,
    norm_addr,
    parse_peers,
    split_addrs,
)
from chaoskit.errors import UsageError
from chaoskit.paths import COMPOSE_FILE

NAMESRVS = ("namesrv-0", "namesrv-1", "namesrv-2")
BROKER = "broker-a"   # the group's nodes are broker-a-0, -1, -2
# A durability key the Docker cluster sets which RocketMQ (5.5.0 MessageStoreConfig) defaults otherwise.
ROCKETMQ_DEFAULTS = {"broker": {"allAckInSyncStateSet": "false"}}


@dataclass(frozen=True)
class Rewrite:
    """One key of one file that runs otherwise in Docker; `old` None: the file does not set it."""

    file: str
    key: str
    old: str | None
    new: str
    why: str

    def to_dict(self) -> dict:
        d = asdict(self)
        return {"file": d["file"], "key": d["key"], "from": d["old"], "to": d["new"], "why": d["why"]}


@dataclass(frozen=True)
class UserConfig:
    """What the Docker cluster runs from the files: node -> properties, and every change made."""

    replicas: int
    nodes: dict[str, dict[str, str]]
    rewrites: tuple[Rewrite, ...]


@dataclass(frozen=True)
class ComposeNode:
    """A service of docker-compose.yml: its address and its RMQ_* properties."""

    ip: str
    env: dict[str, str]


def compose_nodes(variables: Mapping[str, str] | None = None, compose_file: Path = COMPOSE_FILE) -> dict[str, ComposeNode]:
    """Every node of docker-compose.yml with ${VAR:-default} resolved (from `variables`, else the default)."""
    variables = variables or {}
    services = yaml.safe_load(compose_file.read_text())["services"]

    def resolve(value: object) -> str:
        return re.sub(r"\$\{(\w+):-([^}]*)\}", lambda m: variables.get(m.group(1), m.group(2)), str(value))

    return {name: ComposeNode(resolve(svc["networks"]["chaoskit"]["ipv4_address"]),
                              {k[4:]: resolve(v) for k, v in svc.get("environment", {}).items() if k.startswith("RMQ_")})
            for name, svc in services.items()}


def map_files(files: list[ConfigFile], known: KnownKeys, compose: dict[str, ComposeNode]) -> UserConfig:
    """The Docker cluster's per-node properties for `files`; UsageError for what it cannot run."""
    by_role: dict[str, list[Node]] = {r: [] for r in ("namesrv", "controller", "broker", "proxy")}
    for f in files:
        by_role[f.role].append(Node(f, known))
    if by_role["controller"]:
        raise UsageError(f"standalone controller file(s) {_names(by_role['controller'])}: the Docker cluster runs its "
                         "controllers embedded in its 3 NameServers (enableControllerInNamesrv=true)")
    brokers = by_role["broker"]
    if not brokers:
        raise UsageError("no broker file: --config needs the broker files of one group (2 or 3 replicas)")
    groups = sorted({b.value("brokerName") or "" for b in brokers})
    if len(groups) > 1:
        raise UsageError(f"{len(groups)} broker groups ({', '.join(groups)}): the Docker cluster runs one group")
    if len(brokers) not in (2, 3):
        raise UsageError(f"{len(brokers)} broker file(s) of {groups[0]}: the Docker cluster runs 2 or 3 replicas")
    if len(by_role["proxy"]) > 1:
        raise UsageError(f"{len(by_role['proxy'])} proxy files ({_names(by_role['proxy'])}): the Docker cluster runs one")
    not_controller_mode = [b for b in brokers if not b.flag("enableControllerMode")]
    if not_controller_mode:
        raise UsageError(f"{_names(not_controller_mode)} without enableControllerMode=true: the Docker cluster runs "
                         "controller mode only")

    mapper = _Mapper(compose)
    namesrvs = _order_namesrvs(by_role["namesrv"])
    for i, node in enumerate(namesrvs):
        mapper.learn_namesrv(node, i)
    for i, node in enumerate(namesrvs):
        mapper.namesrv(node, NAMESRVS[i])
    for i, node in enumerate(sorted(brokers, key=lambda n: n.file.name)):
        mapper.broker(node, f"{BROKER}-{i}", own_namesrvs=bool(namesrvs))
    for node in by_role["proxy"]:
        mapper.proxy(node, own_namesrvs=bool(namesrvs))
    return UserConfig(len(brokers), mapper.nodes, tuple(mapper.rewrites))


def _names(nodes: list[Node]) -> str:
    return ", ".join(n.file.name for n in nodes)


def _order_namesrvs(namesrvs: list[Node]) -> list[Node]:
    """The NameServer files in their controllers' peer order: peer i runs in namesrv-i."""
    if not namesrvs:
        return []
    peers = parse_peers(namesrvs[0].value("controllerDLegerPeers"))
    if len(namesrvs) != 3 or len(peers) != 3:
        raise UsageError(f"{len(namesrvs)} NameServer file(s) with {len(peers)} controller peer(s): the Docker cluster "
                         "runs 3 NameServers each embedding one of 3 controllers (or give no NameServer file)")
    if not any(n.runs_controller for n in namesrvs):
        raise UsageError(f"no controller runs: none of {_names(namesrvs)} has enableControllerInNamesrv=true, and "
                         "controller-mode brokers never get a master")
    order = [p.id for p in peers]
    mine = [n.value("controllerDLegerSelfId") for n in namesrvs]
    if sorted(mine, key=str) != sorted(order):
        raise UsageError(f"the NameServer files' controllerDLegerSelfId ({', '.join(map(str, mine))}) are not the "
                         f"peers {', '.join(order)} one each")
    return sorted(namesrvs, key=lambda n: order.index(n.value("controllerDLegerSelfId")))


class _Mapper:
    """Builds each node's properties; what Docker must own takes the compose file's value for that node."""

    def __init__(self, compose: dict[str, ComposeNode]) -> None:
        self.compose = compose
        self.nodes: dict[str, dict[str, str]] = {}
        self.rewrites: list[Rewrite] = []
        self.addrs: dict[str, str] = {}       # a file's address (host:port, or :port when no host) -> Docker's
        self.peer_addrs: dict[str, str] = {}  # a controller peer id -> its Docker DLedger address
        docker_peers = parse_peers(compose[NAMESRVS[0]].env["controllerDLegerPeers"])
        self.controllers = [p.addr for p in docker_peers]
        self.namesrvs = [f"{compose[n].ip}:{compose[n].env['listenPort']}" for n in NAMESRVS]

    def docker(self, node: str, key: str, why: str) -> tuple[str, str]:
        return self.compose[node].env[key], why

    def learn_namesrv(self, node: Node, i: int) -> None:
        port = node.int_value("listenPort", NAMESRV_PORT)
        self.addrs[f"{node.host}:{port}" if node.host else f":{port}"] = self.namesrvs[i]
        me = node.self_peer
        if me:
            self.addrs[me.addr] = self.peer_addrs[me.id] = self.controllers[i]

    def namesrv(self, node: Node, name: str) -> None:
        unknown = [p.id for p in node.peers if p.id not in self.peer_addrs]
        if unknown:
            raise UsageError(f"{node.file.name}: controllerDLegerPeers names {', '.join(unknown)}, the selfId of no "
                             "NameServer file")
        peers = ";".join(f"{p.id}-{self.peer_addrs[p.id]}" for p in node.peers)
        fixed = {"listenPort": self.docker(name, "listenPort", "the harness reaches NameServers there"),
                 "controllerDLegerPeers": (peers, "each controller (the same ids) at its node's address"),
                 "controllerStorePath": self.docker(name, "controllerStorePath", "the node's store is on its /data mount")}
        self.emit(node, name, fixed)

    def broker(self, node: Node, name: str, own_namesrvs: bool) -> None:
        fixed = {"brokerName": self.docker(name, "brokerName", "the harness's readiness, topics and role lookup "
                                           "address the group by this name"),
                 "brokerClusterName": self.docker(name, "brokerClusterName", "the harness creates its topics in "
                                                  "this cluster"),
                 "brokerIP1": self.docker(name, "brokerIP1", "the node's address on the cluster network"),
                 "listenPort": self.docker(name, "listenPort", "the harness reaches brokers there"),
                 "haListenPort": self.docker(name, "haListenPort", "the Docker cluster's HA port (listenPort+1)")}
        store = self.compose[name].env["storePathRootDir"]
        for key in node.file.values:
            if key.startswith("storePath"):
                leaf = (node.value(key) or "").rstrip("/").rsplit("/", 1)[-1] or key
                fixed[key] = (store if key == "storePathRootDir" else f"{store}/{leaf}",
                              "the node's store is on its /data mount")
        fixed.update(self.addr_list(node, "namesrvAddr", self.namesrvs, own_namesrvs))
        fixed.update(self.addr_list(node, "controllerAddr", self.controllers, own_namesrvs))
        self.emit(node, name, fixed, defaults=ROCKETMQ_DEFAULTS["broker"])

    def proxy(self, node: Node, own_namesrvs: bool) -> None:
        if (node.value("proxyMode") or "cluster").lower() != "cluster":
            raise UsageError(f"{node.file.name}: proxyMode {node.value('proxyMode')}: the Docker cluster runs the proxy "
                             "in cluster mode")
        fixed = {"rocketMQClusterName": self.docker("proxy", "rocketMQClusterName", "the brokers' cluster, renamed"),
                 "grpcServerPort": self.docker("proxy", "grpcServerPort", "the workloads reach the proxy there"),
                 "remotingListenPort": self.docker("proxy", "remotingListenPort", "the Docker cluster's proxy port")}
        fixed.update(self.addr_list(node, "namesrvAddr", self.namesrvs, own_namesrvs))
        self.emit(node, "proxy", fixed)

    def addr_list(self, node: Node, key: str, docker_all: list[str], own_namesrvs: bool) -> dict[str, tuple[str, str]]:
        """An address list translated node by node (the files' coverage kept), or all three when no NameServer file."""
        if not own_namesrvs:
            return {key: (";".join(docker_all), "no NameServer file: the Docker cluster's 3 NameServers+controllers")}
        named = split_addrs(node.value(key))
        if not named:
            return {}
        out = []
        for addr in named:
            to = self.addrs.get(addr) or self.addrs.get(":" + addr.rpartition(":")[2])
            if to is None:
                raise UsageError(f"{node.file.name}: {key} names {addr}, which is no node of these files: the Docker "
                                 "cluster cannot run it")
            out.append(to)
        return {key: (";".join(out), "the same nodes, at their addresses on the cluster network")}

    def emit(self, node: Node, name: str, fixed: dict[str, tuple[str, str]],
             defaults: Mapping[str, str] | None = None) -> None:
        """The node's properties: the file's, with `fixed` keys replaced; record every change."""
        props: dict[str, str] = {}
        file = str(node.file.path)
        for entry in node.file.entries:
            if entry.key in fixed:
                new, why = fixed[entry.key]
                props[entry.key] = new
                if norm_addr(entry.value) != norm_addr(new) and entry.value.strip() != new:
                    self.rewrites.append(Rewrite(file, entry.key, entry.value, new, why))
            else:
                props[entry.key] = entry.value
        for key, (new, why) in fixed.items():
            if key not in props and new != self.compose[name].env.get(key):
                props[key] = new
                self.rewrites.append(Rewrite(file, key, None, new, why))
        for key, value in (defaults or {}).items():
            if key not in props:
                props[key] = value
                self.rewrites.append(Rewrite(file, key, None, value, "not in the file: RocketMQ's default, written so "
                                             f"that the Docker cluster's {key}={self.compose[name].env.get(key)} does not "
                                             "stand in for it"))
        for key, value in sorted(self.compose[name].env.items()):
            if key not in props:
                why = fixed[key][1] if key in fixed else "the Docker cluster's setting; the file leaves it unset"
                self.rewrites.append(Rewrite(file, key, None, value, why))
        self.nodes[name] = props



def load(path: Path, version: str, variables: Mapping[str, str] | None = None) -> UserConfig:
    """The Docker cluster's files from the RocketMQ files at `path` (a file or folder); UsageError for bad input."""
    try:
        files = read_files([path])
        known = known_keys.load(version)
    except (BadInput, KeysUnavailable) as exc:
        raise UsageError(f"--config: {exc}") from None
    return map_files(files, known, compose_nodes(variables))
