"""The `chaoskit` command: wiring only; each command lives in chaoskit/commands/."""
from __future__ import annotations

import click

from chaoskit.commands import Group


# Group: a UsageError from any command (even one registered without chaoskit's
# Command class) is one line and exit 2.
@click.group(cls=Group, context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """Chaos and durability verification for Apache RocketMQ 5 clusters."""


# Commands register below, one import each (keep imports light: `check` and
# `report` must work on a laptop with no Docker).
from chaoskit.commands import report as _report; main.add_command(_report.command, "report")  # noqa: E402
from chaoskit.commands import up as _up; main.add_command(_up.command, "up")  # noqa: E402
from chaoskit.commands import status as _status; main.add_command(_status.command, "status")  # noqa: E402
from chaoskit.commands import down as _down; main.add_command(_down.command, "down")  # noqa: E402
from chaoskit.commands import logs as _logs; main.add_command(_logs.command, "logs")  # noqa: E402
from chaoskit.commands import image as _image; main.add_command(_image.command, "image")  # noqa: E402
from chaoskit.commands import workload as _workload; main.add_command(_workload.command, "workload")  # noqa: E402
from chaoskit.commands import faults as _faults; main.add_command(_faults.command, "faults")  # noqa: E402
from chaoskit.commands import heal as _heal; main.add_command(_heal.command, "heal")  # noqa: E402
from chaoskit.commands import check as _check; main.add_command(_check.command, "check")  # noqa: E402
from chaoskit.commands import run as _run; main.add_command(_run.command, "run")  # noqa: E402
from chaoskit.commands import replay as _replay; main.add_command(_replay.command, "replay")  # noqa: E402
from chaoskit.commands import shrink as _shrink; main.add_command(_shrink.command, "shrink")  # noqa: E402
from chaoskit.commands import bundle as _bundle; main.add_command(_bundle.command, "bundle")  # noqa: E402
from chaoskit.commands import audit as _audit; main.add_command(_audit.command, "audit")  # noqa: E402
from chaoskit.commands import versions as _versions; main.add_command(_versions.command, "versions")  # noqa: E402
from chaoskit.commands import matrix as _matrix; main.add_command(_matrix.command, "matrix")  # noqa: E402
from chaoskit.commands import bisect as _bisect; main.add_command(_bisect.command, "bisect")  # noqa: E402
