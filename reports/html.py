"""report.html: one self-contained page, rendered by Jinja2 with autoescape on.

The only markup not escaped is the chart's SVG, which matplotlib wrote (and
escaped ledger text in). A Content-Security-Policy in the page forbids any
script and any fetch, so even a template mistake could not run a ledger's
`<script>` or reach the network.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup

from reports import checks, config_audit, logs, scenario, tables
from reports.charts import Mark, Span, timeline_svg
from reports.clock import Clock
from reports.run import LOSS_KEYS, Run

TEMPLATES = Path(__file__).parent / "templates"
_ENV = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=True, undefined=StrictUndefined)
_ENV.filters["n"] = lambda value: f"{value:,}"  # 1585 -> 1,585

# Files a run directory holds next to report.html, linked from its footer.
SIBLINGS = ("results.json", "ledger.db", "junit.xml", "summary.md")


def render(run: Run) -> str:
    """The HTML text of a run's report."""
    return _ENV.get_template("report.html.j2").render(**context(run))


def context(run: Run) -> dict[str, Any]:
    """Everything the template shows, as display-ready values."""
    clock = Clock(run.start_ts)
    verdict = checks.verdict(run.results)
    excerpts = logs.collect(run.log_files, run.run_dir, run.faults, logs.utc_offset_hours(run.meta))
    return {
        "verdict": verdict,
        "reason": str(run.results.get("reason") or "The checker gave no reason."),
        "expected": checks.expected_verdict(run.meta),
        "scenario": scenario.build(run.meta, clock, run.name),
        "run_date": clock.date(run.start_ts),
        "counts": checks.counts(run.results, run.meta),
        "checks": checks.checks(run.results, run.meta),
        "findings": tables.findings(run, clock),
        "chart": Markup(_chart(run, clock)),
        "role_changes": [(clock.both(e.ts), e.kind.replace("_", " "), e.detail) for e in run.events],
        "why": _why(run.results.get("diagnosis"), clock),
        "latency": _latency(run.results.get("latency") or {}),
        "faults": tables.fault_rows(run, clock),
        "outside_faults": tables.outside_faults(run),
        "anomalies": tables.anomaly_tables(run, clock),
        "order": tables.order_table(run, clock),
        "fault_logs": [
            (tables.describe_fault(run.faults, i), [e for e in excerpts if e.window and e.window.fault == i])
            for i in range(len(run.faults))
        ],
        "log_tails": [e for e in excerpts if e.window is None],
        "log_links": [p.relative_to(run.run_dir).as_posix() for p in run.log_files],
        "clock": clock,
        "siblings": SIBLINGS,
        "config_audit": config_audit.load(run.run_dir),
    }


def _chart(run: Run, clock: Clock) -> str:
    end = run.end_ts
    spans = [
        Span(
            label=tables.describe_fault(run.faults, i),
            name=f.name,
            start=clock.offset(f.start_ts),
            end=clock.offset(f.end_ts if f.end_ts is not None else max(end or f.start_ts, f.start_ts)),
            healed=f.end_ts is not None,
        )
        for i, f in enumerate(run.faults)
    ]
    marks = [Mark(clock.offset(e.ts), e.kind, e.detail or e.kind) for e in run.events]
    anomalies = {
        key: [clock.offset(run.send_times[v]) for v in run.results.get(key) or [] if v in run.send_times]
        for key in LOSS_KEYS
    }
    latency = run.results.get("latency") or {}
    return timeline_svg(
        timeline=[p for p in run.results.get("timeline") or [] if isinstance(p, dict)],
        latency=[p for p in latency.get("per_second") or [] if isinstance(p, dict)],
        spans=spans,
        marks=marks,
        anomalies=anomalies,
        t0=clock.t0 or 0.0,
        run_length=None if end is None or clock.t0 is None else end - clock.t0,
    )


def _why(diagnosis: Any, clock: Clock) -> dict[str, Any] | None:
    """The diagnosis's windows (what lost each value) and why the cluster did not recover (when it did not),
    for the Why section; None when the run has no diagnosis."""
    if not isinstance(diagnosis, dict):
        return None
    windows = [(clock.both(w["start_ts"]), clock.both(w["end_ts"]), w["kind"].replace("_", " "), w["explanation"],
                w["lost_values"]) for w in diagnosis.get("windows") or [] if isinstance(w, dict)]
    stuck = diagnosis.get("no_recovery")
    return {"windows": windows, "unexplained": diagnosis.get("unexplained_lost", 0),
            "events": len(diagnosis.get("events") or []),
            "no_recovery": stuck.get("explanation") if isinstance(stuck, dict) else None}


def _latency(latency: dict[str, Any]) -> list[tuple[str, list[str]]]:
    """Rows 'send' and 'end to end': count, p50, p95, p99, max in ms."""
    rows = []
    for key, label in (("send", "send"), ("end_to_end", "end to end")):
        stats = latency.get(key)
        if not isinstance(stats, dict):
            continue
        count = stats.get("count")
        cells = [f"{count:,}" if isinstance(count, int) else "—"]
        for q in ("p50", "p95", "p99", "max"):
            v = stats.get(q)
            cells.append(f"{v * 1000:.1f}" if isinstance(v, (int, float)) else "—")
        rows.append((label, cells))
    return rows
