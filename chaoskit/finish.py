"""The end of a run: one guarded sequence of steps, each run and recorded whatever came before.

    heal -> node-error scan -> completeness -> close ledger -> collect node logs
    -> audit of the configs the nodes ran -> check -> diagnosis -> report -> teardown

Logs are collected before the check and the report because the report quotes
them. Each step's outcome goes to `end.json` in the run directory (and a
failure to chaoskit.log); a heal or node-error scan that raised makes the run
incomplete, since nothing then vouches for the cluster. Everything that
touches Docker comes in `EndActions`, so the sequence is tested without it.
"""
from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from chaoskit import checker, completeness
from chaoskit.diagnosis import rundir as diagnosis
from chaoskit.ledger import LedgerWriter
from chaoskit.steps import Sequence, Step

RECORD = "end.json"


@dataclass(frozen=True)
class EndActions:
    """The cluster side of a run's end."""

    heal: Callable[[], list[str]]            # heal everything; returns what stays unhealed
    node_errors: Callable[[], list[str]]     # fatal JVM errors found on the nodes
    collect_logs: Callable[[Path], object]   # copy node logs and configs into the run directory
    teardown: Callable[[], None] | None      # None: keep the cluster


def finish(run_dir: Path, writer: LedgerWriter, facts: completeness.Facts, actions: EndActions,
           say: Callable[[str], None], audit: Callable[[], object] | None = None) -> dict[str, Any]:
    """Run the end sequence; returns the checker's results (verdict unknown if the check itself failed).

    `audit` audits the collected configs (audit.json, which the report shows)."""
    sequence = Sequence(run_dir / RECORD, say)
    found: dict[str, Any] = {}

    def decide() -> None:
        facts.failed_steps = [o.name for o in sequence.outcomes if not o.ok]
        for key, value in {**completeness.decide(facts), "ended_at": time.time()}.items():
            writer.set_meta(key, value)

    def scan() -> None:
        errors = actions.node_errors()
        if errors:
            say("fatal JVM error on a node: " + "; ".join(errors))
        facts.node_errors.extend(errors)

    def report() -> None:
        from reports import render_all  # matplotlib: loaded only when a report is made

        say(f"report: {render_all(run_dir)['html']}")

    end = [
        Step("heal", lambda: facts.unhealed.extend(actions.heal())),
        Step("node errors", scan),
        Step("completeness", decide),
        Step("close ledger", writer.close),
        Step("collect logs", lambda: actions.collect_logs(run_dir)),
        *([Step("audit", audit)] if audit is not None else []),
        Step("check", lambda: found.update(checker.write_results(run_dir)[0])),
        Step("diagnosis", lambda: say(diagnosis.run_step(run_dir))),   # reads the logs collected above
        Step("report", report),
    ]
    if actions.teardown is not None:
        down = actions.teardown

        def teardown() -> None:
            say("tearing the cluster down")
            down()

        end.append(Step("teardown", teardown))
    sequence.run(end)
    return found or {"valid": "unknown", "reason": f"the check failed: {sequence.failed('check')}"}
