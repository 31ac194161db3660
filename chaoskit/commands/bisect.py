"""`chaoskit bisect SCENARIO --good V --bad V`: the served release where the verdict turns."""
from __future__ import annotations

import sys

import click
from rich.console import Console

from chaoskit import versions
from chaoskit.commands import Command
from chaoskit.matrix import bisect as bisect_mod
from chaoskit.matrix import live, reuse
from chaoskit.matrix.cells import RunRecord


@click.command(cls=Command)
@click.argument("scenario")
@click.option("--good", required=True, help="A served release the scenario passes on (trusted, not run).")
@click.option("--bad", required=True, help="A served release it fails on (run RUNS times).")
@click.option("--runs", type=int, default=2, show_default=True, help="Passes that make a release good.")
@click.option("--duration", type=float, help="Seconds of workload and faults per run (default: the scenario's).")
@click.option("--access", help="Client path: remoting or proxy (default: the scenario's own).")
@click.option("--reuse", "reuse_dirs", multiple=True, metavar="DIR",
              help="A matrix directory (matrix.json) or run directory whose runs of SCENARIO with these "
                   "settings count as runs, before any fresh one; repeatable.")
def command(scenario: str, good: str, bad: str, runs: int, duration: float | None, access: str | None,
            reuse_dirs: tuple[str, ...]) -> None:
    """Binary-search the served releases between GOOD and BAD for where SCENARIO turns bad.

    A release is bad as soon as one run fails, good after RUNS passes. Prints
    each step with the run directories that decided it, the boundary, and the
    confidence RUNS passes give. With --reuse, recorded runs of the same
    scenario, release, access and duration (a matrix's, a run's) are counted
    first, in recorded order, and a release is run fresh only when they do not
    decide it. Exit code: 0 boundary found, 3 none found, 2 bad input
    (nothing started).

    Example: chaoskit bisect stale-master --good 5.0.0 --bad 5.5.0 --runs 2 --reuse store/matrix/20261207T040841
    """
    path = bisect_mod.check_ends(versions.check(good), versions.check(bad))
    live.check_runs(runs)
    shared = live.overrides(duration, access)
    live.validate([scenario], list(path), shared)
    recorded = reuse.collect(reuse_dirs, reuse.wanted(scenario, path[1:], shared))
    console = Console(stderr=True)
    if reuse_dirs:
        for line in [*recorded.notes, recorded.summary()]:
            console.print(line, markup=False, highlight=False)
    with live.Display(None, console) as display:  # how many runs depends on what they find
        run_once = reuse.Reuse(recorded.runs, lambda: live.make_run_once(display.step))

        def on_run(version: str, record: RunRecord) -> None:
            how = " (reused)" if record.run_dir in run_once.reused else ""
            display.finished(f"{scenario} on {version}{how}", record)
            display.started(f"{scenario}: bisecting {' -> '.join(path)}")

        display.started(f"{scenario} on {bad} (the bad end), {runs} run(s)")
        try:
            result = bisect_mod.run_bisect(scenario, good, bad, runs, run_once, shared, on_run)
        except KeyboardInterrupt:
            console.print("interrupted: no boundary (the runs so far are listed above)")
            sys.exit(3)
    click.echo("\n".join(bisect_mod.describe(result, runs, scenario, run_once.reused)))
    sys.exit(0 if result.found else 3)
