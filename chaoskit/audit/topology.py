"""Who runs where, on which ports and store paths, as RocketMQ 5.5.0 derives them from a file.

Defaults and arithmetic (5.5.0 sources):
- NameServer port 9876 unless listenPort (NamesrvStartup: nettyServerConfig.setListenPort(9876)
  before the file is applied). A DLedger controller, embedded or standalone, listens on its
  own peer address only: DLedgerRpcNettyService (dledger 0.3.2, which 5.5.0 ships) sets the
  NettyServerConfig it is given to that port, so a standalone controller's listenPort
  (ControllerStartup's 19876) binds nothing.
- Broker port 10911 unless listenPort (BrokerStartup.configFileToConfigContext); its fast
  remoting server listens on listenPort - 2 (BrokerController.initializeRemotingServer); its
  HA port is haListenPort, which configFileToConfigContext first sets to 0, and
  buildBrokerController then replaces a value <= 0 by listenPort + 1.
- Store: storePathRootDir defaults to ${user.home}/store, storePathCommitLog to
  <storePathRootDir>/commitlog (MessageStoreConfig).
- An embedded or standalone DLedger controller serves brokers on its DLedger peer address
  (DLedgerController.getRemotingServer() is the DLedger server's), and keeps its data in
  <controllerStorePath>/dledger-<selfId> (DLedgerConfig.getDefaultPath), so peers differ
  there by their ids.
"""
from __future__ import annotations

from dataclasses import dataclass

from chaoskit.audit.known_keys import KnownKeys
from chaoskit.audit.model import ConfigFile
from chaoskit.audit.values import apply

LOOPBACK = "127.0.0.1"
NAMESRV_PORT, BROKER_PORT = 9876, 10911
DEFAULT_STORE = "${user.home}/store"


@dataclass(frozen=True)
class Peer:
    id: str
    addr: str          # host:port, loopback spelled 127.0.0.1


def norm_addr(addr: str) -> str:
    """host:port with any loopback host written 127.0.0.1 (they all reach the same host); an
    address without a port as written."""
    host, sep, port = addr.strip().rpartition(":")
    if not sep:
        return addr.strip()
    if host in ("localhost", "::1", "[::1]") or host.startswith("127."):
        host = LOOPBACK
    return f"{host}:{port}"


def port_of(addr: str) -> int | None:
    """The port of host:port; None when there is none (RocketMQ cannot connect to such an address)."""
    port = addr.rpartition(":")[2].strip()
    return int(port) if ":" in addr and port.isdigit() else None


def split_addrs(text: str | None) -> list[str]:
    """'a:1;b:2' -> ['a:1', 'b:2'] (brokers split namesrvAddr and controllerAddr on ';')."""
    return [norm_addr(a) for a in (text or "").split(";") if a.strip()]


def parse_peers(text: str | None) -> list[Peer]:
    """'n0-127.0.0.1:9878;n1-...' -> peers (DLedger's id-address;... format)."""
    peers = []
    for item in (text or "").split(";"):
        peer_id, sep, addr = item.strip().partition("-")
        if sep:
            peers.append(Peer(peer_id, norm_addr(addr)))
    return peers


def host(addr: str) -> str:
    return addr.rpartition(":")[0]


@dataclass(frozen=True)
class Node:
    """One file read as the RocketMQ process it configures."""

    file: ConfigFile
    known: KnownKeys

    @property
    def role(self) -> str:
        return self.file.role

    def value(self, key: str) -> str | None:
        """The value the setter receives; None when the key is absent or RocketMQ ignores it."""
        entry = self.file.values.get(key)
        return apply(entry.value, self.known.types(self.role, key)).value if entry else None

    def flag(self, key: str) -> bool:
        return self.value(key) == "true"

    def int_value(self, key: str, default: int) -> int:
        value = self.value(key)
        return int(value) if value is not None else default

    @property
    def runs_controller(self) -> bool:
        return self.role == "controller" or (self.role == "namesrv" and self.flag("enableControllerInNamesrv"))

    @property
    def peers(self) -> list[Peer]:
        return parse_peers(self.value("controllerDLegerPeers"))

    @property
    def self_peer(self) -> Peer | None:
        me = self.value("controllerDLegerSelfId")
        return next((p for p in self.peers if p.id == me), None)

    @property
    def host(self) -> str | None:
        """The host the file says this node runs on; None when it does not say.

        A controller's is its own peer address; a broker's its brokerIP1, or the
        loopback host when it reaches every NameServer and controller by loopback.
        """
        if self.role in ("namesrv", "controller"):
            me = self.self_peer
            return host(me.addr) if me else None
        if self.role == "broker":
            if self.value("brokerIP1"):
                return host(norm_addr(self.value("brokerIP1") + ":0"))
            addrs = split_addrs(self.value("namesrvAddr")) + split_addrs(self.value("controllerAddr"))
            if addrs and all(host(a) == LOOPBACK for a in addrs):
                return LOOPBACK
        return None

    def ports(self) -> list[tuple[int, str, str]]:
        """(port, what listens, the key it comes from) for every port this node opens."""
        if self.role == "broker":
            listen = self.int_value("listenPort", BROKER_PORT)
            ha = self.int_value("haListenPort", 0)
            return [(listen, "remoting", "listenPort"), (listen - 2, "fast remoting (listenPort-2)", "listenPort"),
                    (ha if ha > 0 else listen + 1, "HA" if ha > 0 else "HA (listenPort+1)",
                     "haListenPort" if ha > 0 else "listenPort")]
        found = [(self.int_value("listenPort", NAMESRV_PORT), "namesrv", "listenPort")] if self.role == "namesrv" else []
        me = self.self_peer
        if self.runs_controller and me and port_of(me.addr) and (self.value("controllerType") or "DLedger") == "DLedger":
            found.append((port_of(me.addr), "DLedger controller", "controllerDLegerPeers"))
        return found

    def store_paths(self) -> list[tuple[str, str]]:
        """(path, key) of a broker's store root and commit log (a default path keyed as such)."""
        if self.role != "broker":
            return []
        root = self.value("storePathRootDir") or DEFAULT_STORE
        commitlog = self.value("storePathCommitLog") or f"{root.rstrip('/')}/commitlog"
        return [(root.rstrip("/"), "storePathRootDir"), (commitlog.rstrip("/"), "storePathCommitLog")]
