"""`chaoskit matrix SCENARIO... --versions V1,V2`: every scenario on every release, N fresh runs each."""
from __future__ import annotations

import dataclasses
import sys
import time

import click
from rich.console import Console

from chaoskit import runstore, versions
from chaoskit.commands import Command
from chaoskit.matrix import cells as cells_mod
from chaoskit.matrix import live, render, reuse


@click.command(cls=Command)
@click.argument("scenarios", nargs=-1, required=True)
@click.option("--versions", "version_list", required=True, help="Served releases, comma-separated, or 'all'.")
@click.option("--runs", type=int, default=1, show_default=True, help="Runs per (scenario, release) cell.")
@click.option("--duration", type=float, help="Seconds of workload and faults per run (default: the scenario's).")
@click.option("--access", help="Client path: remoting or proxy (default: each scenario's own).")
@click.option("--resume", "resume_dirs", multiple=True, metavar="DIR",
              help="A matrix (or run) directory whose runs of the same scenario, release and settings count "
                   "as this matrix's, before any fresh run: an interrupted matrix goes on where it stopped. "
                   "Repeatable.")
def command(scenarios: tuple[str, ...], version_list: str, runs: int, duration: float | None,
            access: str | None, resume_dirs: tuple[str, ...]) -> None:
    """Run each SCENARIO on each release RUNS times, each run on a fresh cluster.

    Keeps every run directory and writes store/matrix/<time>/ matrix.json,
    matrix.html (release x scenario, each run's report linked) and summary.md.
    A cell fails if any run failed, passes if all passed, else has no verdict.
    Exit code: 0 every cell met its scenario's expectation, 1 one did not,
    3 one has no verdict, 2 bad input (nothing started).

    With --resume, recorded runs whose meta shows the same scenario, release,
    access, duration and scenario definition are taken first, in recorded
    order (matrix.json marks them reused).

    Example: chaoskit matrix no-loss lossy-ack --versions 5.3.3,5.5.0 --runs 2 --duration 60
    """
    chosen = list(versions.parse_list(version_list))
    live.check_runs(runs)
    shared = live.overrides(duration, access)
    names = list(dict.fromkeys(scenarios))
    cells = cells_mod.plan(live.validate(names, chosen, shared), chosen)
    recorded = {name: reuse.collect(resume_dirs, reuse.wanted(name, chosen, shared), "--resume").runs
                for name in names} if resume_dirs else {}
    out = runstore.create("matrix", link_latest=False)
    settings = {"started": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "runs_per_cell": runs, "duration": duration,
                "access": access, "versions": chosen, "scenarios": names, "resumed_from": list(resume_dirs)}
    console = Console(stderr=True)
    console.print(f"matrix: {len(cells)} cells x {runs} run(s) -> {out}", markup=False, highlight=False)
    render.write(cells, settings, out)
    with live.Display(len(cells) * runs, console) as display:
        def on_start(cell: cells_mod.Cell, i: int) -> None:
            display.started(f"{cell.scenario} on {cell.version}, run {i + 1}/{runs}")

        # each scenario's recorded runs first, then fresh ones (made, with Docker, only when needed)
        per_scenario = {name: reuse.Reuse(recorded.get(name, {}), lambda: live.make_run_once(display.step))
                        for name in names}

        def on_done(cell: cells_mod.Cell, record: cells_mod.RunRecord) -> None:
            if record.run_dir in per_scenario[cell.scenario].reused:
                cell.runs[-1] = record = dataclasses.replace(record, reused=True)
            display.finished(f"{cell.scenario} on {cell.version}" + (" (reused)" if record.reused else ""), record)
            render.write(cells, settings, out)  # after every run: an interrupted matrix keeps what ran

        try:
            cells_mod.run_all(cells, runs, lambda s, v, o: per_scenario[s](s, v, o), shared, on_start, on_done)
        except KeyboardInterrupt:
            console.print("interrupted: the cells not run have no verdict")
    render.write(cells, settings, out)
    code = cells_mod.exit_code(cells)
    console.print(f"matrix: exit {code}; {out / 'matrix.html'}", markup=False, highlight=False)
    sys.exit(code)
