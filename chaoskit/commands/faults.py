"""`chaoskit faults plan|run`: print a seeded fault plan, or carry one out."""
from __future__ import annotations

import functools
import secrets
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, wait
from pathlib import Path

import click

from chaoskit.commands import Group
from chaoskit.errors import UsageError

DEFAULT_FAULTS = "kill,stop,pause,partition,loss,bandwidth"


def _plan_options(fn: Callable) -> Callable:
    """The options both commands build a plan from."""
    options = [
        click.option("--faults", default=DEFAULT_FAULTS, show_default=True,
                     help="Fault kinds to mix, comma-separated."),
        click.option("--targets", default="",
                     help="Target specs to pick from, comma-separated (join several with '+', e.g. "
                          "master+controller-leader); default: each kind's own."),
        click.option("--interval", type=float, default=20.0, show_default=True,
                     help="Seconds between fault starts."),
        click.option("--duration", type=float, default=120.0, show_default=True,
                     help="Seconds of the whole plan."),
        click.option("--fault-duration", type=float, default=None,
                     help="Seconds each fault lasts before its heal [default: interval/2]."),
        click.option("--seed", type=int, default=lambda: secrets.randbelow(2**31), show_default="random",
                     help="Plan seed (printed with the plan)."),
        click.option("--plan", "plan_file", type=click.Path(dir_okay=False, path_type=Path), default=None,
                     help="Use a saved plan.json instead of generating one."),
    ]
    return functools.reduce(lambda f, opt: opt(f), reversed(options), fn)


def _build(faults: str, targets: str, interval: float, duration: float, fault_duration: float | None,
           seed: int, plan_file: Path | None, node_names: list[str] | None = None):
    """The plan from a file or generated from the options; UsageError (exit 2) if bad."""
    from faults import plan as plan_mod
    from faults.targets import DEFAULT_NODE_NAMES

    names = node_names or DEFAULT_NODE_NAMES
    if plan_file is not None:
        try:
            text = plan_file.read_text()
        except OSError as exc:
            raise UsageError(f"cannot read plan {plan_file}: {exc.strerror}") from None
        plan = plan_mod.Plan.from_json(text)
        plan_mod.validate(plan, node_names=names)
        return plan
    return plan_mod.generate(
        seed, interval, duration,
        [f.strip() for f in faults.split(",") if f.strip()],
        [t.strip() for t in targets.split(",") if t.strip()], fault_duration, names)


@click.group(cls=Group)
def command() -> None:
    """Seeded fault plans and their executor.

    Example: chaoskit faults plan --faults kill,pause,partition --interval 20 --seed 42
    """


@command.command("plan")
@_plan_options
@click.option("--json", "as_json", is_flag=True, help="Print the plan as JSON (what plan.json holds).")
def plan_command(as_json: bool, **options) -> None:
    """Print a fault plan without touching the cluster (a dry run).

    Kinds that need a kernel feature (delay, jitter: netem) are only checked
    against the kernel by `faults run`.

    Example: chaoskit faults plan --faults kill,pause,partition --interval 20 --duration 120 --seed 42
    """
    from faults import plan as plan_mod

    plan = _build(**options)
    click.echo(plan.to_json() if as_json else plan_mod.describe(plan), nl=not as_json)


@command.command("run")
@_plan_options
@click.option("--run-dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Where plan.json and ledger.db go [default: store/faults/<time>/, as runs are stored].")
def run_command(run_dir: Path | None, **options) -> None:
    """Carry a fault plan out against the running cluster, healing every fault.

    Checks the plan (and the kernel, for netem kinds) before touching
    anything, prints it, saves plan.json and records each fault in the
    ledger.db `faults` table. Ctrl-C or SIGTERM stop early, after healing.
    Exit 0 when done, 1 if a fault could not be healed (run `chaoskit heal`),
    130 when stopped early.

    Example: chaoskit faults run --faults kill,partition --interval 30 --duration 90 --seed 7
    """
    from chaoskit.cluster import engine
    from chaoskit.cluster import nodes as nodes_mod
    from chaoskit.ledger import LedgerWriter
    from faults import actions
    from faults import plan as plan_mod
    from faults.executor import Executor, stop_on_signals

    _build(**options)  # a bad plan fails here, before Docker is even asked
    client = engine.connect()
    nodes = nodes_mod.list_nodes(client)
    if not nodes:
        raise UsageError("no chaoskit cluster is running: run `chaoskit up` first")
    plan = _build(**options, node_names=[n.name for n in nodes])
    needed = plan_mod.needs(plan)
    plan_mod.validate(plan, actions.probe_capabilities(client, nodes) if needed else set(),
                      [n.name for n in nodes])

    if run_dir is None:
        from chaoskit import runstore

        run_dir = runstore.create("faults")
    run_dir.mkdir(parents=True, exist_ok=True)
    (run_dir / "plan.json").write_text(plan.to_json())
    click.echo(plan_mod.describe(plan))
    click.echo(f"run directory: {run_dir}")

    writer = LedgerWriter(run_dir / "ledger.db")
    stop = threading.Event()
    executor = Executor(client, writer, plan, time.time(), log=click.echo)
    try:
        with stop_on_signals(stop, click.echo), ThreadPoolExecutor(1) as pool:
            future = pool.submit(executor.run, stop)
            while not future.done():  # the main thread stays free for the signal handler
                wait([future], timeout=0.5)
            outcome = future.result()
    finally:
        writer.close()
    click.echo(f"applied {outcome.applied} of {len(plan.steps)} steps, skipped {len(outcome.skipped)}")
    if outcome.unhealed:
        raise click.ClickException(f"not healed: {'; '.join(outcome.unhealed)}: run `chaoskit heal`")
    if outcome.stopped:
        click.echo("stopped early; every fault healed", err=True)
        raise SystemExit(130)
    click.echo("every fault healed")
