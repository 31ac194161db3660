"""The short human summary of a check, rendered with rich."""
from __future__ import annotations

import datetime as dt
from functools import partial
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

# Most damning first: the summary shows the first few classes that occurred.
SEVERITY = ("unexpected", "failed_delivered", "lost_in_store", "order_violations", "lost", "recovered", "duplicated")
CLASSES_SHOWN = 3
EXAMPLES_SHOWN = 3
_VERDICT_STYLE = {True: ("VALID", "bold green"), False: ("INVALID", "bold red"), "unknown": ("UNKNOWN", "bold yellow")}


def render(results: dict[str, Any], ledger_path: Path, results_path: Path, console: Console) -> None:
    """Verdict, counts, the worst anomalies with examples, availability and latency in a few lines."""
    word, style = _VERDICT_STYLE[results["valid"]]
    say = partial(console.print, soft_wrap=True)  # paths and reasons stay whole for grep and CI logs
    say(Text.assemble("chaoskit check ", (str(ledger_path), "bold"), " (times UTC)"))
    say(Text.assemble("verdict: ", (word, style), f" - {results['reason']}"))
    say(
        f"values: attempted {results['attempt_count']}, acknowledged {results['acknowledged_count']}, "
        f"received {results['received_count']} (ok {results['ok_count']})"
    )
    say("anomalies: " + ", ".join(f"{name} {_count(results, name)}" for name in SEVERITY))
    for name in [n for n in SEVERITY if _occurred(results, n)][:CLASSES_SHOWN]:
        console.print(_order_table(results) if name == "order_violations" else _example_table(results, name))
    say(_availability(results["availability"]))
    say(_latency(results["latency"]))
    say(f"results: {results_path}")


def _count(results: dict[str, Any], name: str) -> str:
    if name == "order_violations":
        return str(results["order_violation_count"])
    if name == "lost_in_store" and results["lost_in_store_count"] is None:
        return "not checked"
    if name == "lost" and not results["drain_complete"]:
        return f"{results['lost_count']} (unseen: drain incomplete)"
    if name == "duplicated":
        return f"{results['duplicated_count']} (+{results['duplicate_deliveries']} deliveries)"
    return str(results[f"{name}_count"])


def _occurred(results: dict[str, Any], name: str) -> bool:
    key = "order_violation_count" if name == "order_violations" else f"{name}_count"
    return bool(results[key])


def _example_table(results: dict[str, Any], name: str) -> Table:
    table = Table(title=f"{name} ({results[f'{name}_count']})", title_justify="left", box=None, pad_edge=False)
    for column in ("value", "sent", "outcome", "message id", "first received", "nearest fault"):
        table.add_column(column, overflow="fold", no_wrap=column in ("sent", "first received"))
    for ex in results["examples"][name][:EXAMPLES_SHOWN]:
        table.add_row(
            ex["value"], _time(ex["invoke_ts"]), ex["outcome"] or "-", ex["message_id"] or "-",
            _time(ex["first_receive_ts"]), _fault(ex["nearest_fault"]),
        )
    return table


def _order_table(results: dict[str, Any]) -> Table:
    table = Table(title=f"order violations ({results['order_violation_count']})", title_justify="left", box=None, pad_edge=False)
    for column in ("group", "a", "b", "a sent", "b sent", "a first received", "b first received"):
        table.add_column(column, overflow="fold", no_wrap=column.endswith(("sent", "received")))
    for v in results["order_violations"][:EXAMPLES_SHOWN]:
        table.add_row(
            v["group"], v["a"], v["b"], _time(v["a_invoke_ts"]), _time(v["b_invoke_ts"]),
            _time(v["a_first_receive_ts"]), _time(v["b_first_receive_ts"]),
        )
    return table


def _availability(section: dict[str, Any]) -> str:
    parts = [
        f"{f['name']} {f['target'] or ''}".strip() + f" {_seconds(f['unavailable_s'])} (max {_seconds(f['max_s'])})"
        for f in section["faults"]
    ]
    outside = section["outside_faults"]
    parts.append(f"outside faults {_seconds(outside['total_s'])} (max {_seconds(outside['max_s'])})")
    return "unavailable: " + "; ".join(parts)


def _latency(section: dict[str, Any]) -> str:
    def one(label: str, s: dict[str, Any]) -> str:
        return f"{label} p50 {_seconds(s['p50'])}, p99 {_seconds(s['p99'])}, max {_seconds(s['max'])}"

    return "latency: " + one("send", section["send"]) + "; " + one("end-to-end", section["end_to_end"])


def _time(ts: float | None) -> str:
    if ts is None:
        return "-"
    try:
        return dt.datetime.fromtimestamp(ts, dt.UTC).strftime("%H:%M:%S.%f")[:-3]
    except (OverflowError, ValueError, OSError):  # a foreign ledger's odd clock: show the number
        return str(ts)


def _seconds(s: float | None) -> str:
    return "-" if s is None else f"{s:.3f}s"


def _fault(fault: dict[str, Any] | None) -> str:
    if fault is None:
        return "-"
    lasted = "never healed" if fault["end_ts"] is None else f"+{fault['end_ts'] - fault['start_ts']:.1f}s"
    return " ".join(filter(None, (fault["name"], fault["target"], f"{_time(fault['start_ts'])} {lasted}")))
