"""`chaoskit logs NODE`: a node's RocketMQ log (or its container output)."""
from __future__ import annotations

import click

from chaoskit.cluster import engine
from chaoskit.cluster.compose import log_file
from chaoskit.commands import Command
from chaoskit.errors import UsageError


@click.command(cls=Command)
@click.argument("node")
@click.option("--lines", "-n", type=click.IntRange(min=1), default=100, show_default=True)
@click.option("--container", is_flag=True, help="Show the container's stdout/stderr instead.")
def command(node: str, lines: int, container: bool) -> None:
    """Print the last lines of NODE's log (namesrv-0, broker-a-1, proxy, ...).

    Example: chaoskit logs broker-a-0 -n 50
    """
    path = log_file(node)
    if path is None:
        raise UsageError(f"unknown node '{node}': use namesrv-N, broker-a-N or proxy")
    if not container and path.is_file():
        click.echo("\n".join(path.read_text(errors="replace").splitlines()[-lines:]))
        return
    client = engine.connect()
    found = client.containers.list(all=True, filters={"label": f"io.chaoskit.node={node}"})
    if not found:
        raise UsageError(f"no container for node '{node}'")
    click.echo(found[0].logs(tail=lines).decode(errors="replace"), nl=False)
