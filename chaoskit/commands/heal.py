"""`chaoskit heal`: sweep the cluster clean of faults a crashed run left behind."""
from __future__ import annotations

import click

from chaoskit.commands import Command
from chaoskit.errors import UsageError


@click.command(cls=Command)
def command() -> None:
    """Unpause and start every node, remove chaoskit's iptables chain and qdiscs, verify.

    For after a harness was killed mid-run (a normal or interrupted run heals
    itself). Touches only what chaoskit creates: the CHAOSKIT chain, its jump
    rules and qdiscs with handle ca05:. Prints what it fixed; exit 1 if
    something of ours is still there afterwards.

    Example: chaoskit heal
    """
    from chaoskit.cluster import engine
    from chaoskit.cluster import nodes as nodes_mod
    from faults.heal import HealError, sweep

    client = engine.connect()
    nodes = nodes_mod.list_nodes(client)
    if not nodes:
        raise UsageError("no chaoskit cluster found: nothing to heal")
    try:
        fixed = sweep(client, nodes)
    except HealError as exc:
        for line in exc.fixed:
            click.echo(f"fixed {line}")
        raise click.ClickException(f"still not clean: {'; '.join(exc.problems)}") from None
    for line in fixed:
        click.echo(f"fixed {line}")
    click.echo(f"clean: {len(nodes)} nodes running, no chaoskit rule or qdisc left"
               + ("" if fixed else " (nothing to fix)"))
