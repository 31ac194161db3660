"""The verdict, the counts and the per-check results every report format shows.

One place turns results.json into PASS/FAIL/UNKNOWN, count rows with their
meanings and named checks, so the HTML page, junit.xml and summary.md can
never disagree.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

PASS, FAIL, UNKNOWN = "PASS", "FAIL", "UNKNOWN"

# Check statuses; junit.py maps them to passed / <failure> / <error> / <skipped>.
OK, FAILED, UNDECIDED, SKIPPED = "pass", "fail", "unknown", "skipped"

_VERDICT_WORDS = {
    "true": PASS, "pass": PASS, "valid": PASS,
    "false": FAIL, "fail": FAIL, "invalid": FAIL,
    "unknown": UNKNOWN,
}


@dataclass(frozen=True)
class Count:
    """One count in the checker's vocabulary, with what it means."""

    key: str
    label: str
    value: int | None  # None: not reported or not checked
    meaning: str
    alarm: bool  # an anomaly count above zero


@dataclass(frozen=True)
class Check:
    """One named check of a run: junit's test case, summary's table row."""

    name: str
    status: str
    message: str


# (results key, label, meaning, is an anomaly when above zero)
_COUNTS: tuple[tuple[str, str, str, bool], ...] = (
    ("attempt_count", "attempted", "distinct values the producers tried to send", False),
    ("acknowledged_count", "acknowledged", "values the broker acknowledged (at least one ok send)", False),
    ("received_count", "received", "distinct values the consumers received", False),
    ("ok_count", "ok", "values both sent and received", False),
    ("lost_count", "lost", "acknowledged but never received", True),
    ("unexpected_count", "unexpected", "received but never sent", True),
    ("recovered_count", "recovered", "received although no send of it was acknowledged (stored anyway: fine)", False),
    ("failed_delivered_count", "failed_delivered", "received although every send of it definitely failed", True),
    ("lost_in_store_count", "lost_in_store", "acknowledged but missing from the end-of-run read of the store", True),
    ("duplicated_count", "duplicated", "values received more than once (at-least-once delivery allows it)", False),
    ("duplicate_deliveries", "duplicate deliveries", "receives beyond the first of each value", False),
    ("order_violation_count", "order violations", "FIFO pairs received in the opposite order to their sends", True),
)


def verdict(results: Mapping[str, Any]) -> str:
    """PASS, FAIL or UNKNOWN from results' `valid` (anything else: UNKNOWN)."""
    valid = results.get("valid")
    if isinstance(valid, bool):
        return PASS if valid else FAIL
    if isinstance(valid, str):
        return _VERDICT_WORDS.get(valid.strip().lower(), UNKNOWN)
    return UNKNOWN


def expected_verdict(meta: Mapping[str, str]) -> str | None:
    """The scenario's expected verdict, normalised, or None when not stated."""
    raw = meta.get("expected_verdict")
    if raw is None or not str(raw).strip():
        return None
    return _VERDICT_WORDS.get(str(raw).strip().lower(), str(raw).strip().upper())


def flag(results: Mapping[str, Any], meta: Mapping[str, str], key: str) -> bool | None:
    """A completeness flag (drain_complete, ...) from results, else meta; None if absent."""
    value = results.get(key, meta.get(key))
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return value
    return str(value).strip().lower() == "true"


def number(results: Mapping[str, Any], key: str) -> int | None:
    """An integer count from results, None when missing or not a number."""
    value = results.get(key)
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def counts(results: Mapping[str, Any], meta: Mapping[str, str]) -> list[Count]:
    """The counts table, in the checker's vocabulary."""
    drained = flag(results, meta, "drain_complete")
    rows = []
    for key, label, meaning, anomaly in _COUNTS:
        value = number(results, key)
        if key == "lost_count" and drained is not True:
            meaning += " (the drain did not complete, so these are only unseen)"
        if key == "lost_in_store_count" and value is None:
            meaning += " (not checked: no complete final read)"
        rows.append(Count(key, label, value, meaning, anomaly and bool(value)))
    return rows


def checks(results: Mapping[str, Any], meta: Mapping[str, str]) -> list[Check]:
    """Every check of the run, the verdict first."""
    v = verdict(results)
    reason = str(results.get("reason") or "no reason given")
    drained = flag(results, meta, "drain_complete")
    out = [Check("verdict", {PASS: OK, FAIL: FAILED}.get(v, UNDECIDED), f"{v}: {reason}")]

    lost = number(results, "lost_count")
    if lost is None:
        out.append(Check("no-loss", UNDECIDED, "lost_count not reported"))
    elif lost == 0:
        out.append(Check("no-loss", OK, "every acknowledged value was received"))
    elif drained:
        out.append(Check("no-loss", FAILED, f"{lost:,} acknowledged value(s) never received"))
    else:
        out.append(Check("no-loss", UNDECIDED, f"{lost:,} acknowledged value(s) unseen; the drain did not complete"))

    out.append(_zero(results, "no-unexpected", "unexpected_count", "value(s) received but never sent"))
    out.append(_zero(results, "no-failed-delivered", "failed_delivered_count",
                     "value(s) received although every send failed"))
    if number(results, "lost_in_store_count") is None:
        out.append(Check("no-lost-in-store", SKIPPED, "not checked: no complete final read of the store"))
    else:
        out.append(_zero(results, "no-lost-in-store", "lost_in_store_count",
                         "acknowledged value(s) missing from the store at the end"))
    out.append(_zero(results, "order", "order_violation_count", "FIFO order violation(s)"))

    acked = number(results, "acknowledged_count")
    out.append(Check("acknowledged", OK if acked else UNDECIDED,
                     f"{acked:,} value(s) acknowledged" if acked else "no value was acknowledged"))
    # An unfinished drain or ledger makes the verdict UNKNOWN (LEDGER.md rule 3);
    # a missing final read only leaves lost_in_store unchecked.
    out.append(_complete(drained, "drain-complete", "the drain read every value it waited for",
                         "the drain did not complete", UNDECIDED, UNDECIDED))
    out.append(_complete(flag(results, meta, "final_read_complete"), "final-read",
                         "the final read covered every queue", "no complete final read", SKIPPED, SKIPPED))
    out.append(_complete(flag(results, meta, "ledger_complete"), "ledger-complete",
                         "the ledger recorded the whole run", "the ledger is incomplete", UNDECIDED, SKIPPED))

    expected = expected_verdict(meta)
    if expected is not None:
        met = expected == v
        out.append(Check("expected-verdict-met", OK if met else FAILED,
                         f"expected {expected}, got {v}"))
    return out


def _zero(results: Mapping[str, Any], name: str, key: str, what: str) -> Check:
    value = number(results, key)
    if value is None:
        return Check(name, UNDECIDED, f"{key} not reported")
    return Check(name, FAILED if value else OK, f"{value:,} {what}")


def _complete(value: bool | None, name: str, yes: str, no: str, if_false: str, if_missing: str) -> Check:
    if value is True:
        return Check(name, OK, yes)
    if value is None:
        return Check(name, if_missing, "not recorded")
    return Check(name, if_false, no)
