"""Recorded runs as a bisect's or a matrix's runs: `chaoskit bisect --reuse DIR`, as git bisect lets you
mark known commits, and `chaoskit matrix --resume DIR`, an interrupted matrix going on.

A matrix (or a single run) that ran the bisect's scenario on a release with
the bisect's settings holds exactly the evidence a bisect step needs: each
of its runs was a whole run on a fresh cluster. `collect` reads the runs a
directory holds, each through its results.json only (as the matrix reads
them), and keeps those whose recorded meta says the run is one the bisect
would make itself: same scenario, release, access mode, duration, and the
same scenario definition (workload, fault plan, configs, seed, replicas).
`Reuse` is a run_once that hands out a release's kept runs first, in
recorded order, and makes a fresh run only when they run out, so
`run_bisect` stays the same pure search and takes fresh runs only where
the recorded ones do not decide a step. No Docker here: the real run_once
is made when the first fresh run is needed.
"""
from __future__ import annotations

import dataclasses
import json
from collections import deque
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from chaoskit import scenario as scenario_mod
from chaoskit.errors import UsageError
from chaoskit.finish import RECORD as END_FILE
from chaoskit.matrix.cells import RunOnce, RunRecord
from chaoskit.run_meta import scenario_meta
from chaoskit.scenario import Overrides

MATRIX_FILE = "matrix.json"
RESULTS_FILE = "results.json"
RUN_FILES = (RESULTS_FILE, "ledger.db", END_FILE)  # any of them makes a directory a run directory
# The meta keys (chaoskit.run_meta.scenario_meta) a recorded run must share with a fresh one: what
# the run was (scenario, release, access, duration) and what its scenario file made of it.
KEYS = ("scenario", "rocketmq_version", "access", "duration_s", "replicas", "seed", "broker_config",
        "controller_config", "workload", "fault_plan")
Recording = tuple[Mapping[str, Any], Path]  # (results.json, run directory), as run_once returns a run


@dataclass
class Recorded:
    """The runs kept for reuse, per release in recorded order, and a note on every run left out."""

    runs: dict[str, list[Recording]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def summary(self) -> str:
        """One line: how many recorded runs each release has to give."""
        counts = ", ".join(f"{v} {len(r)}" for v, r in self.runs.items())
        return f"reuse: recorded runs kept per release: {counts or 'none'}"


class _Skip(Exception):
    """A recorded run that is not reused; the message says why."""


def wanted(scenario: str, versions: Sequence[str], shared: Overrides) -> dict[str, dict[str, Any]]:
    """For each release the bisect may run, the KEYS a fresh run of `scenario` with `shared` records."""
    found = {}
    for version in versions:
        meta = scenario_meta(scenario_mod.load(scenario, dataclasses.replace(shared, rocketmq_version=version)))
        found[version] = {k: _value(str(meta[k])) for k in KEYS}
    return found


def _value(text: str | None) -> Any:
    """A ledger meta value compared by meaning: JSON (numbers, the workload, the plan) parsed, so
    rate 200 and 200.0 are one rate; anything else (a name, a release) as written."""
    try:
        return json.loads(text) if text is not None else None
    except ValueError:
        return text


def collect(dirs: Sequence[str], want: Mapping[str, Mapping[str, Any]], option: str = "--reuse") -> Recorded:
    """The runs in `dirs` (matrix or run directories, in the order given) that match `want`
    (`wanted`'s answer). UsageError, one line naming `option`, for a DIR that is missing, neither
    kind, or whose matrix.json cannot be read; a run that cannot be used gets a note instead."""
    name = next(iter(want.values()))["scenario"]
    found, seen = Recorded(), set()
    for given in dirs:
        d = Path(given)
        if not d.is_dir():
            raise UsageError(f"{option} {d}: no such directory")
        if (d / MATRIX_FILE).is_file():
            listed = _matrix_runs(d, name, want, found.notes, option)
        elif any((d / f).exists() for f in RUN_FILES):
            listed = [d]
        else:
            raise UsageError(f"{option} {d}: neither a matrix directory ({MATRIX_FILE}) nor a run directory "
                             f"({', '.join(RUN_FILES)})")
        for run_dir in listed:
            if run_dir.resolve() in seen:
                found.notes.append(f"not reused: {run_dir}: listed twice, counted once")
                continue
            seen.add(run_dir.resolve())
            try:
                version, results = _read(run_dir, want)
            except _Skip as why:
                found.notes.append(f"not reused: {run_dir}: {why}")
                continue
            found.runs.setdefault(version, []).append((results, run_dir))
    return found


def _matrix_runs(d: Path, name: str, want: Mapping[str, Any], notes: list[str], option: str) -> list[Path]:
    """The run directories matrix.json lists for scenario `name` on the releases in `want`, in its order
    (cell by cell, run by run: the order they ran); a run that left no directory gets a note."""
    try:
        data = json.loads((d / MATRIX_FILE).read_text())
        cells = [(c["version"], c["runs"]) for c in data["cells"]
                 if Path(c["scenario"]).stem == name and c["version"] in want]
        listed = [(version, None if run["run_dir"] is None else Path(run["run_dir"]))
                  for version, runs in cells for run in runs]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise UsageError(f"{option} {d}: cannot read {MATRIX_FILE}: {type(exc).__name__}: {exc}") from None
    for version, run_dir in listed:
        if run_dir is None:
            notes.append(f"not reused: a {version} run in {d / MATRIX_FILE}: no run directory (the harness failed)")
    return [run_dir for _, run_dir in listed if run_dir is not None]


def _read(run_dir: Path, want: Mapping[str, Mapping[str, Any]]) -> tuple[str, Mapping[str, Any]]:
    """(release, results.json) of a run the bisect can count as its own; _Skip saying why not."""
    if not run_dir.is_dir():
        raise _Skip("no such directory")
    if not (run_dir / RESULTS_FILE).is_file():
        raise _Skip(f"no {RESULTS_FILE} (the run did not finish)")
    try:
        results = json.loads((run_dir / RESULTS_FILE).read_text())
    except (OSError, ValueError) as exc:
        raise _Skip(f"cannot read {RESULTS_FILE}: {exc}") from None
    meta = results.get("meta") if isinstance(results, dict) else None
    if not isinstance(meta, dict):
        raise _Skip(f"{RESULTS_FILE} records no meta")
    if RunRecord.from_results(results, run_dir).interrupted:
        raise _Skip("interrupted, not a whole run")
    version = meta.get("rocketmq_version")
    if version not in want:
        raise _Skip(f"release {version}, not one this bisect runs ({', '.join(want)})")
    for key, expected in want[version].items():
        got = _value(meta.get(key))
        if got != expected:
            what = key.removesuffix("_s").replace("_", " ")
            raise _Skip(f"another {what} (the scenario differs)" if isinstance(expected, (dict, list))
                        else f"{what} {meta.get(key)}, not {expected}")
    return version, results


class Reuse:
    """run_once that answers with a release's recorded runs first, in recorded order, then with fresh
    runs. The recorded runs were matched to the bisect's scenario and settings by `collect`, so the
    scenario and overrides asked for are theirs. `fresh` makes the real run_once, once, when the
    recorded runs of a release run out: a bisect they decide never touches Docker."""

    def __init__(self, recorded: Mapping[str, Sequence[Recording]], fresh: Callable[[], RunOnce]) -> None:
        self._left = {version: deque(runs) for version, runs in recorded.items()}
        self._make_fresh = fresh
        self._fresh: RunOnce | None = None
        self.reused: list[str] = []   # the run directories handed out, as RunRecord.run_dir names them

    def __call__(self, scenario: str, version: str, overrides: Overrides) -> Recording:
        left = self._left.get(version)
        if left:
            results, run_dir = left.popleft()
            self.reused.append(str(run_dir))
            return results, run_dir
        if self._fresh is None:
            self._fresh = self._make_fresh()
        return self._fresh(scenario, version, overrides)
