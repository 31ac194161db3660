"""`chaoskit up`: start the cluster and return once it is ready."""
from __future__ import annotations

import sys

import click
from rich.console import Console

from chaoskit.cluster.lifecycle import ClusterNotReady, up
from chaoskit.cluster.spec import ACCESS_MODES, DEFAULT_ACCESS, DEFAULT_VERSION, ClusterSpec
from chaoskit.commands import Command


@click.command(cls=Command)
@click.option("--rocketmq-version", "version", default=DEFAULT_VERSION, show_default=True, help="RocketMQ 5.x release.")
@click.option("--replicas", type=int, default=2, show_default=True, help="Brokers in broker-a (2 or 3).")
@click.option("--set", "assignments", multiple=True, metavar="ROLE.KEY=VALUE",
              help="Property override for broker, controller or proxy (repeatable).")
@click.option("--access", default=DEFAULT_ACCESS, show_default=True,
              help=f"{' or '.join(ACCESS_MODES)}: remoting runs no proxy (the seed's deployment), proxy adds one.")
@click.option("--timeout", type=click.FloatRange(min=10), default=240, show_default=True, help="Seconds to wait for readiness.")
def command(version: str, replicas: int, assignments: tuple[str, ...], access: str, timeout: float) -> None:
    """Start the cluster; return when it is ready.

    Ready: the controllers have a leader, broker-a has exactly one master and
    its SyncStateSet holds every replica, every replica has the workload
    topics, and (with --access proxy) the Proxy acknowledges a send.

    Example: chaoskit up --rocketmq-version 5.5.0 --replicas 3 --access proxy
    """
    spec = ClusterSpec(version, replicas, access=access).with_set(list(assignments))  # validates before touching anything
    console = Console(stderr=True)
    try:
        cluster = up(spec, timeout, log=lambda m: console.print(f"[dim]up:[/] {m}"))
    except ClusterNotReady as exc:
        console.print(f"[red]chaoskit: {exc} (after {timeout:.0f} s)[/]")
        console.print(f"[dim]last lines of {exc.node}'s log:[/]")
        console.print(exc.log_tail, markup=False, highlight=False)
        sys.exit(1)
    console.print(f"[green]ready[/]: RocketMQ {cluster.version}, "
                  + (f"proxy at {cluster.access('proxy').endpoint}" if spec.with_proxy
                     else f"no proxy; NameServers at {cluster.access('remoting').endpoint}"))
