"""The matrix's logic: cells of (scenario, version), N runs each, a verdict per cell, an exit code.

Loss is timing-dependent, so one failing run decides a cell: its verdict is
`fail` if any run failed, `pass` if every run passed, else `unknown` (some
run had no definite verdict and none failed). A cell meets its scenario's
expectation when its verdict is the expected one (a scenario that expects
nothing is met by any definite verdict). The matrix exits 1 if a cell missed
its expectation, else 3 if a cell has no definite verdict, else 0: the worst
first, as the checker merges (false > unknown > true).
"""
from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from chaoskit.checker.verdict import WORDS
from chaoskit.scenario import Overrides

# (scenario name, version, overrides) -> (results.json as a dict, run directory)
RunOnce = Callable[[str, str, Overrides], tuple[Mapping[str, Any], Path]]
EXIT_CODES = {"met": 0, "not met": 1, "unknown": 3}


@dataclass(frozen=True)
class RunRecord:
    """One run, as its results.json tells it."""

    valid: bool | str                     # results.json `valid`: True, False or "unknown"
    run_dir: str | None                   # None: the harness failed before a run directory had results
    reason: str
    acknowledged_count: int | None = None
    lost_count: int | None = None
    lost_in_store_count: int | None = None
    longest_unavailability_s: float | None = None
    interrupted: bool = False             # stopped by Ctrl-C or SIGTERM (meta `failure`): the caller stops too
    explanation: str | None = None        # why the cluster did not recover, from the run's logs (diagnosis)
    reused: bool = False                  # recorded by an earlier matrix (`--resume`), not run by this one

    @classmethod
    def from_results(cls, results: Mapping[str, Any], run_dir: Path) -> RunRecord:
        valid = results.get("valid")
        return cls(
            valid=valid if valid in (True, False) else "unknown",
            run_dir=str(run_dir),
            reason=str(results.get("reason") or ""),
            acknowledged_count=results.get("acknowledged_count"),
            lost_count=results.get("lost_count"),
            lost_in_store_count=results.get("lost_in_store_count"),
            longest_unavailability_s=longest_unavailability(results.get("availability") or {}),
            interrupted=(results.get("meta") or {}).get("failure") == "interrupted",
            explanation=((results.get("diagnosis") or {}).get("no_recovery") or {}).get("explanation"),
        )

    @classmethod
    def crashed(cls, exc: Exception) -> RunRecord:
        """A run that raised instead of returning results: no verdict."""
        return cls(valid="unknown", run_dir=None, reason=f"harness error: {exc}")

    @property
    def verdict(self) -> str:
        return WORDS[self.valid]


def longest_unavailability(availability: Mapping[str, Any]) -> float | None:
    """The longest window without a successful send, in or outside a fault (results.json `availability`)."""
    found = [f.get("max_s") for f in availability.get("faults") or ()]
    found.append((availability.get("outside_faults") or {}).get("max_s"))
    found = [s for s in found if s is not None]
    return max(found) if found else None


@dataclass
class Cell:
    scenario: str
    version: str
    access: str                   # remoting | proxy
    expected: str | None          # the scenario's expected verdict: "pass", "fail" or None
    runs: list[RunRecord] = field(default_factory=list)

    def count(self, verdict: str) -> int:
        return sum(r.verdict == verdict for r in self.runs)

    @property
    def verdict(self) -> str:
        """fail if any run failed, pass if every run passed (and there was one), else unknown."""
        if self.count("fail"):
            return "fail"
        return "pass" if self.runs and self.count("pass") == len(self.runs) else "unknown"

    @property
    def expectation(self) -> str:
        """met, not met, or unknown (no definite verdict)."""
        if self.verdict == "unknown":
            return "unknown"
        return "met" if self.expected in (None, self.verdict) else "not met"

    def max_of(self, key: str) -> float | None:
        values = [getattr(r, key) for r in self.runs if getattr(r, key) is not None]
        return max(values) if values else None


def plan(scenarios: Mapping[str, tuple[str | None, str]], versions: list[str]) -> list[Cell]:
    """Every (scenario, version) cell, release by release (each release's image serves all its cells);
    `scenarios` maps each name to its expected verdict and access mode."""
    return [Cell(s, v, access, expected) for v in versions for s, (expected, access) in scenarios.items()]


def run_all(cells: list[Cell], runs: int, run_once: RunOnce, overrides: Overrides,
            on_start: Callable[[Cell, int], None] = lambda cell, i: None,
            on_done: Callable[[Cell, RunRecord], None] = lambda cell, record: None) -> list[Cell]:
    """Run each cell `runs` times, in order, each run on a fresh cluster; a run that raises is
    recorded without a verdict and the matrix goes on. Ctrl-C (which a run absorbs, ending
    interrupted) stops it with KeyboardInterrupt; the cells keep what ran."""
    for cell in cells:
        for i in range(runs):
            on_start(cell, i)
            record = run_recorded(run_once, cell.scenario, cell.version, overrides)
            cell.runs.append(record)
            on_done(cell, record)
            if record.interrupted:
                raise KeyboardInterrupt
    return cells


def run_recorded(run_once: RunOnce, scenario: str, version: str, overrides: Overrides) -> RunRecord:
    """One run as a RunRecord; a run that raises is recorded without a verdict, so the runs after it go on."""
    try:
        results, run_dir = run_once(scenario, version, overrides)
        return RunRecord.from_results(results, run_dir)
    except Exception as exc:
        return RunRecord.crashed(exc)


def exit_code(cells: list[Cell]) -> int:
    """1 if a cell missed its expectation, else 3 if one has no definite verdict, else 0."""
    found = {c.expectation for c in cells}
    for outcome in ("not met", "unknown"):
        if outcome in found:
            return EXIT_CODES[outcome]
    return EXIT_CODES["met"]
