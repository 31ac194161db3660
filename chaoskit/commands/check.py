"""`chaoskit check`: check a run's ledger offline and write results.json beside it."""
from __future__ import annotations

import json
from pathlib import Path

import click
from rich.console import Console

from chaoskit.checker import results as results_mod
from chaoskit.checker import summary, write_results
from chaoskit.commands import Command, OneLineError
from chaoskit.diagnosis import rundir as diagnosis
from chaoskit.errors import UsageError
from chaoskit.ledger import LedgerError, open_for_read, resolve_path

EXIT_CODES = {True: 0, False: 1, "unknown": 3}


class _OneLineErrors(Command):
    """click's own usage errors (an unknown option, ...) as chaoskit's one-line error."""

    def make_context(self, info_name, args, parent=None, **extra):  # type: ignore[no-untyped-def]
        try:
            return super().make_context(info_name, args, parent=parent, **extra)
        except click.UsageError as exc:
            raise OneLineError(exc.format_message()) from None


@click.command(cls=_OneLineErrors, context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("run", required=False, type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print results.json instead of the summary.")
@click.option("--reference", is_flag=True,
              help="Check with the slow reference checker (LEDGER.md read literally) and print its JSON; "
                   "writes nothing.")
def command(run: Path | None, as_json: bool, reference: bool) -> None:
    """Check RUN (a run directory holding ledger.db, or a ledger file).

    Writes results.json beside the ledger and prints a summary; a run
    directory with its node logs also gets its diagnosis (results.json
    "diagnosis", docs/diagnosis.md). Exit code:
    0 valid, 1 invalid, 3 unknown (the history cannot prove either), 2 for a
    usage error or a missing, corrupt or foreign ledger. --reference cross-
    examines a verdict with the reference checker the fast one is tested
    against (same exit codes).

    Example: chaoskit check store/latest
    """
    if run is None:
        raise UsageError("missing RUN: a run directory or a ledger.db file")
    if reference:
        found = _reference(run)
        click.echo(json.dumps(found, indent=1, sort_keys=True))
        click.get_current_context().exit(EXIT_CODES[found["valid"]])
    try:
        found, out = write_results(run)
    except LedgerError as exc:
        raise UsageError(str(exc)) from None
    except OSError as exc:
        raise UsageError(f"cannot write results.json: {exc}") from None
    if run.is_dir() and diagnosis.log_files(run):  # a run directory with its node logs: diagnose too
        found["diagnosis"] = diagnosis.write(run).as_dict()
    if as_json:
        click.echo(results_mod.dumps(found), nl=False)
    else:
        summary.render(found, resolve_path(run), out, Console())
    click.get_current_context().exit(EXIT_CODES[found["valid"]])


def _reference(run: Path) -> dict:
    """The reference checker's results for RUN; UsageError for a ledger it cannot read."""
    from chaoskit.checker import reference

    try:
        conn = open_for_read(resolve_path(run))
    except LedgerError as exc:
        raise UsageError(str(exc)) from None
    try:
        return reference.check(conn)
    finally:
        conn.close()
