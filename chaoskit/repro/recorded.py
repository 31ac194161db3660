"""A run directory -> the scenario exactly as it ran, to run again (replay, shrink) or to file (bundle).

The run directory holds the scenario file as given (`scenario.toml`), the
fault plan as run (`plan.json`), the user's own files of a --config run as
given (`user-config/`) and, in the ledger's meta, what the command line
changed: duration, seed, version, replicas, access, role property overrides
(`cluster_overrides`) and each workload's rate. Loading the file with those
as overrides, the recorded files as --config, and the recorded plan in place
of a regenerated one gives the run's scenario. Pure: no Docker.
"""
from __future__ import annotations

import dataclasses
import json
from pathlib import Path

from chaoskit import ledger
from chaoskit.audit.deployment import read_files
from chaoskit.audit.read import BadInput
from chaoskit.audit.run_audit import REWRITES_FILE, USER_FILES
from chaoskit.diagnosis import rundir as diagnosis
from chaoskit.errors import UsageError
from chaoskit.scenario import Overrides, Scenario, load
from faults import plan as plan_mod

SCENARIO_FILE = "scenario.toml"
PLAN_FILE = "plan.json"
RESULTS_FILE = "results.json"
# meta keys the run writes for itself, not property overrides (chaoskit.run_meta.scenario_meta)
_FIXED_CONTROLLER_KEYS = {"enableControllerInNamesrv", "controllers"}


def run_meta(run_dir: Path) -> dict[str, str]:
    """The run's ledger meta; UsageError (one line) for anything that is not a run directory."""
    if not run_dir.is_dir():
        raise UsageError(f"no run directory {run_dir}")
    try:
        conn = ledger.open_for_read(run_dir / "ledger.db")
    except ledger.LedgerError as exc:
        raise UsageError(str(exc)) from None
    try:
        return ledger.read_meta(conn)
    finally:
        conn.close()


def require(run_dir: Path) -> dict[str, str]:
    """A finished run directory: its ledger, scenario file and collected node logs; its meta.
    UsageError (one line) otherwise."""
    meta = run_meta(run_dir)
    if not (run_dir / SCENARIO_FILE).is_file():
        raise UsageError(f"{run_dir} has no {SCENARIO_FILE}: not a chaoskit run directory")
    if not diagnosis.log_files(run_dir):
        raise UsageError(f"{run_dir} holds no broker or controller logs (logs/*.log): the run did not finish")
    return meta


def results(run_dir: Path) -> dict:
    """The run's results.json (the checker's verdict); UsageError (one line) if missing or unreadable."""
    try:
        found = json.loads((run_dir / RESULTS_FILE).read_text(encoding="utf-8"))
        if not isinstance(found, dict) or "valid" not in found:
            raise ValueError("no verdict in it")
    except (OSError, ValueError) as exc:
        raise UsageError(f"{run_dir} has no readable {RESULTS_FILE} ({exc}): run `chaoskit check {run_dir}` first") from None
    return found


def load_run(run_dir: Path) -> Scenario:
    """The scenario as the run ran it; UsageError (one line) for a directory that cannot give it."""
    meta = require(run_dir)
    try:
        workloads = json.loads(meta.get("workload") or "[]")
        overrides = Overrides(
            duration=float(meta["duration_s"]) if meta.get("duration_s") else None,
            rate=sum(float(w["rate"]) for w in workloads) if workloads else None,
            seed=int(meta["seed"]) if meta.get("seed") else None,
            rocketmq_version=meta.get("rocketmq_version") or None,
            replicas=int(meta["replicas"]) if meta.get("replicas") else None,
            sets=_sets(meta),
            access=meta.get("access") or None,
            config=_user_files(run_dir))
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise UsageError(f"{run_dir}: the ledger's meta does not describe the run: {exc}") from None
    try:
        scenario = load(str(run_dir / SCENARIO_FILE), overrides)
        plan_path = run_dir / PLAN_FILE
        plan = plan_mod.Plan.from_json(plan_path.read_text()) if plan_path.is_file() else None
    except UsageError as exc:
        raise UsageError(f"{run_dir}: {exc}") from None
    return dataclasses.replace(scenario, name=meta.get("scenario") or scenario.name, plan=plan)


def _sets(meta: dict[str, str]) -> tuple[str, ...]:
    """The run's role overrides as `--set` assignments: meta `cluster_overrides` where the run wrote it;
    before that, broker_config and controller_config (which then held nothing else for a run of
    chaoskit's own files; a --config run of then is refused by _user_files)."""
    if "cluster_overrides" in meta:
        roles = json.loads(meta["cluster_overrides"])
    else:
        roles = {"broker": json.loads(meta.get("broker_config") or "{}"),
                 "controller": {k: v for k, v in json.loads(meta.get("controller_config") or "{}").items()
                                if k not in _FIXED_CONTROLLER_KEYS}}
    return tuple(f"{role}.{k}={v}" for role, props in roles.items() for k, v in props.items())


def _user_files(run_dir: Path) -> str | None:
    """The folder of the user's files a --config run recorded; None for a run of chaoskit's own files.
    UsageError if the run ran user files it did not record, or they are unreadable."""
    files = run_dir / USER_FILES
    if not files.is_dir():
        if (run_dir / REWRITES_FILE).is_file():
            raise UsageError(f"{run_dir} ran your --config files but holds no copy of them ({USER_FILES}/ is missing): "
                             "run its scenario again with `chaoskit run SCENARIO --config DIR`")
        return None
    try:
        read_files([files])
    except BadInput as exc:
        raise UsageError(f"{run_dir}: the recorded --config files cannot be read: {exc}") from None
    return str(files)
