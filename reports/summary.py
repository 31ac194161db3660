"""summary.md: verdict, counts and checks, for a CI job summary (GitHub Markdown)."""
from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from reports import checks
from reports.config_audit import ConfigAudit

_ICON = {checks.PASS: "✅", checks.FAIL: "❌", checks.UNKNOWN: "⚠️"}
_STATUS = {checks.OK: "✅ pass", checks.FAILED: "❌ fail", checks.UNDECIDED: "⚠️ unknown", checks.SKIPPED: "➖ skipped"}
# Markdown and HTML punctuation that could format, link or inject; CommonMark
# lets any ASCII punctuation be backslash-escaped.
_SPECIAL = re.compile(r"([\\`*_\[\]<>|#~&])")


def escape(text: Any) -> str:
    """Ledger or checker text made literal inside one Markdown line or table cell."""
    return _SPECIAL.sub(r"\\\1", " ".join(str(text).split()))


def summary_md(results: Mapping[str, Any], meta: Mapping[str, str], scenario_name: str,
               config_audit: ConfigAudit | None = None) -> str:
    """The summary.md text for one run."""
    verdict = checks.verdict(results)
    lines = [
        f"## {_ICON[verdict]} {verdict} · {escape(scenario_name)}",
        "",
        f"**Reason:** {escape(results.get('reason') or 'no reason given')}",
        "",
    ]
    diagnosis = results.get("diagnosis")
    stuck = diagnosis.get("no_recovery") if isinstance(diagnosis, dict) else None
    if isinstance(stuck, dict) and stuck.get("explanation"):
        lines += [f"**Why the cluster did not recover:** {escape(stuck['explanation'])}", ""]
    facts = [f"RocketMQ {meta['rocketmq_version']}" if meta.get("rocketmq_version") else "",
             f"access {meta['access']}" if meta.get("access") else ""]
    if any(facts):
        lines += [escape(", ".join(f for f in facts if f)) + ".", ""]
    expected = checks.expected_verdict(meta)
    if expected is not None:
        met = "met" if expected == verdict else "**not met**"
        lines += [f"Expected verdict: {escape(expected)}, {met}.", ""]
    audit = config_audit or ConfigAudit()
    for f in audit.errors:
        lines += [f"- ❌ configuration audit error: {escape(f['file'])}:{f['line'] or ''} {escape(f['message'])}"]
    if audit.present:
        tally = ", ".join(f"{sum(f.get('severity') == s for f in audit.findings)} {s}" for s in ("error", "warn", "info"))
        lines += [""] * bool(audit.errors) + [f"Configuration audit (`audit.json`): {tally}"
                  + (f"; your files ran with {len(audit.rewrites)} rewrite(s) (`rewrites.json`)" if audit.rewrites else "")
                  + (f"; {escape(audit.note)}" if audit.note else "") + ".", ""]
    lines += ["| count | values | meaning |", "| --- | ---: | --- |"]
    for c in checks.counts(results, meta):
        value = "not checked" if c.value is None else f"{c.value:,}"
        if c.alarm:
            value = f"**{value}**"
        lines.append(f"| {escape(c.label)} | {value} | {escape(c.meaning)} |")
    lines += ["", "| check | result | detail |", "| --- | --- | --- |"]
    for c in checks.checks(results, meta):
        lines.append(f"| {c.name} | {_STATUS[c.status]} | {escape(c.message)} |")
    lines += ["", "The full report with the timeline, faults and anomalies is `report.html` in the run directory.", ""]
    return "\n".join(lines)
