"""Records deliveries: one `receives` row per delivery of this run's messages.

Shared by both consumer kinds. It also keeps what the warm-up and the drain
need to know: which consumers have polled successfully, and when the last
delivery or receive error happened.
"""
from __future__ import annotations

import threading
import time
from typing import Any

from chaoskit.ledger import LedgerWriter
from workloads import payload
from workloads.outcome import error_text
from workloads.stats import Stats


class DeliverySink:
    """Where consumers hand every message they get."""

    def __init__(self, run_id: str, topic: str, writer: LedgerWriter, stats: Stats) -> None:
        self._run_id = run_id
        self._topic = topic
        self._writer = writer
        self._stats = stats
        self._polled: set[str] = set()
        self._polled_changed = threading.Condition()
        self.last_activity = time.time()  # last delivery or receive error (the drain's quiet clock)
        self.last_error = ""

    def deliver(self, process: str, message: Any) -> None:
        """Record one delivered message (a rocketmq Message) if it belongs to this run."""
        ts = time.time()
        found = payload.decode(message.body)
        key = payload.parse_value(found.value) if found and found.run_id == self._run_id else None
        if key is None:
            self._stats.count("foreign")  # another run's message: acknowledged, not recorded
            return
        first = self._stats.tracker.receive(*key)
        self._writer.add("receives", {
            "value": found.value, "process": process, "group_key": message.message_group, "ts": ts,
            "message_id": message.message_id, "topic": self._topic,
            "delivery_attempt": message.delivery_attempt})
        self._stats.delivered(first)
        self.last_activity = ts

    def commit(self) -> None:
        """Wait until every delivery recorded so far is on disk (before a client commits its offset)."""
        self._writer.flush()

    def polled(self, process: str) -> None:
        """A consumer's receive call succeeded (with or without messages)."""
        if process not in self._polled:
            with self._polled_changed:
                self._polled.add(process)
                self._polled_changed.notify_all()

    def ack_failed(self, n: int) -> None:
        """`n` messages of a batch were not acknowledged (they come back after the invisible duration)."""
        self._stats.count("ack_errors", n)

    def receive_failed(self, exc: BaseException) -> None:
        """A consumer's receive (or start) failed with `exc`."""
        self._stats.count("receive_errors")
        self.last_activity = time.time()
        self.last_error = error_text(exc)

    def wait_polled(self, processes: set[str], timeout: float, stop: threading.Event) -> bool:
        """True once every consumer in `processes` has polled successfully."""
        until = time.time() + timeout
        with self._polled_changed:
            while not processes <= self._polled:
                left = until - time.time()
                if left <= 0 or stop.is_set():
                    return False
                self._polled_changed.wait(min(left, 0.5))
        return True
