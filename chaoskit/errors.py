"""Errors that the CLI turns into a one-line message and an exit code."""
from __future__ import annotations

import click


class UsageError(click.ClickException):
    """Bad input (flags, scenario files, ledgers): one line on stderr, exit 2."""

    exit_code = 2

    def show(self, file=None) -> None:  # one line, no usage banner
        click.echo(f"chaoskit: error: {self.format_message()}", err=True)
