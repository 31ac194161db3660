"""`chaoskit report RUN_DIR`: render report.html, junit.xml and summary.md."""
from __future__ import annotations

from pathlib import Path

import click

from chaoskit.commands import Command
from chaoskit.errors import UsageError


@click.command(cls=Command)
@click.argument("run_dir", type=click.Path(path_type=Path))
def command(run_dir: Path) -> None:
    """Render the reports of a checked run from its ledger.db and results.json.

    Writes report.html (self-contained, opens offline), junit.xml and
    summary.md into RUN_DIR and prints their paths.

    Example: chaoskit report store/latest
    """
    # Imported here: matplotlib and Jinja2 stay off every other command's start-up.
    from reports import ReportInputError, render_all

    try:
        written = render_all(run_dir)
    except ReportInputError as exc:
        raise UsageError(str(exc)) from None
    for path in written.values():
        click.echo(str(path))
