"""A guarded sequence of named steps: each runs even when an earlier one raised.

The end of a run (heal, node-error scan, completeness, ledger close, log
collection, check, report, teardown) must not lose the report or the
teardown to an exception in an earlier step. Every step's outcome is kept
and written to a JSON file after each step, so a run killed half-way through
its end still shows how far it got.
"""
from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path


@dataclass(frozen=True)
class Step:
    name: str
    call: Callable[[], object]


@dataclass(frozen=True)
class Outcome:
    name: str
    ok: bool
    seconds: float
    error: str = ""


class Sequence:
    """Runs steps in order, recording each outcome into `record` (a JSON file)."""

    def __init__(self, record: Path, log: Callable[[str], None]) -> None:
        self._record, self._log = record, log
        self.outcomes: list[Outcome] = []

    def failed(self, name: str) -> str | None:
        """The error of step `name` if it ran and failed, else None."""
        return next((o.error for o in self.outcomes if o.name == name and not o.ok), None)

    def run(self, steps: list[Step]) -> list[Outcome]:
        for step in steps:
            start = time.monotonic()
            try:
                step.call()
                outcome = Outcome(step.name, True, round(time.monotonic() - start, 2))
            # A Ctrl-C in the end sequence still leaves the later steps (the teardown) to run.
            except (Exception, KeyboardInterrupt) as exc:
                error = f"{type(exc).__name__}: {exc}".splitlines()[0][:300]
                outcome = Outcome(step.name, False, round(time.monotonic() - start, 2), error)
                self._log(f"step '{step.name}' failed: {error}")
            self.outcomes.append(outcome)
            self._record.write_text(json.dumps([asdict(o) for o in self.outcomes], indent=1) + "\n")
        return self.outcomes
