"""`chaoskit shrink RUN_DIR`: the smallest scenario that still fails like RUN_DIR (delta debugging)."""
from __future__ import annotations

import itertools
from pathlib import Path

import click
from rich.console import Console, Group
from rich.live import Live
from rich.table import Table
from rich.text import Text

from chaoskit.checker.verdict import WORDS
from chaoskit.commands import Command
from chaoskit.errors import UsageError
from chaoskit.repro import recorded, scenario_file
from chaoskit.repro import shrink as search


@click.command(cls=Command)
@click.argument("run_dir", type=click.Path(path_type=Path))
@click.option("--tries", "-k", type=int, default=1, show_default=True,
              help="Runs of each smaller candidate; kept if any of them fails.")
def command(run_dir: Path, tries: int) -> None:
    """Shrink a failing run: drop fault steps, shorten them, lower the rate, shorten the
    run, keeping each change only if the smaller run still fails in at least one
    of K tries. Every try is a full run on a fresh cluster (its run directory is
    kept, meta `shrink_of` naming RUN_DIR); candidates and the result are written
    to RUN_DIR/shrink/ (minimal.toml: run it with `chaoskit run`; a --config run's
    files beside it in user-config/).

    Exit code: 0 done, 2 bad input (no such run, a run without its logs, a run
    that did not fail, K < 1, a --config run whose files are missing or unreadable).

    Example: chaoskit shrink store/stale-master/20261207T012000 --tries 2
    """
    if tries < 1:
        raise UsageError(f"--tries must be at least 1, not {tries}")
    base = recorded.load_run(run_dir)
    verdict = recorded.results(run_dir)["valid"]
    if verdict is not False:
        raise UsageError(f"{run_dir} did not fail (verdict {WORDS.get(verdict, verdict)}): nothing to shrink")
    from chaoskit.orchestrate import run

    work = run_dir / "shrink"
    try:  # before any run: a run directory shrink cannot write to is bad input
        work.mkdir(exist_ok=True)
        for old in work.glob("try-*.toml"):  # an earlier shrink's tries would read as this one's
            old.unlink()
    except OSError as exc:
        raise UsageError(f"cannot write {work}: {exc}") from None
    console = Console(stderr=True)
    view = _View(search.start_of(base))
    counter = itertools.count(1)

    def run_once(candidate: search.Candidate) -> str:
        n = next(counter)
        scenario = scenario_file.write(search.apply(base, candidate), work / f"try-{n:03d}.toml",
                                       header=f"chaoskit shrink of {run_dir}, try {n}: {candidate.describe()}")
        view.running = f"run {n}: {candidate.describe()}"
        live.update(view.render())
        result = run(scenario, origin={"shrink_of": str(run_dir.resolve())}, echo=lambda m: None, progress="off")
        view.runs.append(str(result.run_dir))
        return WORDS[result.verdict]

    def on_try(t: search.Try) -> None:
        view.tries.append(t)
        view.running = ""
        live.update(view.render())

    with Live(view.render(), console=console, refresh_per_second=2) as live:
        outcome = search.shrink(view.start, run_once, tries, on_try)
    scenario_file.write(search.apply(base, outcome.minimal), work / "minimal.toml",
                        header=f"chaoskit shrink of {run_dir}: {outcome.reduction()}")
    click.echo(f"{outcome.reduction()}\nminimal scenario: {work / 'minimal.toml'} ({outcome.minimal.describe()})")
    click.echo(f"every try's run directory: {', '.join(view.runs) or 'none'}")


class _View:
    """The live display: the candidate being run, and every try so far."""

    def __init__(self, start: search.Candidate) -> None:
        self.start = start
        self.tries: list[search.Try] = []
        self.runs: list[str] = []
        self.running = ""

    def render(self) -> Group:
        table = Table(title=f"shrinking from {self.start.describe()}", expand=False)
        for col in ("#", "reduction", "verdicts", "kept"):
            table.add_column(col)
        for i, t in enumerate(self.tries, 1):
            table.add_row(str(i), t.reduction, " ".join(t.verdicts), "yes" if t.kept else "no",
                          style="green" if t.kept else None)
        runs = sum(len(t.verdicts) for t in self.tries)
        return Group(table, Text(f"{runs} run(s) done" + (f"; now {self.running}" if self.running else "")))
