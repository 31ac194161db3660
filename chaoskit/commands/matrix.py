"""`chaoskit matrix SCENARIO... --versions V1,V2`: every scenario on every release, N fresh runs each."""
from __future__ import annotations

import sys
import time

import click
from rich.console import Console

from chaoskit import runstore, versions
from chaoskit.commands import Command
from chaoskit.matrix import cells as cells_mod
from chaoskit.matrix import live, render


@click.command(cls=Command)
@click.argument("scenarios", nargs=-1, required=True)
@click.option("--versions", "version_list", required=True, help="Served releases, comma-separated, or 'all'.")
@click.option("--runs", type=int, default=1, show_default=True, help="Runs per (scenario, release) cell.")
@click.option("--duration", type=float, help="Seconds of workload and faults per run (default: the scenario's).")
@click.option("--access", help="Client path: remoting or proxy (default: each scenario's own).")
def command(scenarios: tuple[str, ...], version_list: str, runs: int, duration: float | None,
            access: str | None) -> None:
    """Run each SCENARIO on each release RUNS times, each run on a fresh cluster.

    Keeps every run directory and writes store/matrix/<time>/ matrix.json,
    matrix.html (release x scenario, each run's report linked) and summary.md.
    A cell fails if any run failed, passes if all passed, else has no verdict.
    Exit code: 0 every cell met its scenario's expectation, 1 one did not,
    3 one has no verdict, 2 bad input (nothing started).

    Example: chaoskit matrix no-loss lossy-ack --versions 5.3.3,5.5.0 --runs 2 --duration 60
    """
    chosen = list(versions.parse_list(version_list))
    live.check_runs(runs)
    shared = live.overrides(duration, access)
    cells = cells_mod.plan(live.validate(list(dict.fromkeys(scenarios)), chosen, shared), chosen)
    out = runstore.create("matrix", link_latest=False)
    settings = {"started": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "runs_per_cell": runs, "duration": duration,
                "access": access, "versions": chosen, "scenarios": list(dict.fromkeys(scenarios))}
    console = Console(stderr=True)
    console.print(f"matrix: {len(cells)} cells x {runs} run(s) -> {out}", markup=False, highlight=False)
    render.write(cells, settings, out)
    with live.Display(len(cells) * runs, console) as display:
        def on_start(cell: cells_mod.Cell, i: int) -> None:
            display.started(f"{cell.scenario} on {cell.version}, run {i + 1}/{runs}")

        def on_done(cell: cells_mod.Cell, record: cells_mod.RunRecord) -> None:
            display.finished(f"{cell.scenario} on {cell.version}", record)
            render.write(cells, settings, out)  # after every run: an interrupted matrix keeps what ran

        try:
            cells_mod.run_all(cells, runs, live.make_run_once(display.step), shared, on_start, on_done)
        except KeyboardInterrupt:
            console.print("interrupted: the cells not run have no verdict")
    render.write(cells, settings, out)
    code = cells_mod.exit_code(cells)
    console.print(f"matrix: exit {code}; {out / 'matrix.html'}", markup=False, highlight=False)
    sys.exit(code)
