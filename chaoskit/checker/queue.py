"""Total-queue anomalies, exactly as LEDGER.md defines them, over distinct values."""
from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from chaoskit.checker import source
from chaoskit.checker.values import ReceiveValues, SendValues

FINAL_READS = source.Stream(table="final_reads", columns={"value": "value"}, rules=(source.text("value"),))


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


def analyse(sends: SendValues, receives: ReceiveValues, final_reads: set[str] | None) -> QueueResult:
    """The contract's queue anomalies; `final_reads` None when the final read is not to be checked."""
    attempted = sends.invoke.keys()
    received = receives.first.keys()
    unacknowledged = sends.unacknowledged  # acknowledged = attempted - unacknowledged
    never_received = attempted - received  # one pass over the big set; the rest are small sets
    unexpected_count = len(received) - (len(attempted) - len(never_received))
    return QueueResult(
        attempt_count=len(attempted),
        acknowledged_count=len(attempted) - len(unacknowledged),
        received_count=len(received),
        ok_count=len(received) - unexpected_count,
        lost=sorted(never_received - unacknowledged),
        unexpected=sorted(received - attempted) if unexpected_count else [],
        recovered=sorted(unacknowledged & received),
        failed_delivered=sorted((sends.failed - sends.uncertain) & unacknowledged & received),
        lost_in_store=None if final_reads is None else sorted((attempted - final_reads) - unacknowledged),
        duplicated=sorted(receives.deliveries),
        duplicate_deliveries=receives.rows - len(received),
    )
