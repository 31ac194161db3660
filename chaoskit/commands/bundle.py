"""`chaoskit bundle RUN_DIR`: one .tar.gz of a failing run's evidence for an upstream issue."""
from __future__ import annotations

from pathlib import Path

import click

from chaoskit.commands import Command
from chaoskit.errors import UsageError
from chaoskit.repro import bundle, recorded


@click.command(cls=Command)
@click.argument("run_dir", type=click.Path(path_type=Path))
@click.option("--output", "-o", type=click.Path(path_type=Path),
              help="Where to write the archive (default: RUN_DIR/bundle.tar.gz).")
def command(run_dir: Path, output: Path | None) -> None:
    """Pack RUN_DIR for an upstream issue: BUG_REPORT.md (environment, steps to reproduce,
    expected vs actual, the evidence, the code path if known), the scenario and
    fault plan (and shrink's minimal scenario if there is one), the rendered
    configs, log excerpts around each diagnosed event, the lost values with
    their send times and positions (lost.csv) and results.json. Under 10 MB.

    Exit code: 0 written, 2 bad input (no such run, a run without its logs or results.json).

    Example: chaoskit bundle store/latest -o stale-master.tar.gz
    """
    recorded.require(run_dir)
    recorded.results(run_dir)
    out = output or run_dir / "bundle.tar.gz"
    try:
        written = bundle.build(run_dir, out)
    except bundle.BundleTooLarge as exc:
        raise UsageError(str(exc)) from None
    except OSError as exc:
        raise UsageError(f"cannot build {out}: {exc}") from None  # a file read or the archive written
    click.echo(f"{written} ({written.stat().st_size:,} bytes)")
