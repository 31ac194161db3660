"""Fault plans: seeded lists of timed steps, their validation, JSON and printing (pure).

No Docker, no clock, no unseeded randomness: the same arguments give a
byte-identical `to_json()`. Errors are chaoskit.errors.UsageError (one line,
exit 2) so the CLI rejects a bad plan before anything is touched.
"""
from __future__ import annotations

import json
import random
from collections.abc import Collection, Iterable, Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

from chaoskit.errors import UsageError
from faults import kinds
from faults.targets import DEFAULT_NODE_NAMES, check_spec

FORMAT = 1


@dataclass(frozen=True)
class Step:
    index: int
    start: float                 # seconds after the main phase's t0
    duration: float              # seconds from the fault applied to its heal
    fault: str                   # a kinds.KINDS name
    target: str                  # a target spec, resolved at injection time
    params: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Plan:
    seed: int
    interval: float
    duration: float
    fault_duration: float
    faults: tuple[str, ...]
    targets: tuple[str, ...]     # the target mix; empty = each kind's own
    steps: tuple[Step, ...]

    def to_json(self) -> str:
        """Canonical JSON: sorted keys, fixed indentation, newline at the end."""
        return json.dumps({"format": FORMAT, **asdict(self)}, sort_keys=True, indent=2) + "\n"

    @classmethod
    def from_json(cls, text: str) -> Plan:
        """Parse and validate (kinds, targets, parameters, times); UsageError if bad."""
        try:
            data = json.loads(text)
            if data.pop("format", FORMAT) != FORMAT:
                raise ValueError(f"plan format must be {FORMAT}")
            steps = tuple(Step(**s) for s in data.pop("steps"))
            plan = cls(steps=steps, faults=tuple(data.pop("faults")),
                       targets=tuple(data.pop("targets")), **data)
        except (ValueError, TypeError, KeyError, AttributeError) as exc:
            raise UsageError(f"not a fault plan: {exc}") from None
        validate(plan)
        return plan


def generate(seed: int, interval: float, duration: float, faults: Iterable[str],
             targets: Iterable[str] = (), fault_duration: float | None = None,
             node_names: Collection[str] = DEFAULT_NODE_NAMES) -> Plan:
    """One fault every `interval` seconds, the first at `interval`, each lasting
    `fault_duration` (default half the interval); steps that would not be
    healed by `duration` are left out. Kinds come in rounds that hold each
    of `faults` once; the order, targets and parameters come from
    `random.Random(seed)`.
    """
    faults, targets = tuple(faults), tuple(targets)
    fault_duration = interval / 2 if fault_duration is None else fault_duration
    _check_options(interval, duration, fault_duration, faults, targets, node_names)
    rng = random.Random(seed)
    steps = []
    bag: list[str] = []
    start = float(interval)
    while start + fault_duration <= duration:
        if not bag:  # every kind once per round, in a seeded order: short runs still mix them
            bag = rng.sample(faults, len(faults))
        kind = kinds.KINDS[bag.pop()]
        target = rng.choice(targets or kind.targets)
        params = {name: rng.choice(choices) for name, choices in sorted(kind.params.items())}
        steps.append(Step(len(steps), start, float(fault_duration), kind.name, target, params))
        start += interval
    if not steps:
        raise UsageError(f"no step fits: --duration ({duration:g}) must be at least --interval plus "
                         f"the fault duration ({interval + fault_duration:g})")
    return Plan(seed, float(interval), float(duration), float(fault_duration), faults, targets, tuple(steps))


def validate(plan: Plan, capabilities: Collection[str] | None = None,
             node_names: Collection[str] = DEFAULT_NODE_NAMES) -> None:
    """UsageError for the first thing wrong with `plan`.

    `capabilities` is what the kernel was probed to have (actions.probe_capabilities);
    None skips that check (no cluster at hand). `node_names` are the nodes a
    target may name (the live cluster's, when there is one).
    """
    _check_options(plan.interval, plan.duration, plan.fault_duration, plan.faults, plan.targets, node_names)
    for i, step in enumerate(plan.steps):
        where = f"step {i}"
        if step.index != i:
            raise UsageError(f"{where}: index {step.index}, expected {i}")
        if not (isinstance(step.start, (int, float)) and step.start >= 0):
            raise UsageError(f"{where}: start must be a number >= 0, not {step.start!r}")
        if not (isinstance(step.duration, (int, float)) and step.duration > 0):
            raise UsageError(f"{where}: duration must be a number > 0, not {step.duration!r}")
        try:
            kind = kinds.get(step.fault)
            kinds.check_params(kind, step.params)
            check_spec(step.target, node_names)
        except ValueError as exc:
            raise UsageError(f"{where}: {exc}") from None
    if capabilities is not None:
        for name in dict.fromkeys([*plan.faults, *(s.fault for s in plan.steps)]):
            needs = kinds.KINDS[name].needs
            if needs and needs not in capabilities:
                raise UsageError(f"fault '{name}' is not supported on this kernel: it needs the "
                                 f"{needs} qdisc (sch_{needs}), which this kernel lacks")


def needs(plan: Plan) -> set[str]:
    """The kernel capabilities the plan's kinds need (what to probe for)."""
    names = {*plan.faults, *(s.fault for s in plan.steps)}
    return {kinds.KINDS[n].needs for n in names if n in kinds.KINDS and kinds.KINDS[n].needs}


def _check_options(interval: float, duration: float, fault_duration: float, faults: tuple[str, ...],
                   targets: tuple[str, ...], node_names: Collection[str]) -> None:
    for flag, value in (("--interval", interval), ("--duration", duration), ("--fault-duration", fault_duration)):
        if not (isinstance(value, (int, float)) and value > 0):
            raise UsageError(f"{flag} must be > 0, not {value}")
    if fault_duration > interval:
        raise UsageError(f"--fault-duration ({fault_duration:g}) must not exceed --interval ({interval:g}): "
                         "a fault is healed before the next one starts")
    if not faults:
        raise UsageError("no faults given: e.g. --faults kill,pause,partition")
    try:
        for name in faults:
            kinds.get(name)
        for spec in targets:
            check_spec(spec, node_names)
    except ValueError as exc:
        raise UsageError(str(exc)) from None


def describe(plan: Plan) -> str:
    """The plan as a table for people (the JSON is the record)."""
    lines = [f"fault plan: seed {plan.seed}, a fault every {plan.interval:g}s for {plan.fault_duration:g}s, "
             f"{plan.duration:g}s in all; faults {','.join(plan.faults)}; "
             f"targets {','.join(plan.targets) or 'per fault kind'}",
             f"{'step':>4}  {'start':>7}  {'for':>6}  {'fault':<10} {'target':<26} params"]
    for s in plan.steps:
        params = " ".join(f"{k}={v}" for k, v in sorted(s.params.items()))
        lines.append(f"{s.index:>4}  {s.start:>6g}s  {s.duration:>5g}s  {s.fault:<10} {s.target:<26} {params}".rstrip())
    return "\n".join(lines)
