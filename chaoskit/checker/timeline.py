"""Timeline: sends by outcome (at their invoke second) and receives, per epoch second.

Only seconds with at least one send or receive appear: a ledger with a stray
timestamp must not produce a row for every second in between.
"""
from __future__ import annotations

from typing import Mapping

from chaoskit.checker import tally
from chaoskit.checker.source import FAIL, INFO, OK


def report(sends: Mapping[int, int], receives: Mapping[int, int]) -> list[dict]:
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
