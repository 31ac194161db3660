"""Examples of each anomaly: what was sent, how it ended, and the fault nearest in time.

Only the first few values of each (sorted) anomaly list are looked up, with
one query per question for all of them together.
"""
from __future__ import annotations

import sqlite3
from collections.abc import Callable, Mapping
from typing import Any

from chaoskit.checker import faults as faults_mod
from chaoskit.checker import source, values
from chaoskit.checker.faults import Fault
from chaoskit.checker.values import Receipt

PER_ANOMALY = 10
_PREFERENCE = {"ok": 0, "info": 1, "fail": 2}  # the send row shown for a value re-sent several times


def build(
    conn: sqlite3.Connection,
    anomalies: Mapping[str, list[str]],
    faults: list[Fault],
) -> dict[str, list[dict]]:
    """{anomaly: [example, ...]} for the first PER_ANOMALY values of each list."""
    chosen = {name: found[:PER_ANOMALY] for name, found in anomalies.items()}
    wanted = sorted({v for found in chosen.values() for v in found})
    sends = _send_rows(conn, wanted)
    unsent = _receive_rows(conn, [v for v in wanted if v not in sends])
    receipts = values.receipts(conn, wanted)
    return {name: [_example(v, sends, unsent, receipts, faults) for v in found] for name, found in chosen.items()}


def _send_rows(conn: sqlite3.Connection, wanted: list[str]) -> dict[str, tuple]:
    """value -> its most telling send row (ok, else info, else fail; earliest first)."""
    if not wanted:
        return {}
    rows = source.lookup(
        conn,
        "SELECT value, invoke_ts, outcome, CAST(message_id AS TEXT), CAST(error AS TEXT) FROM sends"
        f" WHERE value IN {source.LOOKUP}",
        wanted,
    )
    return _least(rows, key=lambda r: (_PREFERENCE[r[2]], r[1]))


def _receive_rows(conn: sqlite3.Connection, wanted: list[str]) -> dict[str, tuple]:
    """value -> its earliest receive row, for values that were never sent."""
    if not wanted:
        return {}
    rows = source.lookup(
        conn, f"SELECT value, ts, CAST(message_id AS TEXT) FROM receives WHERE value IN {source.LOOKUP}", wanted
    )
    return _least(rows, key=lambda r: r[1])


def _least(rows: list[tuple], key: Callable[[tuple], Any]) -> dict[str, tuple]:
    """value (first column) -> its row with the least key."""
    best: dict[str, tuple] = {}
    for row in rows:
        if row[0] not in best or key(row) < key(best[row[0]]):
            best[row[0]] = row
    return best


def _example(
    value: str, sends: dict[str, tuple], unsent: dict[str, tuple], receipts: dict[str, Receipt], faults: list[Fault]
) -> dict:
    receipt = receipts.get(value)
    first = receipt.first_ts if receipt else None
    if value in sends:
        _, invoke_ts, outcome, message_id, error = sends[value]
    else:
        invoke_ts, outcome, error = None, None, None
        message_id = unsent[value][2] if value in unsent else None
    fault = faults_mod.nearest(faults, invoke_ts if invoke_ts is not None else first)
    return {
        "value": value,
        "invoke_ts": invoke_ts,
        "outcome": outcome,
        "message_id": message_id,
        "error": error,
        "first_receive_ts": first,
        "receive_count": receipt.count if receipt else 0,
        "nearest_fault": fault.as_dict() if fault else None,
    }
