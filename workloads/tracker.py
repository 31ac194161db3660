"""Which of this run's values were acknowledged and which received, in little memory.

The drain needs "every acknowledged value received?" at any moment, over
up to millions of values: one byte of flags per value (indexed by producer
and sequence number) instead of sets of strings.
"""
from __future__ import annotations

import threading

_ACKED = 1
_RECEIVED = 2


class Tracker:
    """Acknowledged / received flags per value, with running counts."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._flags: dict[int, bytearray] = {}
        self.acked = 0        # distinct values with an `ok` send
        self.received = 0     # distinct values delivered at least once
        self.outstanding = 0  # acknowledged and not yet received

    def _mark(self, producer: int, seq: int, flag: int) -> int:
        """Set `flag` on a value; returns its flags from before."""
        flags = self._flags.get(producer)
        if flags is None:
            flags = self._flags[producer] = bytearray()
        if seq >= len(flags):
            flags.extend(bytes(max(seq + 1 - len(flags), len(flags))))  # grow geometrically
        before = flags[seq]
        flags[seq] = before | flag
        return before

    def ack(self, producer: int, seq: int) -> None:
        with self._lock:
            before = self._mark(producer, seq, _ACKED)
            if not before & _ACKED:
                self.acked += 1
                if not before & _RECEIVED:
                    self.outstanding += 1

    def receive(self, producer: int, seq: int) -> bool:
        """Record a delivery; True if it is the value's first."""
        with self._lock:
            before = self._mark(producer, seq, _RECEIVED)
            if before & _RECEIVED:
                return False
            self.received += 1
            if before & _ACKED:
                self.outstanding -= 1
            return True

    def outstanding_keys(self) -> list[tuple[int, int]]:
        """(producer, seq) of every value acknowledged and not yet received."""
        with self._lock:
            return [(producer, seq) for producer, flags in self._flags.items()
                    for seq, f in enumerate(flags) if f == _ACKED]
