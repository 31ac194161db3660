"""The real `run_once` (one scenario run on a fresh cluster, via chaoskit.orchestrate.run), the
command-line overrides it applies, validation of every cell before the first run, and the
live display of a matrix or bisect in progress."""
from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from chaoskit import scenario as scenario_mod
from chaoskit.errors import UsageError
from chaoskit.matrix.cells import RunRecord
from chaoskit.scenario import Overrides


def overrides(duration: float | None, access: str | None) -> Overrides:
    """The options every run of a matrix or bisect shares (the version is set per run; a bad
    access mode is refused when the scenarios are loaded)."""
    return Overrides(duration=duration, access=access)


def check_runs(runs: int) -> int:
    if runs < 1:
        raise UsageError(f"--runs must be at least 1, not {runs}")
    return runs


def validate(scenarios: list[str], versions: list[str], shared: Overrides) -> dict[str, tuple[str | None, str]]:
    """Load every scenario with every version (UsageError, exit 2, before anything starts);
    returns each scenario's expected verdict and access mode."""
    found = {}
    for name in scenarios:
        for version in versions:
            sc = scenario_mod.load(name, dataclasses.replace(shared, rocketmq_version=version))
            found[name] = (sc.expected_verdict, sc.cluster.access)
    return found


def make_run_once(status: Callable[[str], None]) -> Callable[[str, str, Overrides], tuple[Mapping[str, Any], Path]]:
    """run_once for real: a fresh cluster, the scenario, its results.json; each step's line goes to `status`."""
    from chaoskit.orchestrate import (
        run,  # Docker and the workloads: only when runs really start
    )

    def run_once(scenario_name: str, version: str, shared: Overrides) -> tuple[Mapping[str, Any], Path]:
        sc = scenario_mod.load(scenario_name, dataclasses.replace(shared, rocketmq_version=version))
        result = run(sc, echo=status, progress="off")
        return json.loads((result.run_dir / "results.json").read_text()), result.run_dir

    return run_once


class Display:
    """A live line: the cell running, its current step, runs done of all (`total` None: not known ahead)."""

    def __init__(self, total: int | None, console: Console) -> None:
        self.console = console
        self._progress = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                                  TimeElapsedColumn(), TextColumn("[dim]{task.fields[step]}"), console=console)
        self._task = self._progress.add_task("starting", total=total, step="")

    def __enter__(self) -> Display:
        self._progress.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._progress.stop()

    def started(self, what: str) -> None:
        self._progress.update(self._task, description=what, step="")

    def step(self, line: str) -> None:
        """A run's latest line: shown in the live line on a terminal, printed elsewhere (a CI log)."""
        if not self.console.is_terminal:
            self.console.print(line, markup=False, highlight=False)
        self._progress.update(self._task, step=line.splitlines()[0][:70] if line else "")

    def finished(self, what: str, record: RunRecord) -> None:
        self._progress.advance(self._task)
        self.console.print(f"{what}: {record.verdict.upper()} {record.run_dir or ''} {record.reason}",
                           markup=False, highlight=False)
