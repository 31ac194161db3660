"""One module per CLI command; each exposes a click command named `command`.

Commands use `Command` (groups `Group`): a UsageError raised by any layer
below (plain, so pure modules need no click) becomes one line on stderr and
exit 2, whether the command runs under `chaoskit` or on its own (tests).
"""
from __future__ import annotations

import click

from chaoskit.errors import UsageError


class OneLineError(click.ClickException):
    """Bad input as the CLI shows it: `chaoskit: error: ...`, no usage banner, exit 2.

    Raised directly where click itself calls us (parameter types, parsing).
    """

    exit_code = 2

    def show(self, file=None) -> None:
        click.echo(f"chaoskit: error: {self.format_message()}", err=True)


class _MapsUsageErrors:
    def invoke(self, ctx: click.Context):  # type: ignore[no-untyped-def]
        try:
            return super().invoke(ctx)  # type: ignore[misc]
        except UsageError as exc:
            raise OneLineError(str(exc)) from None


class Command(_MapsUsageErrors, click.Command):
    """A chaoskit command: UsageError -> one line, exit 2."""


class Group(_MapsUsageErrors, click.Group):
    """A chaoskit command group: UsageError -> one line, exit 2; its subcommands are `Command`s."""

    command_class = Command
