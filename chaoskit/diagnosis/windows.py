"""Lost values -> the mechanism that lost them, with the log evidence (docs/diagnosis.md, "Windows").

A window is a span of time in which an acknowledged write could be lost by a
mechanism the events show. Three are known, all following a truncation: a
broker that was master in epoch E-1 rejoins as slave of the master of epoch E
and cuts its log back to where epoch E began (`to_offset` = the new master's
start offset), so whatever it had beyond that is gone from every log.

- `stale_master_ack`: acknowledged by the old master after the new master's
  promotion began (its `Begin to change to master` line, else its election
  line) and before the old master's truncation (not merely its `Begin to
  change to slave`: it still acknowledged writes a second after that line in
  store/stale-master/20261207T030428). In 5.4.0+ the old master acknowledges
  these alone (docs/run.md, "What chaoskit found").
- `unreplicated_at_failover`: acknowledged before the promotion, while the
  faults that led to it were on, by a master whose replica did not have them
  (e.g. `allAckInSyncStateSet=false` with the replication link cut).
- `queue_offset_reused`: not cut but never delivered. The new master writes
  from its start offset on, so its queue positions repeat those of the
  values the old master cut; where consumers had already received a cut
  value, their offsets are past that position and the new value written
  there is skipped. Known only by position: the value's queue and queue
  offset are those of a delivered value a truncation cut.

The first two take only values missing from the final read (a value the
final read found was not cut); the third only values the final read found.
A value is attributed by the time its send was acknowledged (the earliest
`ok` row's `complete_ts`, taken on the same clock as the logs, after the
broker acknowledged), with the log times' resolution as slack where a window
ends at a logged moment (a whole second is the floor of the true time); when the
send recorded its commit-log position, a truncation window takes it only if
the position is at or beyond the truncation point (below it, the new master
holds it). Each value goes to the first window that takes it; what none
takes is `unexplained`.
"""
from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from chaoskit.checker.faults import Fault
from chaoskit.diagnosis.events import (
    MASTER_ELECTED,
    ROLE_CHANGE,
    SYNC_STATE_SET_LOCAL,
    SYNC_STATE_SET_REPORT_FAILED,
    TRUNCATION,
    Event,
)

STALE_MASTER_ACK = "stale_master_ack"
UNREPLICATED_AT_FAILOVER = "unreplicated_at_failover"
QUEUE_OFFSET_REUSED = "queue_offset_reused"
EXAMPLES = 5


@dataclass(frozen=True)
class LostValue:
    value: str
    ack_ts: float | None            # the earliest ok send's complete_ts
    commitlog_offset: int | None    # where the acknowledging broker put it, if the client said
    queue: str | None = None        # "<broker name>/<queue id>", if the client said
    queue_offset: int | None = None
    in_final_read: bool | None = None   # None: the final read was not checked
    delivered: bool = False         # a consumer received it before it went missing

    @property
    def position(self) -> tuple[str, int] | None:
        """Its queue and queue offset; None when the client did not say."""
        return None if self.queue is None or self.queue_offset is None else (self.queue, self.queue_offset)


@dataclass(frozen=True)
class Window:
    kind: str
    start_ts: float
    end_ts: float
    broker: str                     # the broker that acknowledged the values (and cut them, but for queue_offset_reused)
    explanation: str
    lost_values: int
    examples: tuple[str, ...]
    by_position: bool               # every value taken had a commit-log position at or beyond the cut

    def as_dict(self) -> dict:
        return {"kind": self.kind, "start_ts": self.start_ts, "end_ts": self.end_ts, "broker": self.broker,
                "explanation": self.explanation, "lost_values": self.lost_values,
                "examples": list(self.examples), "by_position": self.by_position}


@dataclass(frozen=True)
class Attribution:
    windows: tuple[Window, ...]
    unexplained: tuple[str, ...]


def clock(ts: float) -> str:
    """A time as the windows' explanations print it."""
    return time.strftime("%H:%M:%S", time.gmtime(ts)) + " UTC"


def attribute(events: Sequence[Event], lost: Iterable[LostValue], faults: Sequence[Fault],
              slack: float) -> Attribution:
    """Windows over `events` (sorted by time) that take the `lost` values; see the module doc."""
    pending = sorted(lost, key=lambda v: (v.ack_ts is None, v.ack_ts or 0.0, v.value))
    windows: list[Window] = []
    # a truncation whose log already ended at the cut (5.3.3 logs such) lost nothing
    for cut in (e for e in events if e.kind == TRUNCATION and e.to_offset is not None and e.from_offset != e.to_offset):
        election = _election(events, cut, slack)
        if election is None:
            continue
        begin = _promotion_began(events, election)
        cut_away: list[LostValue] = []
        # A log's time is at most `slack` early (a whole second is its floor), and a client learns of an
        # acknowledgement after the broker gave it: acknowledged before `begin` is before the promotion
        # for certain, up to the truncation's time plus the slack may be before it.
        for kind, start, end in ((UNREPLICATED_AT_FAILOVER, _faults_began(faults, begin), begin),
                                 (STALE_MASTER_ACK, begin, cut.ts + slack)):
            if start is None or end <= start:
                continue
            taken = [v for v in pending if _cut_takes(v, start, end, cut.to_offset)]
            if taken:
                pending = _without(pending, taken)
                cut_away += taken
                windows.append(_window(kind, start, end, cut, election, begin, taken, events))
        # the positions the cut emptied after a consumer had read them: the consumers' offsets are past them
        read_then_cut = {v.position for v in cut_away if v.delivered and v.position is not None}
        skipped = [v for v in pending if v.in_final_read and not v.delivered and v.position in read_then_cut
                   and v.ack_ts is not None and v.ack_ts >= begin]
        if skipped:
            pending = _without(pending, skipped)
            windows.append(_window(QUEUE_OFFSET_REUSED, begin, max(v.ack_ts or begin for v in skipped),
                                   cut, election, begin, skipped, events))
    return Attribution(tuple(windows), tuple(sorted(v.value for v in pending)))


def _without(values: list[LostValue], taken: list[LostValue]) -> list[LostValue]:
    gone = set(taken)
    return [v for v in values if v not in gone]


def _election(events: Sequence[Event], cut: Event, slack: float) -> Event | None:
    """The election the truncation follows: the latest one of another broker before it,
    preferring one whose start offset is the truncation point."""
    before = [e for e in events if e.kind == MASTER_ELECTED and e.broker != cut.broker and e.ts <= cut.ts + slack]
    same_point = [e for e in before if e.to_offset == cut.to_offset]
    return (same_point or before or [None])[-1]


def _promotion_began(events: Sequence[Event], election: Event) -> float:
    began = [e.ts for e in events if e.kind == ROLE_CHANGE and e.broker == election.broker
             and e.detail.startswith("to master") and e.epoch == election.epoch and e.ts <= election.ts]
    return began[-1] if began else election.ts


def _faults_began(faults: Sequence[Fault], at: float) -> float | None:
    """When the faults that led to `at` began: the earliest start among the faults on at `at`
    and, transitively, those overlapping them (a cut, then a kill while it was on); None if
    no fault was on."""
    on = [f.start_ts for f in faults if f.contains(at)]
    if not on:
        return None
    start = min(on)
    while True:
        earlier = [f.start_ts for f in faults if f.start_ts < start and f.contains(start)]
        if not earlier:
            return start
        start = min(earlier)


def _cut_takes(v: LostValue, start: float, end: float, cut_at: int) -> bool:
    """A value a truncation can have cut: acknowledged in the span, not found by the final read,
    and (when known) placed at or beyond the truncation point."""
    if v.ack_ts is None or not start <= v.ack_ts <= end or v.in_final_read:
        return False
    return v.commitlog_offset is None or v.commitlog_offset >= cut_at


def _window(kind: str, start: float, end: float, cut: Event, election: Event, begin: float,
            taken: list[LostValue], events: Sequence[Event]) -> Window:
    old_epoch = f"epoch {election.epoch - 1}" if election.epoch is not None else "the previous epoch"
    became = (f"{election.broker} became master of epoch {election.epoch} at offset {election.to_offset:,} "
              f"({clock(begin)}-{clock(election.ts)})")
    cut_text = (f"{cut.broker}'s log truncated from {cut.from_offset:,} to {cut.to_offset:,} at {clock(cut.ts)}"
                if cut.from_offset is not None else f"{cut.broker}'s log truncated to {cut.to_offset:,} at {clock(cut.ts)}")
    broker = cut.broker
    if kind == STALE_MASTER_ACK:
        head = f"acknowledged by {cut.broker} in {old_epoch} after {became}; {cut_text}"
        head += _alone(events, cut.broker, begin, cut.ts)
    elif kind == UNREPLICATED_AT_FAILOVER:
        head = (f"acknowledged by {cut.broker} in {old_epoch} while faults were on, before {became} "
                f"without them; {cut_text}")
    else:  # QUEUE_OFFSET_REUSED: the new master acknowledged and kept them
        broker = election.broker
        head = (f"acknowledged by the new master after {became}, at the queue positions of values the consumers had received "
                f"before {cut_text}; the consumers' offsets were past those positions, so these were never "
                f"delivered (the final read found them)")
    if kind == QUEUE_OFFSET_REUSED:
        by_position, how = True, "each at the queue position of a delivered value the truncation cut"
    else:
        by_position = all(v.commitlog_offset is not None for v in taken)
        how = "commit-log positions at or beyond the cut" if by_position else "by acknowledgement time"
    return Window(kind, start, end, broker, f"{head}: {len(taken):,} values ({how})", len(taken),
                  tuple(v.value for v in taken[:EXAMPLES]), by_position)


def _alone(events: Sequence[Event], broker: str, start: float, end: float) -> str:
    """The old master's own evidence of acknowledging alone: its SyncStateSet shrunk locally, its reports failing."""
    shrunk = [e for e in events if e.kind == SYNC_STATE_SET_LOCAL and e.broker == broker and start - 10 <= e.ts <= end]
    failed = [e for e in events if e.kind == SYNC_STATE_SET_REPORT_FAILED and e.broker == broker and start - 10 <= e.ts <= end]
    parts = []
    if shrunk:
        parts.append(f"{broker} set its {shrunk[0].detail} on its own at {clock(shrunk[0].ts)}")
    if failed:
        parts.append(f"its report to the controller failed ({len(failed)} log record(s) from {clock(failed[0].ts)})")
    return ("; " + ", ".join(parts)) if parts else ""
