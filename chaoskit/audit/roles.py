"""What a file configures, from the keys in it (and, for a file with no telling key, its name).

A NameServer file names `enableControllerInNamesrv` when it embeds a
controller (5.5.0 NamesrvStartup reads the controller's keys only then); a
standalone controller file (ControllerStartup) has controller keys and no
NameServer or broker key; a broker file names its group, its store or its
controller mode; a proxy file names the proxy's cluster, mode or ports, or
is JSON (ProxyStartup -pc) named for the proxy.
"""
from __future__ import annotations

from pathlib import Path

from chaoskit.audit.model import Entry

_BROKER = {"brokerName", "brokerClusterName", "brokerId", "brokerRole", "enableControllerMode", "controllerAddr",
           "storePathRootDir", "storePathCommitLog", "brokerIP1", "haListenPort", "allAckInSyncStateSet",
           "flushDiskType", "deleteWhen", "fileReservedTime"}
_PROXY = {"rocketMQClusterName", "proxyMode", "grpcServerPort", "remotingListenPort"}
_CONTROLLER = {"controllerDLegerPeers", "controllerDLegerSelfId", "controllerDLegerGroup", "controllerType",
               "controllerStorePath"}
_BY_NAME = ("namesrv", "controller", "broker", "proxy")


def recognise(path: Path, entries: tuple[Entry, ...], fmt: str) -> str | None:
    """namesrv | controller | broker | proxy, or None when nothing says RocketMQ."""
    keys = {e.key for e in entries}
    if fmt == "json":  # only the proxy reads JSON; another JSON file in a folder is not RocketMQ's
        return "proxy" if keys & _PROXY or (keys and "proxy" in path.name.lower()) else None
    if "enableControllerInNamesrv" in keys:
        return "namesrv"
    if keys & _BROKER:
        return "broker"
    if keys & _PROXY:
        return "proxy"
    if keys & _CONTROLLER:
        return "controller"
    if keys:
        return next((role for role in _BY_NAME if role in path.name.lower()), None)
    return None
