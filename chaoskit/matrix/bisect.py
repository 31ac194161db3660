"""The bisect's logic: the served release where a scenario's verdict turns, by binary search.

The served releases from the good end to the bad end are searched as git
bisect does (the good end is trusted, not run). Loss is timing-dependent,
so a release is bad as soon as one run fails, and good only after N runs
pass; a run with no definite verdict counts for neither, and a release that
gets no N passes and no failure within 2N runs stops the search undecided.
The bad end is run N times, all of them, to measure how often it fails.
Runs come from `run_once`, which may answer with recorded runs of the same
scenario and settings (`--reuse`, chaoskit/matrix/reuse.py): the search is
the same either way.

Confidence model: if a bad release fails each run independently with
probability p, it passes N runs in a row with probability (1-p)^N, the
chance that a release called good is in fact bad. p is estimated from the
bad end's runs (failures / runs).
"""
from __future__ import annotations

import math
from collections.abc import Callable, Collection
from dataclasses import dataclass

from chaoskit import versions as versions_mod
from chaoskit.errors import UsageError
from chaoskit.matrix.cells import RunOnce, RunRecord, run_recorded
from chaoskit.scenario import Overrides

STATED_P = (0.1, 0.25, 0.5)  # failure rates the confidence is also printed for


@dataclass(frozen=True)
class Step:
    version: str
    verdict: str                  # good | bad | undecided
    runs: tuple[RunRecord, ...]

    @property
    def failures(self) -> int:
        return sum(r.verdict == "fail" for r in self.runs)

    @property
    def definite(self) -> int:
        """Runs with a verdict (pass or fail): what a failure rate is taken over."""
        return sum(r.verdict in ("pass", "fail") for r in self.runs)


@dataclass(frozen=True)
class Bisection:
    path: tuple[str, ...]         # the served releases from the good end to the bad end
    steps: tuple[Step, ...]       # in the order run; the first is the bad end
    last_good: str | None         # the boundary: last_good then first_bad along `path`
    first_bad: str | None

    @property
    def found(self) -> bool:
        return self.first_bad is not None

    @property
    def p_observed(self) -> float | None:
        """The bad end's failure rate over its definite runs."""
        definite = self.steps[0].definite
        return self.steps[0].failures / definite if definite else None


def confidence(p: float, passes: int) -> float:
    """The probability that a release failing each run with probability p passes `passes` runs: (1-p)^N."""
    return (1.0 - p) ** passes


def runs_needed(p: float, miss: float = 0.05) -> int | None:
    """The fewest passes that leave a release failing with probability p at most `miss` chance to pass them all."""
    if p <= 0:
        return None
    if p >= 1:
        return 1
    return math.ceil(math.log(miss) / math.log(1.0 - p))


def check_ends(good: str, bad: str) -> tuple[str, ...]:
    """The path from good to bad; UsageError for an unserved version or a path with nothing to search."""
    path = versions_mod.between(good, bad)
    if len(path) < 2:
        raise UsageError(f"--good and --bad are the same release ({good}): nothing to bisect")
    return path


def run_bisect(scenario: str, good: str, bad: str, runs: int, run_once: RunOnce, overrides: Overrides,
               on_run: Callable[[str, RunRecord], None] = lambda version, record: None) -> Bisection:
    """Search the releases between `good` and `bad` for where `scenario`'s verdict turns bad;
    KeyboardInterrupt once a run was interrupted."""
    path = check_ends(good, bad)

    def one(version: str) -> RunRecord:
        record = run_recorded(run_once, scenario, version, overrides)  # a crashed run decides nothing
        on_run(version, record)
        if record.interrupted:
            raise KeyboardInterrupt
        return record

    bad_runs = tuple(one(bad) for _ in range(runs))
    bad_end = Step(bad, "bad" if any(r.verdict == "fail" for r in bad_runs) else "undecided", bad_runs)
    steps = [bad_end]
    if bad_end.verdict != "bad":
        return Bisection(path, tuple(steps), None, None)
    lo, hi = 0, len(path) - 1
    while hi - lo > 1:
        mid = (lo + hi) // 2
        step = _judge(path[mid], runs, one)
        steps.append(step)
        if step.verdict == "undecided":
            return Bisection(path, tuple(steps), None, None)
        lo, hi = (lo, mid) if step.verdict == "bad" else (mid, hi)
    return Bisection(path, tuple(steps), path[lo], path[hi])


def _judge(version: str, runs: int, one: Callable[[str], RunRecord]) -> Step:
    """Bad at the first failing run, good after `runs` passes, undecided after 2 x `runs` without either."""
    done: list[RunRecord] = []
    for _ in range(2 * runs):
        done.append(one(version))
        if done[-1].verdict == "fail":
            return Step(version, "bad", tuple(done))
        if sum(r.verdict == "pass" for r in done) == runs:
            return Step(version, "good", tuple(done))
    return Step(version, "undecided", tuple(done))


def describe(b: Bisection, runs: int, scenario: str, reused: Collection[str] = ()) -> list[str]:
    """The bisect's answer as lines: the boundary, each step with the run directories that decided it
    (those in `reused`, recorded runs of earlier commands, marked `reused`), how many runs were
    fresh, and the confidence N passes give."""
    lines = [f"{scenario}: {' -> '.join(b.path)} (good end {b.path[0]} trusted, not run)"]
    for s in b.steps:
        tally = f"{s.failures} of {len(s.runs)} runs failed"
        lines.append(f"  {s.version}: {s.verdict} ({tally})")
        lines += [f"    {r.verdict:<7} {'reused ' if r.run_dir in reused else ''}"
                  f"{r.run_dir or '(no run directory)'}  {r.reason}" for r in s.runs]
    if b.found:
        lines.append(f"boundary: {b.last_good} good, {b.first_bad} bad")
    elif b.steps[0].verdict != "bad":
        lines.append(f"no boundary: the bad end {b.path[-1]} did not fail in {runs} runs")
    else:
        lines.append(f"no boundary: {b.steps[-1].version} gave neither a failure nor {runs} passes")
    counted = [r.run_dir in reused for s in b.steps for r in s.runs]
    lines.append(f"runs: {counted.count(False)} fresh, {counted.count(True)} reused")
    lines.append(f"confidence: a bad release failing each run independently with probability p "
                 f"passes {runs} runs with probability (1-p)^{runs}")
    p = b.p_observed
    stated = ([(p, f"observed at {b.path[-1]}: {b.steps[0].failures} of {b.steps[0].definite} definite runs failed")]
              if p is not None else []) + [(q, "stated") for q in STATED_P]
    for q, label in stated:
        need = runs_needed(q)
        lines.append(f"  p = {q:.2f} ({label}): a bad release called good with probability "
                     f"{confidence(q, runs):.3f}" + (f"; {need} passes bring it under 0.05" if need else ""))
    return lines
