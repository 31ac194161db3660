"""`chaoskit versions`: the served RocketMQ releases and whether each one's image is built."""
from __future__ import annotations

import click
from rich.console import Console
from rich.table import Table

from chaoskit import versions
from chaoskit.cluster import engine, image
from chaoskit.commands import Command
from chaoskit.errors import UsageError


def image_states() -> dict[str, str]:
    """release -> built | not built | out of date; every one 'unknown' when no Docker engine answers."""
    try:
        client = engine.connect()
    except UsageError:
        return dict.fromkeys(versions.SERVED, "unknown")
    digest = image.inputs_digest()
    states = {}
    for v in versions.SERVED:
        if not image.has_image(client, image.image_tag(v)):
            states[v] = "not built"
        else:
            labels = client.images.get(image.image_tag(v)).labels or {}
            states[v] = "built" if labels.get(image.INPUTS_LABEL) == digest else "out of date"
    return states


@click.command(cls=Command)
def command() -> None:
    """List the served RocketMQ releases (oldest first), whether chaoskit/rocketmq:V is built, and notes.

    Built is 'unknown' when no Docker engine answers.

    Example: chaoskit versions
    """
    states = image_states()
    table = Table("release", "image", "notes")
    for r in versions.RELEASES:
        name = f"{r.version} (default)" if r.version == versions.DEFAULT else r.version
        table.add_row(name, states[r.version], r.notes)
    Console().print(table)
