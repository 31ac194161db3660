"""A run directory -> the scenario exactly as it ran, to run again (replay, shrink) or to file (bundle).

The run directory holds the scenario file as given (`scenario.toml`), the
fault plan as run (`plan.json`) and, in the ledger's meta, what the command
line changed: duration, seed, version, replicas, property overrides and each
workload's rate. Loading the file with those as overrides and the recorded
plan in place of a regenerated one gives the run's scenario. Pure: no Docker.
"""
from __future__ import annotations

import dataclasses
import json
from pathlib import Path

from chaoskit import ledger
from chaoskit.diagnosis import rundir as diagnosis
from chaoskit.errors import UsageError
from chaoskit.scenario import Overrides, Scenario, load
from faults import plan as plan_mod

SCENARIO_FILE = "scenario.toml"
PLAN_FILE = "plan.json"
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


def load_run(run_dir: Path) -> Scenario:
    """The scenario as the run ran it; UsageError for a directory that cannot give it."""
    meta = require(run_dir)
    try:
        workloads = json.loads(meta.get("workload") or "[]")
        broker = json.loads(meta.get("broker_config") or "{}")
        controller = json.loads(meta.get("controller_config") or "{}")
        sets = tuple([f"broker.{k}={v}" for k, v in broker.items()]
                     + [f"controller.{k}={v}" for k, v in controller.items() if k not in _FIXED_CONTROLLER_KEYS])
        overrides = Overrides(
            duration=float(meta["duration_s"]) if meta.get("duration_s") else None,
            rate=sum(float(w["rate"]) for w in workloads) if workloads else None,
            seed=int(meta["seed"]) if meta.get("seed") else None,
            rocketmq_version=meta.get("rocketmq_version") or None,
            replicas=int(meta["replicas"]) if meta.get("replicas") else None,
            sets=sets,
            access=meta.get("access") or None)
    except (ValueError, KeyError, TypeError) as exc:
        raise UsageError(f"{run_dir}: the ledger's meta does not describe the run: {exc}") from None
    scenario = load(str(run_dir / SCENARIO_FILE), overrides)
    plan_path = run_dir / PLAN_FILE
    plan = plan_mod.Plan.from_json(plan_path.read_text()) if plan_path.is_file() else None
    return dataclasses.replace(scenario, name=meta.get("scenario") or scenario.name, plan=plan)
