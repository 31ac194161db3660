"""`chaoskit down`: remove the cluster's containers, network and volumes."""
from __future__ import annotations

import click

from chaoskit.cluster import compose, engine
from chaoskit.commands import Command


@click.command(cls=Command)
@click.option("--keep-data", is_flag=True, help="Keep node data and logs under .chaoskit/data.")
def command(keep_data: bool) -> None:
    """Remove containers, network and volumes (and node data unless --keep-data).

    Example: chaoskit down --keep-data
    """
    engine.connect()
    compose.down(keep_data=keep_data)
    click.echo("cluster removed" + (" (data kept)" if keep_data else ""), err=True)
