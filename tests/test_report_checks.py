"""The verdict, counts and checks every report format shares."""
from __future__ import annotations

import pytest

from reports import checks
from reports.clock import Clock, duration

T0 = 1_796_083_200.0


@pytest.mark.parametrize("valid, word", [(True, "PASS"), (False, "FAIL"), ("unknown", "UNKNOWN"), ("true", "PASS"),
                                         (None, "UNKNOWN"), (1, "UNKNOWN"), ("maybe", "UNKNOWN")])
def test_verdict_reads_valid(valid, word) -> None:
    assert checks.verdict({"valid": valid}) == word


@pytest.mark.parametrize("raw, expected", [("pass", "PASS"), ("FAIL", "FAIL"), ("true", "PASS"), ("false", "FAIL"),
                                           (" unknown ", "UNKNOWN"), ("", None), (None, None)])
def test_expected_verdict_is_normalised(raw, expected) -> None:
    assert checks.expected_verdict({} if raw is None else {"expected_verdict": raw}) == expected


def test_flags_come_from_results_then_meta() -> None:
    assert checks.flag({"drain_complete": True}, {"drain_complete": "false"}, "drain_complete") is True
    assert checks.flag({}, {"drain_complete": "false"}, "drain_complete") is False
    assert checks.flag({}, {}, "drain_complete") is None


def _by_name(results, meta=None) -> dict[str, str]:
    return {c.name: c.status for c in checks.checks(results, meta or {})}


def test_lost_values_fail_only_when_the_drain_completed() -> None:
    assert _by_name({"valid": False, "lost_count": 2, "drain_complete": True})["no-loss"] == checks.FAILED
    undrained = _by_name({"valid": "unknown", "lost_count": 2, "drain_complete": False})
    assert undrained["no-loss"] == undrained["drain-complete"] == undrained["verdict"] == checks.UNDECIDED


def test_expected_verdict_check_only_when_the_scenario_states_one() -> None:
    assert "expected-verdict-met" not in _by_name({"valid": True})
    assert _by_name({"valid": False}, {"expected_verdict": "fail"})["expected-verdict-met"] == checks.OK
    assert _by_name({"valid": True}, {"expected_verdict": "fail"})["expected-verdict-met"] == checks.FAILED


def test_counts_carry_meanings_and_raise_alarms_only_for_anomalies() -> None:
    rows = {c.key: c for c in checks.counts({"lost_count": 3, "duplicated_count": 9, "lost_in_store_count": None,
                                             "drain_complete": True}, {})}
    assert rows["lost_count"].alarm and not rows["duplicated_count"].alarm
    assert rows["lost_in_store_count"].value is None and "not checked" in rows["lost_in_store_count"].meaning
    assert all(c.meaning for c in rows.values())
    assert "only unseen" in {c.key: c for c in checks.counts({"lost_count": 3}, {})}["lost_count"].meaning


def test_clock_shows_relative_and_wall_time() -> None:
    clock = Clock(T0)
    assert clock.rel(T0 + 12.34) == "t+12.3s" and clock.rel(T0 - 1) == "t-1.0s"
    assert clock.both(T0 + 12.3456) == "t+12.3s (00:00:12.345)"
    assert Clock(None).both(T0) == "00:00:00.000" and clock.both(None) == "—"
    assert clock.date(T0) == "2026-12-01 00:00:00 UTC"
    assert duration(4.25) == "4.2s" and duration(185) == "3m 05s" and duration(None) == "—"
