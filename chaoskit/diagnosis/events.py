"""Broker and controller log lines -> events (the kinds are documented in docs/diagnosis.md).

Each pattern is a message format string of RocketMQ 5.0.0-5.5.0, copied from
that release's source (`log.info("...{}...")`), written as a regular
expression; where releases word a message differently, one expression
covers every wording (each noted with the releases that use it). A line that
no pattern knows is counted, never an error.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace

from chaoskit.diagnosis import logline

MASTER_ELECTED = "master_elected"
ROLE_CHANGE = "role_change"
SYNC_STATE_SET_LOCAL = "sync_state_set_local"
SYNC_STATE_SET_CONFIRMED = "sync_state_set_confirmed"
SYNC_STATE_SET_REPORT_FAILED = "sync_state_set_report_failed"
TRUNCATION = "truncation"
HA_CONNECTION = "ha_connection"
HA_ERROR = "ha_error"
CONTROLLER_LEADER = "controller_leader"
CONTROLLER_ELECT = "controller_elect"
CONTROLLER_ELECT_FAILED = "controller_elect_failed"
BROKER_INACTIVE = "broker_inactive"
BROKER_REGISTERED = "broker_registered"
SYNC_STATE_SET_REFUSED = "sync_state_set_refused"
REPLICA_OFFSET = "replica_offset"

KINDS = (MASTER_ELECTED, ROLE_CHANGE, SYNC_STATE_SET_LOCAL, SYNC_STATE_SET_CONFIRMED, SYNC_STATE_SET_REPORT_FAILED,
         TRUNCATION, HA_CONNECTION, HA_ERROR, CONTROLLER_LEADER, CONTROLLER_ELECT, CONTROLLER_ELECT_FAILED,
         BROKER_INACTIVE, BROKER_REGISTERED, SYNC_STATE_SET_REFUSED, REPLICA_OFFSET)

LONG_MAX = 2 ** 63 - 1  # an epoch entry's end offset while it is still open


@dataclass(frozen=True)
class Event:
    """One thing a node's log says happened; `broker` is the node whose log said it."""

    kind: str
    ts: float
    broker: str
    epoch: int | None = None
    from_offset: int | None = None
    to_offset: int | None = None
    detail: str = ""

    def as_dict(self) -> dict:
        return {"kind": self.kind, "ts": self.ts, "broker": self.broker, "epoch": self.epoch,
                "from_offset": self.from_offset, "to_offset": self.to_offset, "detail": self.detail}


@dataclass(frozen=True)
class ParsedLog:
    events: tuple[Event, ...]
    lines: int           # lines read
    matched: int         # lines a pattern knew
    unknown: int         # lines no pattern knew (continuations of multi-line records included)
    whole_seconds: bool  # the log's times are whole seconds


Fields = dict[str, object]
_Build = Callable[[re.Match], Fields]


def _find_int(regex: str, text: str) -> int | None:
    """The first group of `regex` in `text` as an int; None when absent."""
    found = re.search(regex, text)
    return None if found is None else int(found[1])


def _pattern(kind: str, regex: str, build: _Build = lambda m: {}) -> tuple[str, re.Pattern, _Build]:
    return kind, re.compile(regex), build


_EPOCH = r"(?:new Epoch|newMasterEpoch)[:=](\d+)"


def _role_change(m: re.Match) -> Fields:
    own_id = _find_int(r"brokerId=(\d+)", m["rest"])
    return {"epoch": _find_int(_EPOCH, m["rest"]),
            "detail": f"to {m['role']}" + ("" if own_id is None else f" (broker id {own_id})")}


# Broker lines (broker.log and store.log; 5.0.x writes both to broker.log).
BROKER_PATTERNS = (
    # AutoSwitchHAService.changeToMaster / changeToMasterWhenLastRoleIsMaster (5.0.0-5.5.0; "last role" 5.2.0+)
    _pattern(MASTER_ELECTED, r"^Change ha to master success, (?P<last>last role is master, )?newMasterEpoch:(?P<epoch>\d+), "
             r"startOffset:(?P<start>-?\d+)",
             lambda m: {"epoch": int(m["epoch"]), "to_offset": int(m["start"]),
                        "detail": "became master (it already was)" if m["last"] else "became master"}),
    # ReplicasManager.changeToMaster / changeToSlave: "Begin to change to master, brokerName:{}, replicas:{}, new Epoch:{}"
    # (5.0.0-5.5.0); "Begin to change to slave, brokerName={}, replicas={}, brokerId={}" (5.0.0, 5.1.0);
    # "..., brokerId={}, newMasterBrokerId={}, newMasterAddress={}, newMasterEpoch={}" (5.2.0+; recorded on 5.1.1)
    _pattern(ROLE_CHANGE, r"^Begin to change to (?P<role>master|slave)\b(?P<rest>.*)$", _role_change),
    # AutoSwitchHAService.notifySyncStateSetChanged (5.2.0+; recorded on 5.1.1): the set this broker now acts on, not yet confirmed
    _pattern(SYNC_STATE_SET_LOCAL, r"^Notify the syncStateSet has been changed into (?P<set>\[[^\]]*\])",
             lambda m: {"detail": f"local SyncStateSet {m['set']}"}),
    # ReplicasManager.changeSyncStateSet: "SyncStateSet changed from {} to {}" (5.2.0+; recorded on 5.1.1),
    # "Sync state set changed from {} to {}" (5.0.0, 5.1.0): the controller's answer applied
    _pattern(SYNC_STATE_SET_CONFIRMED, r"^(?:SyncStateSet|Sync state set) changed from (?P<old>\[[^\]]*\]) to (?P<new>\[[^\]]*\])",
             lambda m: {"detail": f"SyncStateSet {m['old']} -> {m['new']} (from the controller)"}),
    # ReplicasManager.doReportSyncStateSetChanged: "Error happen when change SyncStateSet, ..." (5.2.0+),
    # "Error happen when change sync state set, ..." (5.0.0, 5.1.0)
    _pattern(SYNC_STATE_SET_REPORT_FAILED, r"^Error happen when change (?:SyncStateSet|sync state set), .*?masterEpoch:(?P<epoch>\d+), "
             r"oldSyncStateSet:(?P<old>\[[^\]]*\]), newSyncStateSet:(?P<new>\[[^\]]*\])",
             lambda m: {"epoch": int(m["epoch"]),
                        "detail": f"report of SyncStateSet {m['old']} -> {m['new']} to the controller failed"}),
    # DefaultMessageStore.truncateDirtyFiles (5.2.0+; recorded on 5.1.1)
    _pattern(TRUNCATION, r"^truncate dirty files to (?P<to>\d+)", lambda m: {"to_offset": int(m["to"])}),
    # AutoSwitchHAClient.doTruncate (5.0.0-5.5.0; the only truncation line of 5.0.0 and 5.1.0)
    _pattern(TRUNCATION, r"^Truncate slave log to (?P<to>\d+) success", lambda m: {"to_offset": int(m["to"])}),
    # DefaultHAService.AcceptSocketService / AutoSwitchHAClient (5.0.0-5.5.0)
    _pattern(HA_CONNECTION, r"^(?P<what>HAService receive new connection, \S+|AutoSwitchHAClient connect to master \S+$|"
             r"AutoSwitchHAClient close connection with master \S+|Read socket < 0)",
             lambda m: {"detail": m["what"]}),
    # AutoSwitchHAConnection / AutoSwitchHAClient / GroupTransferService (5.0.0-5.5.0)
    _pattern(HA_ERROR, r"^(?P<what>processReadEvent error|ha housekeeping, found this connection.*|"
             r"AutoSwitchHAClient connect to master \S+ failed|AutoSwitchHAClient, master not response some time.*|"
             r"Error when ha client process read request.*|State not matched.*|"
             r"Failed to find a consistent point.*|Failed to truncate slave log.*|AutoSwitchHAClient truncate log failed.*|"
             r"transfer message to slave timeout.*)$",
             lambda m: {"detail": m["what"]}),
    # AutoSwitchHAClient / DefaultHAClient.reportSlaveMaxOffset (5.0.0-5.5.0; store.log on 5.1.0+): how far the
    # replica has the master's log; only a changed offset is an event (parse)
    _pattern(REPLICA_OFFSET, r"^Slave report current offset (?P<offset>\d+)$",
             lambda m: {"to_offset": int(m["offset"]), "detail": f"replica has the log up to {int(m['offset']):,}"}),
)

# Controller lines (the NameServers' namesrv.log: the controllers are embedded).
CONTROLLER_PATTERNS = (
    # DLedgerController role change handler (5.0.0-5.5.0)
    _pattern(CONTROLLER_LEADER, r"^Controller (?P<id>\S+) change role to leader",
             lambda m: {"detail": f"controller {m['id']} became leader"}),
    # ReplicasInfoManager.electMaster "Elect new master {} for broker {}" (5.2.0+);
    # DefaultBrokerHeartbeatManager "Broker {}'s master {} shutdown, elect a new master done, result:{}" (5.0.0, 5.1.0);
    # ControllerManager "Elect a new master in broker-set: {} done, result: {}" (5.2.0+; recorded on 5.1.1)
    # the 5.0.0/5.1.x line for an election that found no master (recorded on 5.0.0: newMasterAddress='null', masterEpoch=0)
    _pattern(CONTROLLER_ELECT_FAILED, r"^Broker (?P<name>\S+)'s master \S+ shutdown, elect a new master done, result: ?"
             r"ElectMasterResponseHeader\{newMasterAddress='?null'?,",
             lambda m: {"detail": f"no master elected for {m['name']}"}),
    _pattern(CONTROLLER_ELECT, r"^Elect new master (?P<id>\d+) for broker (?P<name>\S+)",
             lambda m: {"detail": f"elected broker id {m['id']} master of {m['name']}"}),
    _pattern(CONTROLLER_ELECT, r"^(?:Broker (?P<name>\S+)'s master \S+ shutdown, elect a new master done|"
             r"Elect a new master in broker-set: (?P<name2>\S+) done), result: ?(?P<result>.*)$",
             lambda m: {"epoch": _find_int(r"masterEpoch=(\d+)", m["result"]),
                        "detail": f"election for {m['name'] or m['name2']}: {m['result'][:200]}"}),
    # ReplicasInfoManager (5.2.0+)
    _pattern(CONTROLLER_ELECT_FAILED, r"^Failed to elect a new master for broker (?P<name>\S+)",
             lambda m: {"detail": f"no master elected for {m['name']}"}),
    # heartbeat managers: "The broker channel {} expired, brokerInfo {}[, expired {}ms]", "Broker expired, brokerInfo {}, expired {}ms"
    _pattern(BROKER_INACTIVE, r"^(?:The broker channel .*? expired|Broker expired), brokerInfo (?P<info>.*?)(?:, expired (?P<ms>\d+)ms)?$",
             lambda m: {"detail": f"heartbeat expired: {m['info'][:200]}"}),
    # DefaultBrokerHeartbeatManager "new broker registered, {}, brokerId:{}" (5.0.0-5.5.0): the controller counts the broker
    # alive again: on its registration (5.0.0), on its first heartbeat after none (5.1.0+). NameServers word their own
    # route registration alike but end it with "HAService: ...", not a broker id.
    _pattern(BROKER_REGISTERED, r"^new broker registered, (?P<info>.*), brokerId:(?P<id>-?\d+)$",
             lambda m: {"detail": f"registered with the controller: {m['info'][:200]}, broker id {m['id']}"}),
    # ReplicasInfoManager.alterSyncStateSet "Rejecting alter syncStateSet request because ..." (5.0.0-5.5.0): e.g.
    # "the replicas {%s} don't alive" (an address on 5.0/5.1, a broker id on 5.2+); repeats folded (xN)
    _pattern(SYNC_STATE_SET_REFUSED, r"^Rejecting alter syncStateSet request because (?P<reason>.*)$",
             lambda m: {"detail": f"SyncStateSet change refused: {m['reason'][:200]}"}),
)


def patterns_for(node: str) -> tuple[tuple[str, re.Pattern, _Build], ...]:
    """Brokers' logs get the broker patterns, NameServers' (embedded controllers) the controller ones."""
    if node.startswith("broker"):
        return BROKER_PATTERNS
    if node.startswith(("namesrv", "controller")):
        return CONTROLLER_PATTERNS
    return ()


# Broker lines read for a truncation's context, never events of their own.
_NO_TRUNCATE = re.compile(r"^no need to truncate files, truncate offset is (?P<to>\d+)")
_LOCAL_EPOCHS = re.compile(r"^local epoch entries is (?P<entries>.*)$")
# AutoSwitchHAService.changeToSlave (5.0.0-5.5.0; store.log on 5.1.0+): the epoch the node joins as slave
_SLAVE_OF_EPOCH = re.compile(r"^Change ha to slave success, newMasterAddress:\S+, newMasterEpoch:(?P<epoch>\d+)")
_CONTEXT = (_NO_TRUNCATE, _LOCAL_EPOCHS, _SLAVE_OF_EPOCH)


def known(node: str, message: str) -> bool:
    """Whether the parser reads this message of `node`'s log: a pattern's, or a broker's line it reads
    for a truncation's context (`local epoch entries is`, `no need to truncate files`)."""
    if node.startswith("broker") and any(regex.match(message) for regex in _CONTEXT):
        return True
    return any(regex.match(message) for _, regex, _ in patterns_for(node))


def parse(node: str, lines: Iterable[str], utc_offset_hours: float) -> ParsedLog:
    """Every event one node's log holds, in the log's order.

    A truncation's `from_offset` is the end of the node's log before it,
    read from the `local epoch entries is [...]` line the HA client writes first
    (5.1.1+; None when absent); its `epoch` the one the node joined as slave
    (`Change ha to slave success, ..., newMasterEpoch:E` before it, all
    releases; else `merge` fills it in). A `truncate dirty files to X`
    followed by `no need to truncate files` cut nothing and is dropped.
    """
    patterns = patterns_for(node)
    events: list[Event] = []
    read = matched = 0
    whole_seconds = False
    log_end: int | None = None
    slave_of: int | None = None  # the epoch of the node's last `Change ha to slave success`
    reported: int | None = None  # the offset of the node's last replica_offset event: the same again says nothing new
    for raw in lines:
        read += 1
        line = logline.split(raw, utc_offset_hours)
        if line is None:
            continue
        whole_seconds = whole_seconds or line.whole_seconds
        msg = line.message
        if node.startswith("broker"):
            if (m := _LOCAL_EPOCHS.match(msg)) is not None:
                ends = [int(v) for v in re.findall(r"endOffset=(-?\d+)", m["entries"])]
                log_end = ends[-1] if ends and 0 <= ends[-1] < LONG_MAX else None
                matched += 1
                continue
            if (m := _SLAVE_OF_EPOCH.match(msg)) is not None:
                slave_of = int(m["epoch"])
                matched += 1
                continue
            if (m := _NO_TRUNCATE.match(msg)) is not None:
                matched += 1
                if events and events[-1].kind == TRUNCATION and events[-1].to_offset == int(m["to"]):
                    events.pop()
                continue
        for kind, regex, build in patterns:
            m = regex.match(msg)
            if m is None:
                continue
            matched += 1
            event = Event(kind, line.ts, node, **build(m))
            if kind == REPLICA_OFFSET:
                if event.to_offset == reported:
                    break
                reported = event.to_offset
            if kind == TRUNCATION:
                if _repeats_truncation(events, event):
                    break
                event = _with_bytes(replace(event, from_offset=log_end, epoch=slave_of))
                log_end = None
            events.append(event)
            break
    return ParsedLog(tuple(events), read, matched, read - matched, whole_seconds)


def _repeats_truncation(events: list[Event], event: Event) -> bool:
    """5.1.1+ log a truncation twice (the store's line, then the HA client's): keep the first."""
    return any(e.kind == TRUNCATION and e.to_offset == event.to_offset and event.ts - e.ts <= 2.0 for e in events[-5:])


def _with_bytes(event: Event) -> Event:
    if event.from_offset is None or event.to_offset is None:
        return replace(event, detail="log truncated (its previous end not logged)")
    cut = event.from_offset - event.to_offset
    return replace(event, detail=f"log truncated from {event.from_offset:,} to {event.to_offset:,}: {max(cut, 0):,} bytes")


def merge(logs: Iterable[ParsedLog]) -> list[Event]:
    """Every log's events in time order (stable: a log's own order within a second); a truncation whose
    log did not say the epoch it joined gets the epoch its node last changed role into (its broker.log
    says so, its store.log truncates); repeats collapsed."""
    # Within one (whole) second, controllers' events first: they decide, brokers act on it.
    ordered = sorted((e for log in logs for e in log.events),
                     key=lambda e: (e.ts, e.broker.startswith("broker"), e.broker))
    epochs: dict[str, int] = {}
    out = []
    for e in ordered:
        if e.kind in (ROLE_CHANGE, MASTER_ELECTED) and e.epoch is not None:
            epochs[e.broker] = e.epoch
        elif e.kind == TRUNCATION and e.epoch is None and e.broker in epochs:
            e = replace(e, epoch=epochs[e.broker])
        out.append(e)
    return collapse(out)


FOLDED = (HA_ERROR, SYNC_STATE_SET_REPORT_FAILED, HA_CONNECTION, SYNC_STATE_SET_REFUSED)  # kinds whose repeats fold


def repeats(event: Event) -> int:
    """How many log records a (folded) event stands for: N of its `(xN)`, else 1."""
    found = re.search(r" \(x(\d+)\)$", event.detail) if event.kind in FOLDED else None
    return 1 if found is None else int(found[1])


def collapse(events: Iterable[Event], within: float = 5.0) -> list[Event]:
    """Repeats folded into their first: a report that fails every few seconds, a timeout per
    waiting write. Consecutive events of one node with the same kind and the same detail
    (numbers aside) within `within` seconds of the previous repeat count as one, `(xN)`."""
    out: list[Event] = []
    last: dict[tuple[str, str, str], tuple[int, float, int]] = {}  # key -> (index in out, last ts, count)
    for e in events:
        # a refusal's numbers name the replica refused: refusals of different replicas stay apart
        key = (e.broker, e.kind, e.detail if e.kind == SYNC_STATE_SET_REFUSED else re.sub(r"\d+", "#", e.detail))
        seen = last.get(key)
        if seen is not None and e.ts - seen[1] <= within and e.kind in FOLDED:
            index, _, count = seen
            last[key] = (index, e.ts, count + 1)
            first = out[index]
            out[index] = replace(first, detail=re.sub(r" \(x\d+\)$", "", first.detail) + f" (x{count + 1})")
            continue
        last[key] = (len(out), e.ts, 1)
        out.append(e)
    return out
