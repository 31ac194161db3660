"""Why the cluster did not recover, from the run's own logs (docs/diagnosis.md, "When the cluster does not recover").

After the last fault healed, a run waits for every broker group to have a
master and a full SyncStateSet; a run that waited in vain is incomplete and
its verdict UNKNOWN (chaoskit/completeness.py). Whether that is RocketMQ's
doing is for the logs to say. The events that say it:

- `sync_state_set_refused`: the controller refusing the master's request to
  take a replica back into the SyncStateSet, with its reason ("the replicas
  {X} don't alive"), again and again;
- `broker_inactive`: when the controller last took that replica for dead
  (its heartbeat expired), and which fault was on then;
- `broker_registered`: whether the controller counted it alive again after that;
- `replica_offset`: how far the replica had the master's log (it was there and following);
- `controller_elect_failed`: elections after it that found no master.

Pure: events, the run's meta and faults in, a `NoRecovery` out.
"""
from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass

from chaoskit.checker.faults import Fault
from chaoskit.diagnosis.events import (
    BROKER_INACTIVE,
    BROKER_REGISTERED,
    CONTROLLER_ELECT_FAILED,
    REPLICA_OFFSET,
    SYNC_STATE_SET_REFUSED,
    Event,
    repeats,
)
from chaoskit.diagnosis.windows import clock

_NOT_ALIVE = re.compile(r"the replicas \{(?P<replica>[^}]*)\} don't alive")


@dataclass(frozen=True)
class Refused:
    """One replica the controller kept out of the SyncStateSet, with the evidence."""

    broker: str                     # the replica's node (else as the controller named it)
    replica: str                    # as the controller named it: an address (5.0, 5.1) or "broker id N" (5.2+)
    controller: str                 # the node whose log refused
    reason: str                     # the controller's words
    refusals: int                   # log records refusing it, from first_ts on
    first_ts: float
    expired_ts: float | None        # the controller's last expiry of its heartbeat before the refusals
    expired_during: str             # the fault on in that logged second, with its times ("" when none)
    registered_ts: float | None     # the controller counted it alive again after the expiry (None: never, or no expiry)
    replicated_to: int | None       # the last offset its HA client reported
    replicated_ts: float | None     # when it first reported that offset
    no_master_ts: tuple[float, ...]  # elections after the expiry that found no master


@dataclass(frozen=True)
class NoRecovery:
    explanation: str                # what the logs show kept the cluster from recovering, in words
    refused: tuple[Refused, ...]

    def as_dict(self) -> dict:
        return {"explanation": self.explanation,
                "refused": [{**asdict(r), "no_master_ts": list(r.no_master_ts)} for r in self.refused]}


def explain(events: Sequence[Event], meta: Mapping[str, str], faults: Sequence[Fault]) -> NoRecovery | None:
    """What the `events` (in time order) show of a recovery that failed; None when the run's meta
    does not say it failed (`recovery_complete` 'false')."""
    if meta.get("recovery_complete") != "false":
        return None
    names = {ip: node for node, ip in json.loads(meta.get("topology") or "{}").items()}
    refusals: dict[str, list[Event]] = {}
    for e in events:
        if e.kind == SYNC_STATE_SET_REFUSED and (m := _NOT_ALIVE.search(e.detail)) is not None:
            refusals.setdefault(_replica(m["replica"]), []).append(e)
    refused = [r for replica, found in refusals.items()
               if (r := _refused(replica, found, events, names, faults)) is not None]
    if not refused:
        return NoRecovery("the logs read show no refusal by the controller that explains it", ())
    return NoRecovery(" ".join(_sentence(r) for r in refused), tuple(refused))


def _replica(named: str) -> str:
    """A replica as the controller names it in a refusal: an address, or (5.2+) a broker id."""
    return f"broker id {named}" if re.fullmatch(r"-?\d+", named) else named


def _subject(detail: str) -> str | None:
    """The broker an expiry or a registration names: its address (5.0, 5.1) or broker id (5.2+)."""
    if (m := re.search(r"brokerAddr=(\S+?:\d+)", detail)) is not None:
        return m[1]
    if (m := re.search(r"brokerId=(-?\d+)", detail)) is not None:
        return f"broker id {m[1]}"
    return None


def _refused(replica: str, found: list[Event], events: Sequence[Event], names: Mapping[str, str],
             faults: Sequence[Fault]) -> Refused | None:
    """The case of one replica: its refusals after the controller last took it for dead (all of them
    when the logs show no expiry); None when none came after that expiry."""
    expiries = [e for e in events if e.kind == BROKER_INACTIVE and _subject(e.detail) == replica and e.ts <= found[-1].ts]
    expired = expiries[-1] if expiries else None
    since = [e for e in found if expired is None or e.ts >= expired.ts]
    if not since:
        return None
    broker = names.get(replica.rsplit(":", 1)[0], replica)
    after = [] if expired is None else [e for e in events if e.ts >= expired.ts]
    registered = [e.ts for e in after if e.kind == BROKER_REGISTERED and _subject(e.detail) == replica]
    progress = [e for e in events if e.kind == REPLICA_OFFSET and e.broker == broker]
    # the fault on in the expiry's logged second (log times are whole seconds: the floor of the true time)
    on = [f for f in faults if expired is not None and f.start_ts < expired.ts + 1
          and (f.end_ts is None or f.end_ts >= expired.ts)]
    first = since[0]
    return Refused(
        broker=broker, replica=replica, controller=first.broker,
        reason=_NOT_ALIVE.search(first.detail)[0], refusals=sum(repeats(e) for e in since), first_ts=first.ts,
        expired_ts=None if expired is None else expired.ts,
        expired_during=_fault(on[0]) if on else "",
        registered_ts=registered[0] if registered else None,
        replicated_to=progress[-1].to_offset if progress else None,
        replicated_ts=progress[-1].ts if progress else None,
        no_master_ts=tuple(e.ts for e in after if e.kind == CONTROLLER_ELECT_FAILED))


def _fault(f: Fault) -> str:
    until = "never healed" if f.end_ts is None else f"to {clock(f.end_ts)}"
    return f"the {f.name} of {f.target} was on from {clock(f.start_ts)} {until}"


def _sentence(r: Refused) -> str:
    """One replica's case in words, every fact with its time and the node whose log said it."""
    text = (f"from {clock(r.first_ts)} on, the controller refused {r.refusals:,} time{'s' * (r.refusals != 1)} "
            f"to take {r.broker} back into the SyncStateSet ({r.controller}'s log: '{r.reason}')")
    if r.replicated_to is not None:
        text += (f", although {r.broker} had the master's log up to offset {r.replicated_to:,} "
                 f"(its HA client's report from {clock(r.replicated_ts)} on)")
    text += "."
    if r.expired_ts is not None:
        text += (f" The controller had taken {r.broker} for dead at {clock(r.expired_ts)} (its heartbeat expired"
                 + (f"; {r.expired_during}" if r.expired_during else "") + ")")
        text += (f", and {r.broker} never registered with it again" if r.registered_ts is None
                 else f"; {r.broker} registered with it again at {clock(r.registered_ts)}")
        if r.no_master_ts:
            text += (f"; {len(r.no_master_ts)} election{'s' * (len(r.no_master_ts) != 1)} after that found no master "
                     f"({', '.join(clock(t) for t in r.no_master_ts)})")
        text += "."
    return text
