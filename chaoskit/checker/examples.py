"""Examples of each anomaly: what was sent, how it ended, and the fault nearest in time.

Only the first few values of each (sorted) anomaly list are looked up, with
one query per table for all of them together.
"""
from __future__ import annotations

import sqlite3
from typing import Any, Callable, Mapping

from chaoskit.checker import faults as faults_mod
from chaoskit.checker import source
from chaoskit.checker.faults import Fault
from chaoskit.checker.values import ReceiveValues

PER_ANOMALY = 10
_PREFERENCE = {"ok": 0, "info": 1, "fail": 2}  # the send row shown for a value re-sent several times


def build(
    conn: sqlite3.Connection,
    anomalies: Mapping[str, list[str]],
    receives: ReceiveValues,
    faults: list[Fault],
) -> dict[str, list[dict]]:
    """{anomaly: [example, ...]} for the first PER_ANOMALY values of each list."""
    chosen = {name: values[:PER_ANOMALY] for name, values in anomalies.items()}
    wanted = sorted({v for values in chosen.values() for v in values})
    sends = _send_rows(conn, wanted)
    unsent = _receive_rows(conn, [v for v in wanted if v not in sends])
    return {name: [_example(v, sends, unsent, receives, faults) for v in values] for name, values in chosen.items()}


def _send_rows(conn: sqlite3.Connection, values: list[str]) -> dict[str, tuple]:
    """value -> its most telling send row (ok, else info, else fail; earliest first)."""
    if not values:
        return {}
    rows = source.lookup(
        conn,
        "SELECT value, invoke_ts, outcome, CAST(message_id AS TEXT), CAST(error AS TEXT) FROM sends"
        f" WHERE value IN {source.LOOKUP}",
        values,
    )
    return _least(rows, key=lambda r: (_PREFERENCE[r[2]], r[1]))


def _receive_rows(conn: sqlite3.Connection, values: list[str]) -> dict[str, tuple]:
    """value -> its earliest receive row, for values that were never sent."""
    if not values:
        return {}
    rows = source.lookup(
        conn, f"SELECT value, ts, CAST(message_id AS TEXT) FROM receives WHERE value IN {source.LOOKUP}", values
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
    value: str, sends: dict[str, tuple], unsent: dict[str, tuple], receives: ReceiveValues, faults: list[Fault]
) -> dict:
    first = receives.first.get(value)
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
        "receive_count": receives.deliveries.get(value, 1) if first is not None else 0,
        "nearest_fault": fault.as_dict() if fault else None,
    }
