"""The report's tables and findings: faults, anomalies, order violations.

Rows hold display text only (the template escapes it); times are shown
relative to run start and as wall clock, through one Clock.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from reports.clock import Clock, duration
from reports.run import Fault, Run

MAX_ROWS = 50  # rows per anomaly table; the total is always shown

# (results list key, results count key, heading, what a row means)
ANOMALIES: tuple[tuple[str, str, str, str], ...] = (
    ("lost", "lost_count", "Lost", "acknowledged by the broker, never received"),
    ("lost_in_store", "lost_in_store_count", "Lost in store", "acknowledged, missing from the final read of the store"),
    ("failed_delivered", "failed_delivered_count", "Failed but delivered", "every send failed, yet it was received"),
    ("unexpected", "unexpected_count", "Unexpected", "received, never sent"),
)


@dataclass(frozen=True)
class FaultRow:
    """One fault, labelled F1, F2, ... as on the chart."""

    label: str
    name: str
    target: str
    start: str
    end: str
    length: str
    unavailable: str
    detail: str


@dataclass(frozen=True)
class AnomalyTable:
    """Up to MAX_ROWS rows of one anomaly, with its total."""

    key: str
    heading: str
    meaning: str
    total: int
    columns: tuple[str, ...]
    rows: list[list[str]]


@dataclass(frozen=True)
class Finding:
    """When the values of one anomaly were sent and which faults were active then."""

    heading: str
    count: int
    since: str
    until: str
    faults: list[str]


def fault_label(index: int) -> str:
    """F1, F2, ...: the name a fault has on the chart and in every table."""
    return f"F{index + 1}"


def describe_fault(faults: Sequence[Fault], index: int) -> str:
    """'F2 kill broker-a-0 (master)'."""
    fault = faults[index]
    return " ".join(p for p in (fault_label(index), fault.name, fault.target) if p)


def fault_rows(run: Run, clock: Clock) -> list[FaultRow]:
    """The fault table: each ledger fault with the unavailability the checker measured."""
    availability = (run.results.get("availability") or {}).get("faults") or []
    rows = []
    for i, fault in enumerate(run.faults):
        measured = _match(availability, fault)
        length = None if fault.end_ts is None else fault.end_ts - fault.start_ts
        rows.append(
            FaultRow(
                label=fault_label(i),
                name=fault.name,
                target=fault.target,
                start=clock.both(fault.start_ts),
                end=clock.both(fault.end_ts) if fault.end_ts is not None else "never healed",
                length=duration(length),
                unavailable=_unavailability(measured),
                detail=fault.detail,
            )
        )
    return rows


def outside_faults(run: Run) -> str:
    """Unavailability the checker measured outside every fault window."""
    outside = (run.results.get("availability") or {}).get("outside_faults")
    return _unavailability(outside) if isinstance(outside, dict) else "—"


def fault_at(faults: Sequence[Fault], start_ts: Any, name: Any) -> int | None:
    """The index of the ledger fault a checker's fault dict refers to."""
    return next((i for i, f in enumerate(faults) if _same(f, start_ts, name)), None)


def anomaly_tables(run: Run, clock: Clock) -> list[AnomalyTable]:
    """One table per anomaly that has values, from the checker's examples."""
    examples = run.results.get("examples") or {}
    tables = []
    for key, count_key, heading, meaning in ANOMALIES:
        values = run.results.get(key) or []
        total = run.results.get(count_key)
        total = total if isinstance(total, int) else len(values)
        if not total:
            continue
        # The checker's examples carry send details; bare values are the fallback.
        rows = examples.get(key) or [{"value": v} for v in values]
        tables.append(
            AnomalyTable(
                key=key, heading=heading, meaning=meaning, total=total,
                columns=("value", "sent", "outcome", "message id", "error", "nearest fault"),
                rows=[_example_row(run, clock, e) for e in rows[:MAX_ROWS] if isinstance(e, dict)],
            )
        )
    return tables


def order_table(run: Run, clock: Clock) -> AnomalyTable | None:
    """Order violations: pairs of one FIFO group received in the wrong order."""
    violations = [v for v in run.results.get("order_violations") or [] if isinstance(v, dict)]
    total = run.results.get("order_violation_count")
    total = total if isinstance(total, int) else len(violations)
    if not total:
        return None
    rows = [
        [_text(v.get("group")), _text(v.get("a")), _text(v.get("b")),
         clock.both(_ts(v.get("a_invoke_ts"))), clock.both(_ts(v.get("b_invoke_ts"))),
         clock.both(_ts(v.get("a_first_receive_ts"))), clock.both(_ts(v.get("b_first_receive_ts")))]
        for v in violations[:MAX_ROWS]
    ]
    return AnomalyTable(
        key="order_violations", heading="Order violations",
        meaning="b was sent after a was acknowledged, yet received first", total=total,
        columns=("group", "a", "b", "a sent", "b sent", "a first received", "b first received"),
        rows=rows,
    )


def findings(run: Run, clock: Clock) -> list[Finding]:
    """For each loss-like anomaly: the send-time span of its values and the faults overlapping it."""
    out = []
    end_of_run = run.end_ts
    for key, _, heading, _ in ANOMALIES:
        times = [run.send_times[v] for v in run.results.get(key) or [] if v in run.send_times]
        if not times:
            continue
        since, until = min(times), max(times)
        active = [
            describe_fault(run.faults, i)
            for i, f in enumerate(run.faults)
            if f.start_ts <= until and (f.end_ts or end_of_run or f.start_ts) >= since
        ]
        out.append(Finding(heading, len(times), clock.both(since), clock.both(until), active))
    return out


def _example_row(run: Run, clock: Clock, example: Mapping[str, Any]) -> list[str]:
    return [
        _text(example.get("value")),
        clock.both(_ts(example.get("invoke_ts"))),
        _text(example.get("outcome")),
        _text(example.get("message_id")),
        _text(example.get("error")),
        _nearest(run, clock, example.get("nearest_fault")),
    ]


def _nearest(run: Run, clock: Clock, fault: Any) -> str:
    if not isinstance(fault, dict):
        return ""
    index = fault_at(run.faults, fault.get("start_ts"), fault.get("name"))
    if index is not None:
        return describe_fault(run.faults, index)
    text = " ".join(_text(fault.get(k)) for k in ("name", "target") if fault.get(k))
    return f"{text} at {clock.rel(_ts(fault.get('start_ts')))}"


def _same(fault: Fault, start_ts: Any, name: Any) -> bool:
    """The checker copies name and start_ts from the ledger row, so they identify it."""
    ts = _ts(start_ts)
    return ts is not None and abs(fault.start_ts - ts) < 1e-3 and fault.name == name


def _match(availability: Sequence[Any], fault: Fault) -> dict | None:
    return next((m for m in availability if isinstance(m, dict) and _same(fault, m.get("start_ts"), m.get("name"))), None)


def _unavailability(measured: Mapping[str, Any] | None) -> str:
    """'4.2s in 2 windows (longest 3.1s)', 'none', or '—' when not measured."""
    if not measured:
        return "—"
    total = _ts(measured.get("unavailable_s", measured.get("total_s")))
    # The checker writes window_count and the windows themselves ([[start, end], ...], capped).
    windows = measured.get("window_count", measured.get("windows"))
    if isinstance(windows, list):
        windows = len(windows)
    if total is None:
        return "—"
    if not total:
        return "none"
    text = duration(total)
    if isinstance(windows, int):
        text += f" in {windows} window{'s' if windows != 1 else ''}"
    longest = _ts(measured.get("max_s"))
    if longest is not None and isinstance(windows, int) and windows > 1:
        text += f" (longest {duration(longest)})"
    return text


def _ts(value: Any) -> float | None:
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def _text(value: Any) -> str:
    return "" if value is None else str(value)
