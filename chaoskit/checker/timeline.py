"""Timeline: sends by outcome (at their invoke second) and receives, per epoch second.

Only seconds with at least one send or receive appear: a ledger with a stray
timestamp must not produce a row for every second in between.
"""
from __future__ import annotations

import sqlite3
from collections.abc import Mapping

from chaoskit.checker import source, tally
from chaoskit.checker.source import FAIL, INFO, OK
from chaoskit.checker.tally import Tally

# Each second that has a receive, found from the one before by a seek in receives(ts), and its receives
# counted in that index: no arithmetic per row. `t + 1` is exact: |t| <= 1e12 (source.MAX_ABS_TIME).
_FIRST = f"{source.floor_sql('(SELECT min(ts) FROM receives)')}"
_NEXT = f"{source.floor_sql('(SELECT min(ts) FROM receives WHERE ts >= t + 1)')}"
_RECEIVE_SECONDS_SQL = f"""WITH RECURSIVE second(t) AS (SELECT {_FIRST} UNION ALL SELECT {_NEXT} FROM second WHERE t IS NOT NULL)
SELECT t, (SELECT count(*) FROM receives WHERE ts >= t AND ts < t + 1) FROM second WHERE t IS NOT NULL"""


def receive_seconds(conn: sqlite3.Connection) -> dict[int, int]:
    """{epoch second: receive rows in it}."""
    return dict(conn.execute(_RECEIVE_SECONDS_SQL).fetchall())


def report(sends: Tally, receives: Mapping[int, int]) -> list[dict]:
    """[{t, sends_ok, sends_fail, sends_info, receives}] by t, from the sends tally and
    the receive count per second."""
    by_outcome = tally.outcomes(sends)
    rows = []
    for second in sorted(by_outcome.keys() | receives.keys()):
        sent = by_outcome.get(second, (0, 0, 0))
        rows.append(
            {"t": second, "sends_ok": sent[OK], "sends_fail": sent[FAIL], "sends_info": sent[INFO], "receives": receives.get(second, 0)}
        )
    return rows
