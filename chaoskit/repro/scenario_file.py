"""A Scenario -> a scenario TOML file that `chaoskit run` loads back to the same scenario (pure).

What shrink writes (each candidate it tries, and the minimal one) and what a
bug report carries: every value explicit, the fault plan as explicit steps.
A scenario that runs the user's own files (--config) names them as
`config = "user-config"`: `write` copies them there, beside the file.
"""
from __future__ import annotations

import dataclasses
from pathlib import Path

import tomli_w

from chaoskit.audit.run_audit import USER_FILES, record_user_files
from chaoskit.scenario import PROXY_ONLY_WORKLOAD_KEYS, Scenario, load
from faults.plan import Plan


def to_toml(scenario: Scenario, header: str = "") -> str:
    """The scenario as TOML, `header` as leading comment lines; its files (if any) in user-config/ beside it."""
    cluster: dict = {"rocketmq_version": scenario.cluster.version, "replicas": scenario.cluster.replicas,
                     "access": scenario.cluster.access}
    if scenario.config_path is not None:
        cluster["config"] = USER_FILES
    cluster.update({role: dict(props) for role, props in scenario.cluster.overrides.items() if props})
    data: dict = {"description": scenario.description}
    if scenario.expected_verdict is not None:
        data["expected_verdict"] = scenario.expected_verdict
    data["cluster"] = cluster
    data["run"] = {"duration": scenario.duration, "seed": scenario.seed,
                   "recovery_timeout": scenario.recovery_timeout, "warmup": scenario.warmup}
    # the gRPC consumers' keys only where they apply (a remoting scenario refuses them)
    skip = {"duration", *(PROXY_ONLY_WORKLOAD_KEYS if scenario.cluster.access == "remoting" else ())}
    data["workloads"] = [{k: v for k, v in dataclasses.asdict(w).items() if k not in skip} for w in scenario.workloads]
    if scenario.plan is not None and scenario.plan.steps:
        data["faults"] = _faults(scenario.plan)
    comment = "".join(f"# {line}\n" for line in header.splitlines())
    return comment + tomli_w.dumps(data)


def _faults(plan: Plan) -> dict:
    return {"kinds": list(plan.faults), "interval": plan.interval, "fault_duration": plan.fault_duration,
            "steps": [{"start": s.start, "duration": s.duration, "fault": s.fault, "target": s.target,
                       "params": dict(s.params)} for s in plan.steps]}


def write(scenario: Scenario, path: Path, header: str = "") -> Scenario:
    """Write the scenario (and its user files) beside `path` and load it back: the scenario a run of that file is."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if scenario.config_path is not None:
        record_user_files(path.parent, scenario.config_path)
    path.write_text(to_toml(scenario, header))
    return dataclasses.replace(load(str(path)), name=scenario.name)
