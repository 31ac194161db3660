"""A run's audit: the configuration each node ran with (collected into config/) checked like a user's files.

`chaoskit run` calls `write_rewrites` when the cluster runs a user's own files
(--config) and `audit_run` once the nodes' rendered files are collected;
the report shows both (reports/config_audit.py).
"""
from __future__ import annotations

import dataclasses
import json
import os
from collections.abc import Sequence
from pathlib import Path

from chaoskit.audit.deployment import audit, read_files
from chaoskit.audit.known_keys import KeysUnavailable
from chaoskit.audit.model import Finding
from chaoskit.audit.read import BadInput

AUDIT_FILE, REWRITES_FILE = "audit.json", "rewrites.json"
# What each node ran with, as docker/launch.sh renders it (the proxy's JSON is what it reads).
RENDERED = ("namesrv.properties", "broker.properties", "rmq-proxy.json")


def write_rewrites(run_dir: Path, rewrites: Sequence) -> Path:
    """rewrites.json: every key of the user's files that runs otherwise in Docker, and why."""
    path = run_dir / REWRITES_FILE
    path.write_text(json.dumps({"rewrites": [r.to_dict() for r in rewrites]}, indent=1) + "\n")
    return path


def audit_run(run_dir: Path, version: str) -> list[Finding]:
    """Audit the rendered configurations under run_dir/config/ and write audit.json (never raises on bad files)."""
    files = sorted(p for p in (run_dir / "config").glob("*/*") if p.name in RENDERED)
    note = None
    try:
        found = [dataclasses.replace(f, file=os.path.relpath(f.file, run_dir))
                 for f in audit(read_files(files), version)] if files else []
        if not files:
            note = "no rendered configuration was collected (the cluster never started)"
    except (BadInput, KeysUnavailable) as exc:
        found, note = [], f"the audit could not run: {exc}"
    except Exception as exc:  # noqa: BLE001  (an audit bug must not cost the run its check and report)
        found, note = [], f"the audit failed: {exc!r}"
    (run_dir / AUDIT_FILE).write_text(json.dumps(
        {"rocketmq_version": version, "files": [p.relative_to(run_dir).as_posix() for p in files],
         "note": note, "findings": [f.to_dict() for f in found]}, indent=1) + "\n")
    return found
