"""`chaoskit audit PATH...`: findings about a deployment's own RocketMQ configuration files."""
from __future__ import annotations

import json
from pathlib import Path

import click
from rich.console import Console
from rich.table import Table

from chaoskit.audit.deployment import audit, read_files
from chaoskit.audit.known_keys import KeysUnavailable
from chaoskit.audit.read import BadInput
from chaoskit.cluster.spec import DEFAULT_VERSION, check_version
from chaoskit.commands import Command
from chaoskit.errors import UsageError

_STYLE = {"error": "bold red", "warn": "yellow", "info": "dim"}


@click.command(cls=Command)
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print {\"findings\": [...]} instead of a table.")
@click.option("--rocketmq-version", "version", default=DEFAULT_VERSION, show_default=True,
              help="The release whose configuration classes say which keys exist.")
def command(paths: tuple[Path, ...], as_json: bool, version: str) -> None:
    """Audit RocketMQ configuration files (files or folders): NameServer,
    controller, broker and proxy files, read as RocketMQ reads them.

    Each finding: severity (error, warn, info), file, line, key, what is
    wrong and why it matters, and the fix. Exit code: 0 no error finding,
    1 at least one, 2 bad input (no such path, unreadable or binary file,
    no RocketMQ file).

    Example: chaoskit audit conf/controller/ broker-n0.conf broker-n1.conf
    """
    check_version(version)
    try:
        found = audit(read_files(list(paths)), version)
    except (BadInput, KeysUnavailable) as exc:
        raise UsageError(str(exc)) from None
    if as_json:
        click.echo(json.dumps({"findings": [f.to_dict() for f in found]}, indent=1))
    else:
        table = Table(title=f"audit of {len(paths)} path(s), RocketMQ {version}")
        table.add_column("severity")
        table.add_column("where", overflow="fold")
        table.add_column("key", overflow="fold")
        table.add_column("what and why", ratio=3)
        table.add_column("fix", ratio=2)
        for f in found:
            where = f"{f.file}:{f.line}" if f.line else f.file
            table.add_row(f.severity, where, f.key, f.message, f.fix, style=_STYLE[f.severity])
        console = Console()
        console.print(table if found else "no findings")
    click.get_current_context().exit(1 if any(f.severity == "error" for f in found) else 0)
