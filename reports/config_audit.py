"""The run's configuration audit (audit.json) and the rewrites of a user's files (rewrites.json), for the reports."""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from chaoskit.audit.run_audit import AUDIT_FILE, REWRITES_FILE


@dataclass(frozen=True)
class ConfigAudit:
    findings: list[dict[str, Any]] = field(default_factory=list)
    rewrites: list[dict[str, Any]] = field(default_factory=list)
    note: str | None = None
    present: bool = False     # False: a run from before audits (no audit.json)

    @property
    def errors(self) -> list[dict[str, Any]]:
        return [f for f in self.findings if f.get("severity") == "error"]


def load(run_dir: Path) -> ConfigAudit:
    """What the run directory holds; unreadable files read as absent, with a note."""
    audit, note1 = _read(run_dir / AUDIT_FILE)
    rewrites, note2 = _read(run_dir / REWRITES_FILE)
    return ConfigAudit(findings=list(audit.get("findings") or []), rewrites=list(rewrites.get("rewrites") or []),
                       note=audit.get("note") or note1 or note2, present=(run_dir / AUDIT_FILE).is_file())


def _read(path: Path) -> tuple[dict[str, Any], str | None]:
    if not path.is_file():
        return {}, None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        return {}, f"{path.name} is not readable JSON: {exc}"
    return (data, None) if isinstance(data, dict) else ({}, f"{path.name} does not hold a JSON object")
