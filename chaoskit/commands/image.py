"""`chaoskit image`: build the node image chaoskit/rocketmq:<version> if absent."""
from __future__ import annotations

import time

import click

from chaoskit.cluster import engine
from chaoskit.cluster.image import build_image, ensure_image
from chaoskit.cluster.spec import DEFAULT_VERSION, check_version
from chaoskit.commands import Command


@click.command(cls=Command)
@click.option("--rocketmq-version", "version", default=DEFAULT_VERSION, show_default=True)
@click.option("--rebuild", is_flag=True, help="Build even if the image exists (the base is kept).")
def command(version: str, rebuild: bool) -> None:
    """Build chaoskit/rocketmq:VERSION from Maven Central jars on a Debian-bootstrapped JRE.

    Example: chaoskit image --rocketmq-version 5.0.0
    """
    check_version(version)
    client = engine.connect()
    start = time.monotonic()
    log = lambda m: click.echo(f"image: {m}", err=True)  # noqa: E731
    image_id = build_image(client, version, log) if rebuild else ensure_image(client, version, log)
    click.echo(f"chaoskit/rocketmq:{version} {image_id[:19]} ({time.monotonic() - start:.0f} s)", err=True)
