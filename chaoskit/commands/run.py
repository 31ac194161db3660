"""`chaoskit run SCENARIO`: the front door."""
from __future__ import annotations

import sys

import click
from rich.console import Console

from chaoskit.commands import Command
from chaoskit.scenario import Overrides, load


def _faults(value: str | None) -> tuple[str, ...] | None:
    if value is None:
        return None
    return () if value.strip() in ("", "none") else tuple(v.strip() for v in value.split(",") if v.strip())


@click.command(cls=Command)
@click.argument("scenario")
@click.option("--duration", type=float, help="Seconds of workload and faults.")
@click.option("--rate", type=float, help="Total sends per second over all workloads.")
@click.option("--faults", "faults", help="Fault kinds, comma-separated (none: no faults).")
@click.option("--interval", type=float, help="Seconds between faults.")
@click.option("--seed", type=int, help="Seed of the fault plan.")
@click.option("--rocketmq-version", "version", help="RocketMQ 5.x release.")
@click.option("--replicas", type=int, help="Brokers in broker-a (2 or 3).")
@click.option("--access", help="remoting (the Java client to the brokers, no proxy) or proxy (gRPC through a Proxy).")
@click.option("--set", "sets", multiple=True, metavar="ROLE.KEY=VALUE", help="broker/controller/proxy property (repeatable).")
@click.option("--keep-cluster", is_flag=True, help="Leave the cluster running after the run.")
@click.option("--dry-run", is_flag=True, help="Validate and print the plan; start nothing.")
@click.option("--exit-by-expectation", is_flag=True,
              help="Exit 0 when the scenario's expected verdict was met, 1 when not, 3 when unknown (for CI).")
def command(scenario: str, duration, rate, faults, interval, seed, version, replicas, access, sets, keep_cluster,
            dry_run, exit_by_expectation) -> None:
    """Run SCENARIO (a name from scenarios/ or a .toml path) end to end.

    Fresh cluster, workloads and a seeded fault plan, heal, recovery, drain,
    final read, check, report (store/<scenario>/<time>/report.html), teardown.
    Exit code: 0 pass, 1 fail, 3 unknown, 2 bad input.

    Example: chaoskit run no-loss --duration 60 --seed 7
    """
    sc = load(scenario, Overrides(duration, rate, _faults(faults), interval, seed, version, replicas, tuple(sets),
                                  access))
    console = Console(stderr=True)
    if dry_run:
        from faults.plan import describe

        console.print(f"{sc.name}: {sc.description}")
        console.print(f"cluster: RocketMQ {sc.cluster.version}, {sc.cluster.replicas} replicas, access {sc.cluster.access}, "
                      f"overrides {sc.cluster.overrides}")
        for w in sc.workloads:
            console.print(f"workload: {w.kind} at {w.rate:g}/s for {w.duration:g} s")
        console.print(describe(sc.plan) if sc.plan else "no faults", markup=False)
        return
    from chaoskit.orchestrate import run

    result = run(sc, keep_cluster=keep_cluster, echo=lambda m: console.print(m, markup=False, highlight=False))
    if exit_by_expectation and result.expected_met is not None and result.verdict != "unknown":
        sys.exit(0 if result.expected_met else 1)
    sys.exit(result.exit_code)
