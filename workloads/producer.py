"""One producer: a client, a thread that sends on an open-loop schedule, its in-flight sends.

Sends go through the access path's SendClient (workloads/grpc_sender.py,
workloads/remoting/sender.py), which classifies each result. An in-flight slot is taken per send and given back when the
outcome is known; a fifo producer's slots are its message groups, so a
group's next message is sent only after its previous one completed. When
no slot is free at a send's due time the send waits for one: the schedule's
later due times do not move, so the backlog shows as sends invoked late
(`late_sends`, `max_lag`) and as a `send_backlog` event in the ledger; the
producer catches up as soon as slots free.
"""
from __future__ import annotations

import json
import queue
import threading
import time
from collections.abc import Callable
from dataclasses import asdict
from typing import Any

from chaoskit.ledger import EventKind, LedgerWriter
from workloads import payload
from workloads.outcome import IN_FLIGHT_ERROR, INFO, NO_OUTCOME_ERROR, OK, SendClient, Sent
from workloads.ratelimit import Schedule, sleep_until
from workloads.spec import WorkloadSpec
from workloads.stats import Stats

_SLOT_POLL_S = 0.2  # how often a backlogged producer re-checks the stop flag


class ProducerWorker:
    """Producer number `index` of a run (process name `p<index>`)."""

    def __init__(self, index: int, spec: WorkloadSpec, make_client: Callable[[], SendClient], run_id: str,
                 writer: LedgerWriter, stats: Stats) -> None:
        """`make_client` builds this producer's SendClient (of the run's access path, or a test's stub)."""
        self.index = index
        self.name = f"p{index}"
        self._spec = spec
        self._run_id = run_id
        self._schedule: Schedule | None = None
        self._writer = writer
        self._stats = stats
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._in_flight: dict[str, tuple[float, str | None]] = {}  # value -> (invoke_ts, group)
        self._slots: queue.Queue = queue.Queue()
        self._make_client = make_client
        self._client: Any = None
        self._deadline = 0.0
        self._thread = threading.Thread(target=self._send_loop, name=f"producer-{self.name}", daemon=True)
        self._reaper = threading.Thread(target=self._reap_loop, name=f"reaper-{self.name}", daemon=True)
        self._finished = False
        self._backlog: list | None = None  # [start ts, sends that waited] of an open backlog episode
        self.sent = 0

    def start_client(self) -> None:
        """Start the client (route lookup, settings); raises if it cannot."""
        self._client = self._make_client()
        self._deadline = self._client.deadline
        self._client.startup()
        if self._spec.fifo:
            for g in range(self._spec.fifo_groups):
                self._slots.put(f"{self.name}-g{g}")
        else:
            slots = max(1, self._spec.max_in_flight // self._spec.producers)
            for _ in range(min(slots, self._client.concurrency or slots)):
                self._slots.put(None)

    def start(self, schedule: Schedule) -> None:
        """Begin following `schedule` (its first send is due at schedule.start)."""
        self._schedule = schedule
        self._thread.start()
        self._reaper.start()

    def stop(self) -> None:
        """Send nothing more (sends in flight still get their outcome)."""
        self._stop.set()

    def finish(self) -> None:
        """Wait for the sender thread and every in-flight outcome, then shut the client down (once)."""
        self._stop.set()
        if self._finished:
            return
        self._finished = True
        if self._thread.is_alive():
            self._thread.join()
        until = time.time() + self._deadline
        while self._in_flight and time.time() < until:
            time.sleep(0.05)
        self._expire(time.time() + self._deadline + 1)  # whatever is left never answered
        if self._reaper.is_alive():
            self._reaper.join()
        if self._client is not None:
            self._client.shutdown()

    # -- sending ---------------------------------------------------------

    def _send_loop(self) -> None:
        spec, schedule, i = self._spec, self._schedule, 0
        assert schedule is not None
        body_size, total = spec.size, schedule.count()
        while i < total and sleep_until(schedule.due(i), self._stop):
            slot = self._take_slot()
            if slot is _STOPPED:
                break
            value = payload.value_of(self.index, i)
            body = payload.encode(value, self._run_id, body_size)
            invoke_ts = time.time()
            self._stats.invoked(max(0.0, invoke_ts - schedule.due(i)))
            with self._lock:
                self._in_flight[value] = (invoke_ts, slot)
            # The row goes in before the send leaves, so no delivery can be committed
            # without its send (the writer commits in order); the outcome amends it.
            self._writer.add("sends", {
                "value": value, "process": self.name, "group_key": slot, "invoke_ts": invoke_ts,
                "complete_ts": None, "outcome": INFO, "message_id": None, "error": IN_FLIGHT_ERROR,
                "topic": spec.topic})
            future = self._client.send(value, body, self._run_id, slot)
            future.add_done_callback(lambda f, v=value: self._complete(v, f.result()))
            i += 1
        self._end_backlog()
        self.sent = i

    def _take_slot(self) -> Any:
        """A free in-flight slot (a message group for fifo); if none is free, waits in a backlog."""
        try:
            slot = self._slots.get_nowait()
            self._end_backlog()
            return slot
        except queue.Empty:
            pass
        if self._backlog is None:
            self._backlog = [time.time(), 0]
        self._backlog[1] += 1
        self._stats.count("backlogged")
        try:
            while not self._stop.is_set():
                try:
                    return self._slots.get(timeout=_SLOT_POLL_S)
                except queue.Empty:
                    continue
            self._end_backlog()
            return _STOPPED
        finally:
            self._stats.count("backlogged", -1)

    def _end_backlog(self) -> None:
        """Record the backlog episode that just ended (sends that each had to wait for a slot)."""
        if self._backlog is None:
            return
        start, waited = self._backlog
        self._backlog = None
        self._writer.add("events", {"ts": start, "kind": EventKind.SEND_BACKLOG, "detail": json.dumps(
            {"producer": self.name, "seconds": round(time.time() - start, 3), "sends_delayed": waited})})

    def _complete(self, value: str, sent: Sent) -> None:
        """Record one send's outcome (once: a send expired by the reaper is only noted)."""
        complete_ts = time.time()
        with self._lock:
            entry = self._in_flight.pop(value, None)
        if entry is None:
            self._writer.add("events", {"ts": complete_ts, "kind": EventKind.LATE_SEND_OUTCOME, "detail": json.dumps(
                {"value": value, **asdict(sent)})})
            return
        self._settle(value, entry[1], complete_ts, sent)

    def _settle(self, value: str, group: str | None, complete_ts: float | None, sent: Sent) -> None:
        """Amend the send's row with its outcome (and where it was stored) and free its slot."""
        self._writer.amend("sends", {"value": value}, {"complete_ts": complete_ts, **asdict(sent)})
        outcome = sent.outcome
        if outcome == OK:
            self._stats.tracker.ack(self.index, int(value.rsplit("-", 1)[1]))
        self._stats.sent(outcome)
        self._slots.put(group)

    # -- sends that never answer -------------------------------------------

    def _reap_loop(self) -> None:
        while not (self._stop.is_set() and not self._thread.is_alive() and not self._in_flight):
            self._expire(time.time())
            time.sleep(1.0)

    def _expire(self, now: float) -> None:
        """Record sends older than the deadline as `info` with no completion time."""
        with self._lock:
            old = [(v, e) for v, e in self._in_flight.items() if now - e[0] > self._deadline]
            for v, _ in old:
                del self._in_flight[v]
        for value, (_, group) in old:
            self._settle(value, group, None, Sent(INFO, error=NO_OUTCOME_ERROR))


_STOPPED = object()  # _take_slot: the producer was stopped while waiting
