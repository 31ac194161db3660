"""One producer: a client, a thread that sends on an open-loop schedule, its in-flight sends.

Sends go through `send_async` (one thread of synchronous sends manages only
about 230/s). An in-flight slot is taken per send and given back when the
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
from concurrent.futures import Future
from typing import Any

from chaoskit.cluster.proxy_client import ProxyAccess
from chaoskit.ledger import EventKind, LedgerWriter
from workloads import payload
from workloads.outcome import (
    IN_FLIGHT_ERROR,
    INFO,
    NO_OUTCOME_ERROR,
    OK,
    Stage,
    classify,
    error_text,
    send_deadline,
)
from workloads.ratelimit import Schedule, sleep_until
from workloads.spec import WorkloadSpec
from workloads.stats import Stats

_SLOT_POLL_S = 0.2  # how often a backlogged producer re-checks the stop flag


class ProducerWorker:
    """Producer number `index` of a run (process name `p<index>`)."""

    def __init__(self, index: int, spec: WorkloadSpec, access: ProxyAccess | None, run_id: str,
                 writer: LedgerWriter, stats: Stats, make_client: Callable[[], Any] | None = None) -> None:
        """`make_client` replaces the RocketMQ Producer (tests and the benchmark pass a stub)."""
        self.index = index
        self.name = f"p{index}"
        self._spec = spec
        self._access = access
        self._run_id = run_id
        self._schedule: Schedule | None = None
        self._writer = writer
        self._stats = stats
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._in_flight: dict[str, tuple[float, str | None]] = {}  # value -> (invoke_ts, group)
        self._slots: queue.Queue = queue.Queue()
        if spec.fifo:
            for g in range(spec.fifo_groups):
                self._slots.put(f"{self.name}-g{g}")
        else:
            for _ in range(max(1, spec.max_in_flight // spec.producers)):
                self._slots.put(None)
        self._make_client = make_client or self._rocketmq_producer
        self._client: Any = None
        self._deadline = 0.0
        self._thread = threading.Thread(target=self._send_loop, name=f"producer-{self.name}", daemon=True)
        self._reaper = threading.Thread(target=self._reap_loop, name=f"reaper-{self.name}", daemon=True)
        self._finished = False
        self._backlog: list | None = None  # [start ts, sends that waited] of an open backlog episode
        self.sent = 0

    def start_client(self) -> None:
        """Start the RocketMQ producer (route lookup, settings); raises if it cannot."""
        from rocketmq import Producer  # heavy gRPC import, only when sending

        self._deadline = send_deadline(self._spec.request_timeout, Producer.DEFAULT_MAX_SEND_ATTEMPTS)
        self._client = self._make_client()
        self._client.startup()

    def _rocketmq_producer(self) -> Any:
        from rocketmq import Producer

        assert self._access is not None
        return Producer(self._access.configuration(self._spec.request_timeout), (self._spec.topic,),
                        tls_enable=self._access.tls)

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
        from rocketmq import Message

        spec, schedule, i = self._spec, self._schedule, 0
        assert schedule is not None
        body_size, total = spec.size, schedule.count()
        while i < total and sleep_until(schedule.due(i), self._stop):
            slot = self._take_slot()
            if slot is _STOPPED:
                break
            value = payload.value_of(self.index, i)
            msg = Message()
            msg.topic = spec.topic
            msg.body = payload.encode(value, self._run_id, body_size)
            msg.keys = value
            msg.tag = self._run_id
            if slot is not None:
                msg.message_group = slot
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
            try:
                future = self._client.send_async(msg)
            except Exception as exc:  # raised before the request left: see outcome.py
                self._complete(value, exc, Stage.INVOKE)
            else:
                future.add_done_callback(lambda f, v=value: self._on_done(v, f))
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

    def _on_done(self, value: str, future: Future) -> None:
        try:
            receipt = future.result()
        except Exception as exc:
            self._complete(value, exc, Stage.COMPLETE)
        else:
            self._complete(value, None, Stage.COMPLETE, receipt.message_id)

    def _complete(self, value: str, exc: BaseException | None, stage: Stage, message_id: str | None = None) -> None:
        """Record one send's outcome (once: a send expired by the reaper is only noted)."""
        complete_ts = time.time()
        with self._lock:
            entry = self._in_flight.pop(value, None)
        outcome = classify(exc, stage)
        error = None if exc is None else error_text(exc)
        if entry is None:
            self._writer.add("events", {"ts": complete_ts, "kind": EventKind.LATE_SEND_OUTCOME, "detail": json.dumps(
                {"value": value, "outcome": outcome, "message_id": message_id, "error": error})})
            return
        self._settle(value, entry[1], complete_ts, outcome, message_id, error)

    def _settle(self, value: str, group: str | None, complete_ts: float | None, outcome: str,
                message_id: str | None, error: str | None) -> None:
        """Amend the send's row with its outcome and free its slot."""
        self._writer.amend("sends", {"value": value}, {
            "complete_ts": complete_ts, "outcome": outcome, "message_id": message_id, "error": error})
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
            self._settle(value, group, None, INFO, None, NO_OUTCOME_ERROR)


_STOPPED = object()  # _take_slot: the producer was stopped while waiting
