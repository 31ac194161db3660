"""Scenarios: TOML files a user can copy and edit, validated before anything runs.

A scenario names the cluster (version, replicas, property overrides), the
workloads, the fault plan (generated from a seed and a mix, or explicit
steps) and the verdict it expects. Command-line options override any value.
Every mistake is a UsageError naming the file and the key (exit 2).
"""
from __future__ import annotations

import dataclasses
import difflib
import os
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from chaoskit.cluster import user_config
from chaoskit.cluster.spec import DEFAULT_ACCESS, ClusterSpec
from chaoskit.errors import UsageError
from chaoskit.paths import SCENARIO_DIR
from faults import plan as plan_mod
from workloads.spec import WorkloadSpec

VERDICTS = {"pass": True, "fail": False}

_TOP = {"description", "expected_verdict", "cluster", "run", "workloads", "faults"}
_CLUSTER = {"rocketmq_version", "replicas", "access", "broker", "controller", "proxy", "config"}
_RUN = {"duration", "seed", "recovery_timeout", "warmup"}
_FAULTS = {"kinds", "targets", "interval", "fault_duration", "steps"}
_STEP = {"start", "duration", "fault", "target", "params"}
_WORKLOAD = {f.name for f in dataclasses.fields(WorkloadSpec)} - {"duration"}
# Workload keys of the gRPC consumers (SimpleConsumer/PushConsumer of the Python client): the
# remoting workload always consumes with the Java client's push consumer.
PROXY_ONLY_WORKLOAD_KEYS = {"consumer", "invisible_duration"}


@dataclass(frozen=True)
class Overrides:
    """Command-line options; None = keep the scenario's value."""

    duration: float | None = None
    rate: float | None = None          # total over all workloads, split in the scenario's proportions
    faults: tuple[str, ...] | None = None  # () = no faults
    interval: float | None = None
    seed: int | None = None
    rocketmq_version: str | None = None
    replicas: int | None = None
    sets: tuple[str, ...] = ()
    access: str | None = None          # remoting | proxy
    config: str | None = None          # a folder (or file) of the user's own RocketMQ files


@dataclass(frozen=True)
class Scenario:
    name: str
    path: Path
    description: str
    expected_verdict: str | None       # "pass" | "fail" | None
    cluster: ClusterSpec
    workloads: tuple[WorkloadSpec, ...]
    plan: plan_mod.Plan | None         # None: no faults
    duration: float
    seed: int
    recovery_timeout: float
    warmup: float
    user_config: user_config.UserConfig | None = None  # the cluster runs the user's own files (--config)
    config_path: Path | None = None    # where those files were read from (a run records them; replay reads them back)


def resolve_path(name_or_path: str) -> Path:
    """`no-loss` -> scenarios/no-loss.toml; a path is taken as it is."""
    path = Path(name_or_path)
    if path.suffix == ".toml" or path.exists():
        if not path.is_file():
            raise UsageError(f"no scenario file {path}")
        return path
    candidate = SCENARIO_DIR / f"{name_or_path}.toml"
    if not candidate.is_file():
        known = sorted(p.stem for p in SCENARIO_DIR.glob("*.toml"))
        raise UsageError(f"unknown scenario '{name_or_path}'{_suggest(name_or_path, known)}: "
                         f"known scenarios are {', '.join(known)}")
    return candidate


def load(name_or_path: str, overrides: Overrides = Overrides()) -> Scenario:
    """Read, validate and apply overrides; UsageError (exit 2) for any mistake."""
    path = resolve_path(name_or_path)
    try:
        data = tomllib.loads(path.read_text())
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise UsageError(f"{path.name}: not valid TOML: {exc}") from None
    where = path.name
    _keys(data, _TOP, where)
    cluster = _table(data, "cluster", where)
    _keys(cluster, _CLUSTER, f"{where} [cluster]")
    run = _table(data, "run", where)
    _keys(run, _RUN, f"{where} [run]")
    faults = _table(data, "faults", where)
    _keys(faults, _FAULTS, f"{where} [faults]")

    expected = data.get("expected_verdict")
    if expected is not None and expected not in VERDICTS:
        raise UsageError(f"{where}: expected_verdict must be 'pass' or 'fail', not {expected!r}")
    duration = _number(overrides.duration if overrides.duration is not None else run.get("duration", 120),
                       "duration", where, minimum=1)
    seed = overrides.seed if overrides.seed is not None else run.get("seed", 0)
    if not isinstance(seed, int):
        raise UsageError(f"{where}: seed must be a whole number, not {seed!r}")

    props = {}
    for role in ("broker", "controller", "proxy"):
        table = _table(cluster, role, f"{where} [cluster]")
        props[role] = {k: _prop(v, f"{where} [cluster.{role}] {k}") for k, v in table.items()}
    spec = ClusterSpec(
        version=overrides.rocketmq_version or cluster.get("rocketmq_version", ClusterSpec.version),
        replicas=overrides.replicas if overrides.replicas is not None else cluster.get("replicas", 2),
        overrides={r: p for r, p in props.items() if p},
        access=overrides.access or cluster.get("access", DEFAULT_ACCESS),
    )
    config_path = _config_path(overrides.config, cluster.get("config"), path)
    users = user_config.load(config_path, spec.version, os.environ) if config_path is not None else None
    if users is not None:
        if overrides.replicas is not None and overrides.replicas != users.replicas:
            raise UsageError(f"--replicas {overrides.replicas}, but the --config files have {users.replicas} brokers")
        # --config replaces the scenario's property tables (written for chaoskit's own files); a scenario
        # naming its own files keeps its tables on top of them. --set applies on top either way.
        spec = dataclasses.replace(spec, replicas=users.replicas, node_overrides=users.nodes,
                                   overrides={} if overrides.config is not None else spec.overrides)
    spec = spec.with_set(list(overrides.sets))

    if spec.access == "remoting":
        for i, item in enumerate(data.get("workloads", [])):
            only = sorted(PROXY_ONLY_WORKLOAD_KEYS & set(item)) if isinstance(item, dict) else []
            if only:
                raise UsageError(f"{where} [[workloads]] #{i + 1}: {', '.join(only)} only make sense through a "
                                 f"proxy (gRPC consumers), not with access 'remoting'")
    workloads = _workloads(data.get("workloads", []), duration, overrides.rate, where)
    plan = _plan(faults, duration, seed, overrides, where)
    return Scenario(
        name=path.stem, path=path, description=str(data.get("description", "")), expected_verdict=expected,
        cluster=spec, workloads=workloads, plan=plan, duration=duration, seed=seed,
        recovery_timeout=_number(run.get("recovery_timeout", 180), "recovery_timeout", where, minimum=1),
        warmup=_number(run.get("warmup", 0), "warmup", where, minimum=0), user_config=users,
        config_path=config_path,
    )


def _config_path(option: str | None, key: Any, scenario_path: Path) -> Path | None:
    """The user's files: --config, else [cluster] config (relative to the scenario file), else None."""
    if option is None and key is None:
        return None
    if option is None and not isinstance(key, str):
        raise UsageError(f"{scenario_path.name} [cluster]: config must be a path")
    return Path(option) if option is not None else scenario_path.parent / key


def _workloads(items: Any, duration: float, total_rate: float | None, where: str) -> tuple[WorkloadSpec, ...]:
    if not isinstance(items, list) or not items:
        raise UsageError(f"{where}: at least one [[workloads]] table is needed")
    for i, item in enumerate(items):
        if not isinstance(item, dict):
            raise UsageError(f"{where}: workloads[{i}] must be a table")
        _keys(item, _WORKLOAD, f"{where} [[workloads]] #{i + 1}")
    kinds = [item.get("kind", "queue") for item in items]
    if len(set(kinds)) != len(kinds):
        raise UsageError(f"{where}: each workload kind may appear once (they share the kind's topic)")
    rates = [item.get("rate", WorkloadSpec.rate) for item in items]
    if total_rate is not None:
        _number(total_rate, "--rate", where, minimum=0, strict=True)
        scale = total_rate / sum(rates)
        rates = [r * scale for r in rates]
    return tuple(WorkloadSpec(**{**item, "rate": rate, "duration": duration}) for item, rate in zip(items, rates))


def _plan(faults: dict, duration: float, seed: int, overrides: Overrides, where: str) -> plan_mod.Plan | None:
    kinds = tuple(overrides.faults) if overrides.faults is not None else tuple(faults.get("kinds", ()))
    if not kinds:
        return None
    interval = overrides.interval if overrides.interval is not None else faults.get("interval", 30)
    fault_duration = faults.get("fault_duration")
    steps = faults.get("steps")
    if steps is not None and overrides.faults is None and overrides.interval is None:
        return _explicit_plan(steps, kinds, faults, duration, seed, interval, where)
    return plan_mod.generate(seed=seed, interval=interval, duration=duration, faults=kinds,
                             targets=tuple(faults.get("targets", ())), fault_duration=fault_duration)


def _explicit_plan(steps: Any, kinds: tuple[str, ...], faults: dict, duration: float, seed: int,
                   interval: float, where: str) -> plan_mod.Plan:
    """A plan written out step by step (a scenario that needs faults to overlap)."""
    if not isinstance(steps, list) or not steps:
        raise UsageError(f"{where}: [[faults.steps]] must list at least one step")
    built = []
    for i, step in enumerate(steps):
        _keys(step, _STEP, f"{where} [[faults.steps]] #{i + 1}")
        missing = sorted({"start", "duration", "fault", "target"} - set(step))
        if missing:
            raise UsageError(f"{where} [[faults.steps]] #{i + 1}: missing {', '.join(missing)}")
        if step["fault"] not in kinds:
            raise UsageError(f"{where} [[faults.steps]] #{i + 1}: fault '{step['fault']}' is not in kinds {list(kinds)}")
        if step["start"] + step["duration"] > duration:
            raise UsageError(f"{where} [[faults.steps]] #{i + 1}: ends after the run's duration ({duration:g} s)")
        built.append(plan_mod.Step(i, float(step["start"]), float(step["duration"]), step["fault"],
                                   step["target"], dict(step.get("params", {}))))
    plan = plan_mod.Plan(seed, float(interval), float(duration), float(faults.get("fault_duration", interval / 2)),
                         kinds, tuple(faults.get("targets", ())), tuple(built))
    plan_mod.validate(plan)
    return plan


def _keys(table: dict, allowed: set[str], where: str) -> None:
    for key in table:
        if key not in allowed:
            raise UsageError(f"{where}: unknown key '{key}'{_suggest(key, allowed)}")


def _table(parent: dict, key: str, where: str) -> dict:
    value = parent.get(key, {})
    if not isinstance(value, dict):
        raise UsageError(f"{where}: '{key}' must be a table")
    return value


def _number(value: Any, name: str, where: str, minimum: float, strict: bool = False) -> float:
    ok = isinstance(value, (int, float)) and not isinstance(value, bool) and (value > minimum if strict else value >= minimum)
    if not ok:
        raise UsageError(f"{where}: {name} must be a number {'>' if strict else '>='} {minimum:g}, not {value!r}")
    return float(value)


def _prop(value: Any, where: str) -> str:
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, (int, float, str)):
        return str(value)
    raise UsageError(f"{where}: a property value must be a string, number or boolean")


def _suggest(word: str, choices: Any) -> str:
    close = difflib.get_close_matches(word, sorted(choices), n=1)
    return f" (did you mean '{close[0]}'?)" if close else ""
