"""Timeline: sends by outcome (at their invoke second) and receives, per epoch second.

Only seconds with at least one send or receive appear: a ledger with a stray
timestamp must not produce a row for every second in between.
"""
from __future__ import annotations

from collections import Counter
from typing import Sequence


class SendSeconds:
    """Reducer over sends (second, outcome)."""

    columns = ("second", "outcome")

    def __init__(self) -> None:
        self.counts: Counter[tuple[int, str]] = Counter()

    def feed(self, columns: Sequence[tuple]) -> None:
        self.counts.update(zip(*columns))


class ReceiveSeconds:
    """Reducer over receives (second,)."""

    columns = ("second",)

    def __init__(self) -> None:
        self.counts: Counter[int] = Counter()

    def feed(self, columns: Sequence[tuple]) -> None:
        self.counts.update(columns[0])


def report(sends: SendSeconds, receives: ReceiveSeconds) -> list[dict]:
    """The results.json `timeline`: [{t, sends_ok, sends_fail, sends_info, receives}] by t."""
    rows: dict[int, dict] = {}

    def row(second: int) -> dict:
        if second not in rows:
            rows[second] = {"t": second, "sends_ok": 0, "sends_fail": 0, "sends_info": 0, "receives": 0}
        return rows[second]

    for (second, outcome), count in sends.counts.items():
        row(second)[f"sends_{outcome}"] = count
    for second, count in receives.counts.items():
        row(second)["receives"] = count
    return [rows[second] for second in sorted(rows)]
