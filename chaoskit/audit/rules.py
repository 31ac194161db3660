"""The audit's rules: each looks at every file of a deployment and yields findings.

Severity: error = acknowledged messages can be lost, or the deployment cannot
run as written; warn = availability (a single point of failure, no quorum
to spare) or a key RocketMQ ignores; info = harmless but misleading.
Why each rule holds, with the RocketMQ source it rests on: docs/audit.md.
"""
from __future__ import annotations

import difflib
from collections import defaultdict
from collections.abc import Callable, Iterator

from chaoskit.audit.model import Finding
from chaoskit.audit.topology import DEFAULT_STORE, NAMESRV_PORT, Node, port_of, split_addrs
from chaoskit.audit.values import apply, java_trim

Rule = Callable[[list[Node]], Iterator[Finding]]
# Keys whose disagreement between replicas of one group changes what an acknowledgement means
# or breaks replication (the HA protocol copies the commit log byte for byte).
DURABILITY_KEYS = ("allAckInSyncStateSet", "enableControllerMode", "minInSyncReplicas", "inSyncReplicas",
                   "flushDiskType", "mappedFileSizeCommitLog", "syncFlushTimeout", "haMaxGapNotInSync",
                   "enableSlaveActingMaster")


def finding(severity: str, node: Node, key: str, message: str, fix: str) -> Finding:
    return Finding(severity, str(node.file.path), node.file.line(key), key, message, fix)


def values_as_written(nodes: list[Node]) -> Iterator[Finding]:
    """A known key whose value RocketMQ reads otherwise than written (or not at all)."""
    for node in nodes:
        for entry in node.file.entries:
            types = node.known.types(node.role, entry.key)
            if not types:
                continue
            problem = apply(entry.value, types).problem
            if problem:
                trimmed = java_trim(entry.value)
                fix = (f"write {entry.key}={trimmed}, with nothing after the value" if trimmed != entry.value
                       else f"write a value RocketMQ parses as {'/'.join(sorted(types))}")
                yield finding("error", node, entry.key, f"{entry.key}: {problem}; the file says one thing and "
                              "RocketMQ runs another", fix)


def unknown_keys(nodes: list[Node]) -> Iterator[Finding]:
    """A key no configuration class of this role knows: RocketMQ ignores it, the default stays."""
    for node in nodes:
        for entry in node.file.entries:
            if node.known.knows(node.role, entry.key):
                continue
            close = difflib.get_close_matches(entry.key, node.known.keys(node.role), n=1, cutoff=0.6)
            other = next((r for r in ("broker", "namesrv", "controller", "proxy")
                          if r != node.role and node.known.knows(r, entry.key)), None)
            where = f"; it is a {other} key" if other else ""
            yield finding("warn", node, entry.key,
                          f"no {node.role} configuration class of RocketMQ {node.known.version} has '{entry.key}'"
                          f"{where}: RocketMQ ignores it silently and the default stays in force",
                          f"did you mean '{close[0]}'?" if close else "remove it or check its spelling")


def controller_deployed(nodes: list[Node]) -> Iterator[Finding]:
    """Controller-mode brokers need a controller to elect their master."""
    brokers = [n for n in nodes if n.role == "broker"]
    if brokers and not any(n.runs_controller for n in nodes):
        intended = [n for n in nodes if n.role == "namesrv" and n.file.get("enableControllerInNamesrv") is not None]
        node = intended[0] if intended else brokers[0]
        key = "enableControllerInNamesrv" if intended else "controllerAddr"
        yield finding("error", node, key, "no file here starts a controller (embedded with "
                      "enableControllerInNamesrv=true, or standalone): controller-mode brokers never get a master "
                      "and nothing fails over", "set enableControllerInNamesrv=true in each NameServer file with "
                      "the controllerDLeger* keys, or audit the controller files too")


def controllers_agree(nodes: list[Node]) -> Iterator[Finding]:
    """One DLedger group: the same peers and group everywhere, each selfId among them, 3+ peers."""
    controllers = [n for n in nodes if n.runs_controller or n.file.get("controllerDLegerPeers") is not None]
    if not controllers:
        return
    first = controllers[0]
    peers = {p.id: p.addr for p in first.peers}
    for node in controllers[1:]:
        if {p.id: p.addr for p in node.peers} != peers:
            yield finding("error", node, "controllerDLegerPeers", f"controllerDLegerPeers differs from {first.file.name}'s:"
                          " controllers that disagree on the group cannot form one quorum", "write the same "
                          "controllerDLegerPeers in every controller file")
        if node.value("controllerDLegerGroup") != first.value("controllerDLegerGroup"):
            yield finding("error", node, "controllerDLegerGroup", f"controllerDLegerGroup differs from {first.file.name}'s"
                          ": DLedger peers of different groups never vote together", "write one controllerDLegerGroup "
                          "in every controller file")
    running = {n.self_peer.id for n in controllers if n.runs_controller and n.self_peer}
    files = {n.value("controllerDLegerSelfId") for n in controllers}
    for node in controllers:
        if node.self_peer is None:
            yield finding("error", node, "controllerDLegerSelfId", f"controllerDLegerSelfId "
                          f"'{node.value('controllerDLegerSelfId')}' is not one of controllerDLegerPeers "
                          f"({', '.join(peers) or 'none'}): this controller cannot join the group",
                          "set controllerDLegerSelfId to this node's id in controllerDLegerPeers")
    if len(peers) < 3:
        yield finding("warn", first, "controllerDLegerPeers", f"{len(peers)} controller peer(s): a DLedger majority of "
                      f"{len(peers) // 2 + 1} survives no loss, and without a controller no master is elected",
                      "run 3 controllers (or 5) and list them all in controllerDLegerPeers")
    for peer_id, addr in peers.items():
        if peer_id in files and peer_id not in running:
            node = next(n for n in controllers if n.value("controllerDLegerSelfId") == peer_id)
            yield finding("error", node, "enableControllerInNamesrv", f"controller {peer_id} is a peer but this file does"
                          " not start it: the group runs without a spare, and one more loss stops every election",
                          "set enableControllerInNamesrv=true (exactly; nothing after the value)")
        elif peer_id not in files:
            yield finding("info", first, "controllerDLegerPeers", f"peer {peer_id} ({addr}) has no file "
                          "among those audited: it is not checked", "audit every controller's file together")


def _controller_addrs(nodes: list[Node]) -> list[str]:
    """The DLedger addresses of the controllers that run (a peer whose file is not audited counts)."""
    ref = next((n for n in nodes if n.runs_controller), None)
    stopped = {n.value("controllerDLegerSelfId") for n in nodes if n.role == "namesrv" and not n.runs_controller}
    return [p.addr for p in ref.peers if p.id not in stopped] if ref else []


def _namesrv_addrs(nodes: list[Node]) -> list[tuple[str | None, int]]:
    """(host or None when the file does not say, port) of every NameServer."""
    return [(n.host, n.int_value("listenPort", NAMESRV_PORT)) for n in nodes if n.role == "namesrv"]


def brokers_reach_all(nodes: list[Node]) -> Iterator[Finding]:
    """controllerAddr names every controller, namesrvAddr every NameServer."""
    controllers, namesrvs = _controller_addrs(nodes), _namesrv_addrs(nodes)
    for node in (n for n in nodes if n.role == "broker"):
        named = split_addrs(node.value("controllerAddr"))
        if node.flag("enableControllerMode") and not named:
            yield finding("error", node, "controllerAddr", "controller mode without controllerAddr: the broker never "
                          "reaches a controller, so it is never master", "list every controller's DLedger address")
        if controllers and named:
            yield from _coverage(node, "controllerAddr", named, controllers, "controller", "DLedger peer address "
                                 "(embedded controllers answer brokers there, not on the NameServer port)")
        named = split_addrs(node.value("namesrvAddr"))
        if not named:
            yield finding("error", node, "namesrvAddr", "no namesrvAddr: the broker registers with no NameServer and "
                          "no client can route to it", "list every NameServer as host:port;host:port")
        elif namesrvs:
            wanted = [f"{h}:{p}" for h, p in namesrvs if h]
            if len(wanted) == len(namesrvs):
                yield from _coverage(node, "namesrvAddr", named, wanted, "NameServer", "host:listenPort")
            else:  # a NameServer file that does not say its host: compare ports
                ports = {port_of(a) for a in named}
                missing = [p for _, p in namesrvs if p not in ports]
                if missing:
                    yield finding("warn", node, "namesrvAddr", f"no NameServer on port(s) {missing} in namesrvAddr: "
                                  "when the named ones are down the broker registers nowhere",
                                  "list every NameServer in namesrvAddr")


def _coverage(node: Node, key: str, named: list[str], wanted: list[str], what: str, how: str) -> Iterator[Finding]:
    strangers = [a for a in named if a not in wanted]
    if strangers:
        yield finding("error", node, key, f"{key} names {', '.join(strangers)}, where no running {what} listens "
                      f"(they run at {';'.join(wanted)}): the broker cannot reach it there",
                      f"name each {what} by its {how}")
    reached = [a for a in named if a in wanted]
    if reached and len(reached) < len(wanted):
        single = len(reached) == 1
        yield finding("error" if single else "warn", node, key,
                      f"{key} names {len(reached)} of the {len(wanted)} {what}s"
                      + (": a single point of failure, when it is down the broker reaches no " + what
                         if single else ": when those are down the broker reaches no " + what),
                      f"{key}={';'.join(wanted)}")


def addresses_have_ports(nodes: list[Node]) -> Iterator[Finding]:
    """Every address of namesrvAddr, controllerAddr and controllerDLegerPeers is host:port."""
    for node in nodes:
        for key in ("namesrvAddr", "controllerAddr", "controllerDLegerPeers"):
            items = [i.strip() for i in (node.value(key) or "").split(";") if i.strip()]
            addrs = [i.partition("-")[2] for i in items] if key == "controllerDLegerPeers" else items
            bad = [i for i, a in zip(items, addrs) if port_of(a) is None]
            if bad:
                yield finding("error", node, key, f"{key}: no port in {', '.join(bad)}: RocketMQ takes what "
                              "follows the last ':' as the port, so nothing connects there",
                              f"write every address of {key} as host:port")


def broker_durability(nodes: list[Node]) -> Iterator[Finding]:
    """Controller mode and allAckInSyncStateSet on every broker; brokerId/brokerRole are then ignored."""
    for node in (n for n in nodes if n.role == "broker"):
        if not node.flag("enableControllerMode"):
            yield finding("error", node, "enableControllerMode", "enableControllerMode is not true: no controller "
                          "elects a new master when the master dies (default false)", "enableControllerMode=true")
        if not node.flag("allAckInSyncStateSet"):
            said = "absent (default false)" if node.file.get("allAckInSyncStateSet") is None else "not true"
            yield finding("error", node, "allAckInSyncStateSet", f"allAckInSyncStateSet is {said}: the master "
                          "acknowledges once minInSyncReplicas replicas have a write, and a failover onto a replica "
                          "without it loses acknowledged messages", "allAckInSyncStateSet=true")
        if node.flag("enableControllerMode"):
            if node.flag("enableDLegerCommitLog"):
                yield finding("error", node, "enableDLegerCommitLog", "enableControllerMode and enableDLegerCommitLog "
                              "are both true: BrokerStartup exits", "remove enableDLegerCommitLog")
            for key in ("brokerId", "brokerRole"):
                if node.file.get(key) is not None:
                    yield finding("info", node, key, f"{key} is ignored in controller mode: the controller assigns "
                                  "ids and picks the master", f"remove {key}, or leave it as documentation")


def groups_agree(nodes: list[Node]) -> Iterator[Finding]:
    """Replicas of one brokerName: one cluster, the same durability keys, more than one replica."""
    groups: dict[str, list[Node]] = defaultdict(list)
    for node in (n for n in nodes if n.role == "broker"):
        groups[node.value("brokerName") or "(no brokerName)"].append(node)
    for name, replicas in groups.items():
        first = replicas[0]
        if len(replicas) == 1:
            yield finding("error", first, "brokerName", f"group {name} has one replica: nothing to fail over to, "
                          "and a lost disk loses every acknowledged message", "run 2 or 3 replicas of the group, "
                          "each with its own file")
        for node in replicas[1:]:
            for key in ("brokerClusterName", *DURABILITY_KEYS):
                if node.value(key) != first.value(key):
                    yield finding("error", node, key, f"{key}={node.value(key)} here but {first.value(key)} in "
                                  f"{first.file.name}: replicas of {name} must agree (after a failover the other "
                                  "setting rules the group)", f"write the same {key} in every file of {name}")


def clashes(nodes: list[Node]) -> Iterator[Finding]:
    """Two nodes on one host (as their addresses say) with one port or one store path."""
    ports: dict[tuple[str, int], tuple[Node, str]] = {}
    paths: dict[tuple[str, str], Node] = {}
    for node in nodes:
        where = node.host
        if where is None:
            continue
        for port, what, key in node.ports():
            other = ports.setdefault((where, port), (node, what))
            if other[0] is not node:
                yield finding("error", node, key, f"{what} port {port} is also {other[0].file.name}'s {other[1]} port, "
                              f"on the same host ({where}): the second process cannot bind it and stops",
                              "give each node on one host its own listenPort, at least 3 apart for brokers "
                              "(listenPort-2 and listenPort+1 are taken too)")
        for path, key in node.store_paths():
            other_node = paths.setdefault((where, path), node)
            if other_node is not node:
                default = " (the default)" if path.startswith(DEFAULT_STORE) else ""
                yield finding("error", node, key, f"{key} {path}{default} is also {other_node.file.name}'s, on the same "
                              f"host ({where}): two brokers writing one commit log corrupt it, or the second cannot "
                              "lock it and stops", "give each broker on one host its own storePathRootDir and "
                              "storePathCommitLog")


RULES: tuple[Rule, ...] = (values_as_written, unknown_keys, controller_deployed, controllers_agree,
                           addresses_have_ports, brokers_reach_all, broker_durability, groups_agree, clashes)


def check(nodes: list[Node]) -> list[Finding]:
    """Every rule's findings, errors first, then by file and line."""
    found = [f for rule in RULES for f in rule(nodes)]
    order = {"error": 0, "warn": 1, "info": 2}
    return sorted(found, key=lambda f: (order[f.severity], f.file, f.line or 0, f.key))

