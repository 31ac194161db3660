"""Total-queue anomalies, exactly as LEDGER.md defines them, over distinct values."""
from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from functools import partial
from itertools import compress
from operator import is_

from chaoskit.checker import source
from chaoskit.checker.values import ReceiveValues, SendValues

_is_none = partial(is_, None)
FINAL_READS = source.Stream(table="final_reads", columns={"value": "value"}, rules=(source.must_be_text("value"),))


@dataclass(frozen=True)
class QueueResult:
    """Counts and sorted value lists of the contract's queue anomalies."""

    attempt_count: int
    acknowledged_count: int
    received_count: int
    ok_count: int
    lost: list[str]
    unexpected: list[str]
    recovered: list[str]
    failed_delivered: list[str]
    lost_in_store: list[str] | None  # None: the final read was not checked
    duplicated: list[str]
    duplicate_deliveries: int

    def anomalies(self) -> dict[str, list[str]]:
        """Anomaly name (as in results.json) -> its sorted values."""
        return {
            "lost": self.lost,
            "unexpected": self.unexpected,
            "recovered": self.recovered,
            "failed_delivered": self.failed_delivered,
            "lost_in_store": self.lost_in_store or [],
            "duplicated": self.duplicated,
        }


class _ValueSet:
    """Reducer collecting distinct values."""

    columns = ("value",)

    def __init__(self) -> None:
        self.values: set[str] = set()

    def feed(self, columns: tuple) -> None:
        self.values.update(columns[0])


def read_final_reads(conn: sqlite3.Connection) -> set[str]:
    """Distinct values found by the final read (the table must exist)."""
    collect = _ValueSet()
    source.run(conn, FINAL_READS, [collect])
    return collect.values


def analyse(
    sends: SendValues, receives: ReceiveValues, invoked: list[float | None], final_reads: set[str] | None
) -> QueueResult:
    """The contract's queue anomalies.

    `invoked` is `values.sent_times` (None for a received value never sent);
    `final_reads` is None when the final read is not to be checked. Only
    small sets are walked unless something is missing: the lost values are
    looked for among a million only when their count is not zero.
    """
    attempted = sends.invoke.keys()
    received = receives.first.keys()
    unacknowledged = sends.unacknowledged  # acknowledged = attempted - unacknowledged
    ok_count = len(invoked) - invoked.count(None)
    recovered = unacknowledged & received
    lost_count = (len(attempted) - ok_count) - (len(unacknowledged) - len(recovered))
    return QueueResult(
        attempt_count=len(attempted),
        acknowledged_count=len(attempted) - len(unacknowledged),
        received_count=len(received),
        ok_count=ok_count,
        lost=sorted((attempted - received) - unacknowledged) if lost_count else [],
        unexpected=sorted(compress(received, map(_is_none, invoked))) if ok_count < len(received) else [],
        recovered=sorted(recovered),
        failed_delivered=sorted((sends.failed - sends.uncertain) & recovered),
        lost_in_store=None if final_reads is None else sorted((attempted - final_reads) - unacknowledged),
        duplicated=sorted(receives.deliveries),
        duplicate_deliveries=receives.rows - len(received),
    )
