"""The timeline chart, drawn by matplotlib and returned as inline SVG text.

x is seconds since run start. Panels: sends per second (ok / fail / info
stacked) with receives per second; anomalies by the second their value was
sent (only when there are any); send latency p50/p99. Fault windows are
shaded and labelled F1, F2, ... on every panel (the fault table uses the
same labels) and role changes are vertical lines.

Only the object API (`Figure`) is used, never pyplot: no global state, safe
in a long-lived process. Ledger text reaches the SVG only through matplotlib,
which escapes it; `parse_math=False` keeps a '$' in a target from being read
as mathtext.
"""
from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import matplotlib
from matplotlib.figure import Figure
from matplotlib.transforms import blended_transform_factory

from chaoskit.ledger import EventKind

OK_COLOUR, FAIL_COLOUR, INFO_COLOUR = "#2e7d32", "#c62828", "#ef8f00"
RECEIVE_COLOUR = "#1565c0"
ANOMALY_COLOURS = {"lost": "#c62828", "lost_in_store": "#6a1b9a", "failed_delivered": "#ef8f00"}
FAULT_PALETTE = ("#5c6bc0", "#00897b", "#8d6e63", "#d81b60", "#7cb342", "#f4511e", "#546e7a", "#8e24aa")
MARK_STYLES = {EventKind.MASTER_CHANGE.value: ("#6a1b9a", "--"), EventKind.CONTROLLER_LEADER_CHANGE.value: ("#455a64", ":"),
               "diagnosis.master_elected": ("#1565c0", "--"), "diagnosis.sync_state_set_local": ("#ef8f00", ":"),
               "diagnosis.truncation": ("#c62828", "-")}
_LABEL_MAX = 32


@dataclass(frozen=True)
class Span:
    """A fault window in chart seconds; `healed` False when it never ended."""

    label: str
    name: str
    start: float
    end: float
    healed: bool


@dataclass(frozen=True)
class Mark:
    """A role change in chart seconds."""

    x: float
    kind: str
    label: str


def timeline_svg(
    timeline: Sequence[Mapping[str, Any]],
    latency: Sequence[Mapping[str, Any]],
    spans: Sequence[Span],
    marks: Sequence[Mark],
    anomalies: Mapping[str, Sequence[float]],
    t0: float,
    run_length: float | None = None,
) -> str:
    """Draw the timeline; `timeline`/`latency` rows carry epoch `t`, the rest chart seconds.

    With `run_length` (seconds) the x axis shows the run only, so a stray
    timestamp in a ledger cannot squash the run into a sliver.
    """
    anomalies = {k: v for k, v in anomalies.items() if v}
    heights = [2.6, 1.1, 1.7] if anomalies else [2.6, 1.7]
    fig = Figure(figsize=(12, 1.5 * sum(heights) + 0.6), layout="constrained")
    axes = fig.subplots(len(heights), 1, sharex=True, gridspec_kw={"height_ratios": heights})
    sends_ax, latency_ax = axes[0], axes[-1]

    _draw_sends(sends_ax, timeline, t0)
    if anomalies:
        _draw_anomalies(axes[1], anomalies)
    _draw_latency(latency_ax, latency, t0)
    if run_length is not None and run_length > 0:
        margin = 0.01 * run_length
        latency_ax.set_xlim(-margin, run_length + margin)  # shared by every panel
    for ax in axes:
        ax.grid(True, axis="y", color="#e0e0e0", linewidth=0.6)
        ax.spines[["top", "right"]].set_visible(False)
        _draw_spans(ax, spans, labelled=ax is sends_ax)
        _draw_marks(ax, marks, labelled=ax is latency_ax)
    latency_ax.set_xlabel("seconds since run start")
    _legend_for_marks(latency_ax, marks)
    return _to_svg(fig)


def _series(rows: Sequence[Mapping[str, Any]], keys: Sequence[str], t0: float) -> tuple[list[float], dict[str, list[float]]]:
    """Per-second step series; a second with no row reads as 0 (so areas do not bridge gaps).

    Only the second after each present one gets an explicit 0 (a step holds
    until the next point), never every second in between: a stray timestamp
    years away must not make a series of millions of points.
    """
    by_second: dict[int, Mapping[str, Any]] = {}
    for row in rows:
        t = row.get("t")
        if isinstance(t, (int, float)):
            by_second[int(t - t0)] = row
    xs = sorted(by_second.keys() | {x + 1 for x in by_second})
    series = {k: [float(by_second.get(x, {}).get(k) or 0) for x in xs] for k in keys}
    return [float(x) for x in xs], series


def _draw_sends(ax: Any, timeline: Sequence[Mapping[str, Any]], t0: float) -> None:
    xs, s = _series(timeline, ("sends_ok", "sends_fail", "sends_info", "receives"), t0)
    ax.set_ylabel("per second")
    ax.set_title("sends and receives per second", loc="left", fontsize=10)
    if not xs:
        ax.text(0.5, 0.5, "no timeline in results.json", transform=ax.transAxes, ha="center", color="#757575")
        return
    ax.stackplot(xs, s["sends_ok"], s["sends_fail"], s["sends_info"], step="post",
                 colors=(OK_COLOUR, FAIL_COLOUR, INFO_COLOUR), alpha=0.6, zorder=1,
                 labels=("sends ok", "sends fail", "sends info (unknown)"))
    ax.step(xs, s["receives"], where="post", color=RECEIVE_COLOUR, linewidth=1.4, label="receives", zorder=4)
    peak = max(max(a + b + c, r) for a, b, c, r in zip(*s.values()))
    ax.set_ylim(0, 1.3 * peak or 1)  # headroom at the top for the fault labels
    _legend(ax, ncols=4)


def _draw_anomalies(ax: Any, anomalies: Mapping[str, Sequence[float]]) -> None:
    """Stacked bars: how many anomalous values were sent in each second."""
    seconds = sorted({int(x) for xs in anomalies.values() for x in xs})
    bottom = {s: 0 for s in seconds}
    for kind, xs in anomalies.items():
        per: dict[int, int] = {}
        for x in xs:
            per[int(x)] = per.get(int(x), 0) + 1
        keys = sorted(per)
        ax.bar(keys, [per[k] for k in keys], width=1.0, align="edge", bottom=[bottom[k] for k in keys],
               color=ANOMALY_COLOURS.get(kind, FAIL_COLOUR), label=f"{kind} ({len(xs)})")
        for k in keys:
            bottom[k] += per[k]
    ax.set_ylabel("values")
    ax.set_title("anomalies by the second they were sent", loc="left", fontsize=10)
    _legend(ax, ncols=3)


def _draw_latency(ax: Any, latency: Sequence[Mapping[str, Any]], t0: float) -> None:
    xs, s = _series(latency, ("send_p50", "send_p99"), t0)
    ax.set_ylabel("send latency (ms)")
    ax.set_title("send latency per second", loc="left", fontsize=10)
    if not xs:
        ax.text(0.5, 0.5, "no latency in results.json", transform=ax.transAxes, ha="center", color="#757575")
        return
    # results.json keeps seconds; zeros are seconds without sends, not 0 ms.
    p50 = [v * 1000 if v else float("nan") for v in s["send_p50"]]
    p99 = [v * 1000 if v else float("nan") for v in s["send_p99"]]
    ax.step(xs, p99, where="post", color="#c62828", linewidth=1.0, label="p99")
    ax.step(xs, p50, where="post", color="#37474f", linewidth=1.0, label="p50")
    finite = [v for v in p50 + p99 if v == v and v > 0]
    if finite and max(finite) / min(finite) > 50:
        ax.set_yscale("log")  # failover latencies dwarf the steady state
    else:
        ax.set_ylim(bottom=0)
    _legend(ax, ncols=2)


def _legend(ax: Any, ncols: int) -> None:
    """A legend above the panel's right end, level with its title, clear of the data."""
    ax.legend(loc="lower right", bbox_to_anchor=(1.0, 1.0), fontsize=8, ncols=ncols, frameon=False,
              borderaxespad=0.2)


def _fault_colours(spans: Sequence[Span]) -> dict[str, str]:
    names = sorted({s.name for s in spans})
    return {n: FAULT_PALETTE[i % len(FAULT_PALETTE)] for i, n in enumerate(names)}


def _draw_spans(ax: Any, spans: Sequence[Span], labelled: bool) -> None:
    """Shade each fault window behind the data and edge it, so it shows even under filled areas."""
    colours = _fault_colours(spans)
    top = blended_transform_factory(ax.transData, ax.transAxes)
    lo, hi = ax.get_xlim()
    crowded = 0.12 * (hi - lo)  # labels closer than this would overprint
    previous, level = None, 0
    for span in spans:
        colour = colours[span.name]
        ax.axvspan(span.start, span.end, facecolor=colour, alpha=0.16, linewidth=0, zorder=0,
                   hatch=None if span.healed else "//", edgecolor=colour)
        for x in (span.start, span.end) if span.healed else (span.start,):
            ax.axvline(x, color=colour, linewidth=0.8, alpha=0.9, zorder=3)
        if labelled:
            level = level + 1 if previous is not None and span.start - previous < crowded else 0
            previous = span.start
            ax.text(span.start, 0.97 - 0.08 * (level % 3), " " + _short(span.label), transform=top, fontsize=8,
                    color=colour, fontweight="bold", va="top", parse_math=False)


def _draw_marks(ax: Any, marks: Sequence[Mark], labelled: bool) -> None:
    top = blended_transform_factory(ax.transData, ax.transAxes)
    for mark in marks:
        colour, style = MARK_STYLES.get(mark.kind, ("#455a64", "-."))
        ax.axvline(mark.x, color=colour, linestyle=style, linewidth=1.0)
        if labelled:
            ax.text(mark.x, 0.97, " " + _short(mark.label), transform=top, rotation=90, fontsize=7,
                    color=colour, va="top", ha="left", parse_math=False)


def _legend_for_marks(ax: Any, marks: Sequence[Mark]) -> None:
    """Add role-change line styles to the latency legend, once per kind."""
    for kind in sorted({m.kind for m in marks}):
        colour, style = MARK_STYLES.get(kind, ("#455a64", "-."))
        ax.plot([], [], color=colour, linestyle=style, label=kind.replace("_", " "))
    if marks:
        _legend(ax, ncols=4)


def _short(text: str) -> str:
    return text if len(text) <= _LABEL_MAX else text[: _LABEL_MAX - 1] + "…"


def _to_svg(fig: Figure) -> str:
    """SVG text for inlining in HTML: no XML declaration or DOCTYPE, stable ids."""
    buf = io.StringIO()
    # A fixed hash salt makes element ids (and so the file) reproducible.
    with matplotlib.rc_context({"svg.hashsalt": "chaoskit-report", "svg.fonttype": "path"}):
        fig.savefig(buf, format="svg", metadata={"Date": None})
    svg = buf.getvalue()
    return svg[svg.index("<svg"):] if "<svg" in svg else svg
