"""Delta debugging over a failing run: the smallest scenario that still fails (pure).

The search sees a scenario only as a `Candidate` (fault steps, duration,
total rate) and a run only through `run_once(candidate) -> verdict`
("fail", "pass" or "unknown"), so it is tested with a fake; `chaoskit shrink`
passes one that composes `chaoskit.orchestrate.run`.

Reductions, in this order, each kept only if the smaller candidate still
fails in at least one of `tries` runs (a try that fails ends that
candidate's tries early; "unknown" is not a failure):

1. drop fault steps, one at a time (halves first, when there are many);
2. shorten each remaining step (halve its duration, down to `MIN_STEP_S`);
3. lower the rate (halve it, down to `MIN_RATE`);
4. shorten the run: move the steps earlier (the first to `LEAD_S`) and end
   the run `TAIL_S` after the last step's end.
"""
from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass

from chaoskit.scenario import Scenario
from faults.plan import Plan, Step

MIN_STEP_S = 2.0
MIN_RATE = 10.0
LEAD_S = 10.0
TAIL_S = 10.0


@dataclass(frozen=True)
class Candidate:
    steps: tuple[Step, ...]
    duration: float
    rate: float

    def describe(self) -> str:
        steps = ", ".join(f"{s.fault} {s.target} at {s.start:g} s for {s.duration:g} s" for s in self.steps) or "no faults"
        return f"{len(self.steps)} step(s) ({steps}); {self.duration:g} s at {self.rate:g}/s"


@dataclass(frozen=True)
class Try:
    reduction: str               # what this candidate changed, e.g. "drop step 2"
    candidate: Candidate
    verdicts: tuple[str, ...]    # one per run, in order
    kept: bool


@dataclass(frozen=True)
class Outcome:
    start: Candidate
    minimal: Candidate
    tries: tuple[Try, ...]

    @property
    def runs(self) -> int:
        return sum(len(t.verdicts) for t in self.tries)

    def reduction(self) -> str:
        """From the failing run to the minimal one, in one line."""
        a, b = self.start, self.minimal
        return (f"{len(a.steps)} -> {len(b.steps)} fault step(s), {a.duration:g} -> {b.duration:g} s, "
                f"{a.rate:g} -> {b.rate:g}/s, fault seconds {_fault_seconds(a):g} -> {_fault_seconds(b):g}; "
                f"{self.runs} run(s) spent")


def _fault_seconds(c: Candidate) -> float:
    return sum(s.duration for s in c.steps)


def shrink(start: Candidate, run_once: Callable[[Candidate], str], tries: int,
           on_try: Callable[[Try], None] = lambda t: None) -> Outcome:
    """The smallest candidate reachable from `start` by the reductions above that still fails."""
    if tries < 1:
        raise ValueError("tries must be at least 1")
    current = start
    done: list[Try] = []

    def attempt(reduction: str, candidate: Candidate) -> bool:
        verdicts: list[str] = []
        for _ in range(tries):
            verdicts.append(run_once(candidate))
            if verdicts[-1] == "fail":
                break
        t = Try(reduction, candidate, tuple(verdicts), verdicts[-1] == "fail")
        done.append(t)
        on_try(t)
        return t.kept

    for phase in (_drop_steps, _shorten_steps, _lower_rate, _shorten_run):
        current = phase(current, attempt)
    return Outcome(start, current, tuple(done))


Attempt = Callable[[str, Candidate], bool]


def _drop_steps(c: Candidate, attempt: Attempt) -> Candidate:
    """ddmin's complement step: try without each chunk of steps, chunks halving down to one step."""
    chunk = max(1, len(c.steps) // 2)
    while c.steps:
        i = 0
        while i < len(c.steps):
            dropped = c.steps[i:i + chunk]
            smaller = dataclasses.replace(c, steps=c.steps[:i] + c.steps[i + chunk:])
            what = ", ".join(f"step {s.index + 1}" for s in dropped)
            if attempt(f"drop {what}", smaller):
                c = smaller
            else:
                i += chunk
        if chunk == 1:
            return c
        chunk = max(1, chunk // 2)
    return c


def _shorten_steps(c: Candidate, attempt: Attempt) -> Candidate:
    for i in range(len(c.steps)):
        while c.steps[i].duration / 2 >= MIN_STEP_S:
            step = c.steps[i]
            shorter = dataclasses.replace(step, duration=step.duration / 2)
            smaller = dataclasses.replace(c, steps=c.steps[:i] + (shorter,) + c.steps[i + 1:])
            if not attempt(f"step {step.index + 1} for {shorter.duration:g} s", smaller):
                break
            c = smaller
    return c


def _lower_rate(c: Candidate, attempt: Attempt) -> Candidate:
    while c.rate / 2 >= MIN_RATE:
        smaller = dataclasses.replace(c, rate=c.rate / 2)
        if not attempt(f"rate {smaller.rate:g}/s", smaller):
            break
        c = smaller
    return c


def _shorten_run(c: Candidate, attempt: Attempt) -> Candidate:
    shift = min((s.start for s in c.steps), default=LEAD_S) - LEAD_S
    if shift > 0:
        moved = tuple(dataclasses.replace(s, start=s.start - shift) for s in c.steps)
        smaller = dataclasses.replace(c, steps=moved, duration=c.duration - shift)
        if attempt(f"steps {shift:g} s earlier, run {smaller.duration:g} s", smaller):
            c = smaller
    end = max((s.start + s.duration for s in c.steps), default=0.0) + TAIL_S
    if end < c.duration:
        smaller = dataclasses.replace(c, duration=end)
        if attempt(f"run {end:g} s", smaller):
            c = smaller
    return c


def start_of(scenario: Scenario) -> Candidate:
    """The candidate a scenario is."""
    return Candidate(scenario.plan.steps if scenario.plan else (), scenario.duration,
                     sum(w.rate for w in scenario.workloads))


def apply(base: Scenario, c: Candidate) -> Scenario:
    """`base` reduced to the candidate: its steps, duration, and rates scaled to its total."""
    scale = c.rate / sum(w.rate for w in base.workloads)
    workloads = tuple(dataclasses.replace(w, rate=w.rate * scale, duration=c.duration) for w in base.workloads)
    plan = as_plan(base.plan, c) if base.plan is not None and c.steps else None
    return dataclasses.replace(base, duration=c.duration, workloads=workloads, plan=plan)


def as_plan(base: Plan, c: Candidate) -> Plan:
    """The candidate's fault plan (steps numbered afresh), for a scenario to run."""
    steps = tuple(dataclasses.replace(s, index=i) for i, s in enumerate(c.steps))
    return dataclasses.replace(base, duration=c.duration, steps=steps)
