"""`chaoskit replay RUN_DIR`: run a recorded run again, as a new run naming its origin."""
from __future__ import annotations

import sys
from pathlib import Path

import click
from rich.console import Console

from chaoskit.commands import Command
from chaoskit.repro import recorded


@click.command(cls=Command)
@click.argument("run_dir", type=click.Path(path_type=Path))
@click.option("--keep-cluster", is_flag=True, help="Leave the cluster running after the run.")
def command(run_dir: Path, keep_cluster: bool) -> None:
    """Run RUN_DIR's scenario again on a fresh cluster: the same scenario file, fault plan
    (plan.json), RocketMQ version, replicas, access, property overrides, rates and
    duration, and a --config run's own files as it recorded them (user-config/).

    The new run lands in the run store like any other, its meta `replay_of`
    naming RUN_DIR. Exit code as `chaoskit run`: 0 pass, 1 fail, 3 unknown,
    2 bad input (no such run, a run without its logs or scenario, a --config
    run whose files are missing or unreadable).

    Example: chaoskit replay store/stale-master/20261207T012000
    """
    scenario = recorded.load_run(run_dir)
    from chaoskit.orchestrate import run

    console = Console(stderr=True)
    result = run(scenario, keep_cluster=keep_cluster, origin={"replay_of": str(run_dir.resolve())},
                 echo=lambda m: console.print(m, markup=False, highlight=False))
    sys.exit(result.exit_code)
