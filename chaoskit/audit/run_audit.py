"""A run's audit: the configuration each node ran with (collected into config/) checked like a user's files.

`chaoskit run` calls `record_user_files` and `write_rewrites` when the cluster
runs a user's own files (--config), and `audit_run` once the nodes' rendered
files are collected; the report shows the rewrites and the audit
(reports/config_audit.py); replay and shrink run the recorded files again.
"""
from __future__ import annotations

import dataclasses
import json
import os
import shutil
from collections.abc import Sequence
from pathlib import Path

from chaoskit.audit.deployment import audit, read_files
from chaoskit.audit.known_keys import KeysUnavailable
from chaoskit.audit.model import Finding
from chaoskit.audit.read import BadInput
from chaoskit.errors import UsageError

AUDIT_FILE, REWRITES_FILE = "audit.json", "rewrites.json"
USER_FILES = "user-config"  # the user's files as given, beside a run's scenario (or a scenario shrink wrote)
# What each node ran with, as docker/launch.sh renders it (the proxy's JSON is what it reads).
RENDERED = ("namesrv.properties", "broker.properties", "rmq-proxy.json")


def write_rewrites(run_dir: Path, rewrites: Sequence) -> Path:
    """rewrites.json: every key of the user's files that runs otherwise in Docker, and why."""
    path = run_dir / REWRITES_FILE
    path.write_text(json.dumps({"rewrites": [r.to_dict() for r in rewrites]}, indent=1) + "\n")
    return path


def record_user_files(into: Path, source: Path) -> Path:
    """Copy the user's RocketMQ files at `source` (a file, or a folder's RocketMQ files at their paths
    inside it) byte for byte to into/user-config/, replacing what was there; returns that folder.
    UsageError (one line) if they cannot be read."""
    dest = into / USER_FILES
    try:
        files = [f.path for f in read_files([source])]
    except BadInput as exc:
        raise UsageError(f"--config: {exc}") from None
    if dest.resolve() == source.resolve():
        return dest
    shutil.rmtree(dest, ignore_errors=True)
    for path in files:
        copy = dest / (path.relative_to(source) if source.is_dir() else path.name)
        copy.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, copy)
    return dest


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
