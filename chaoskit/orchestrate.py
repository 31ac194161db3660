"""`chaoskit run`: one scenario end to end, wiring only.

fresh cluster up -> main phase (chaoskit/main_phase.py: workloads and the
fault plan side by side, every fault healed and a recovery wait before the
store is first read) -> the end sequence (chaoskit/finish.py: heal, node-error
scan, completeness, ledger close, node logs, check, diagnosis, report, teardown).

Every exit path (normal end, exception, Ctrl-C, SIGTERM) goes through the
whole end sequence: an interrupted or crashed run has ledger_complete='false'
(chaoskit/completeness.py), so its verdict is unknown, never PASS.
"""
from __future__ import annotations

import json
import threading
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from chaoskit import main_phase, runstore
from chaoskit.audit import run_audit
from chaoskit.checker.verdict import WORDS
from chaoskit.cluster import compose, engine, lifecycle, node_errors
from chaoskit.cluster.nodes import list_nodes
from chaoskit.completeness import Facts
from chaoskit.finish import EndActions, finish
from chaoskit.ledger import LedgerWriter
from chaoskit.paths import state_dir
from chaoskit.run_meta import scenario_meta
from chaoskit.scenario import Scenario
from faults import actions, heal
from faults import plan as plan_mod
from faults.executor import Executor, stop_on_signals
from workloads import access as workload_access

EXIT_CODES = {True: 0, False: 1, "unknown": 3}


@dataclass(frozen=True)
class RunResult:
    run_dir: Path
    verdict: Any                 # True | False | "unknown"
    reason: str
    expected_met: bool | None    # None: the scenario expects nothing

    @property
    def exit_code(self) -> int:
        return EXIT_CODES[self.verdict]


def run(scenario: Scenario, keep_cluster: bool = False, echo: Callable[[str], None] = print,
        progress: str = "auto", origin: dict[str, str] | None = None) -> RunResult:
    """Run `scenario`; returns the verdict and where the evidence is. `origin`: meta naming the
    run this one repeats or reduces (`replay_of`, `shrink_of`).

    A missing client piece (JRE, client jars) or an unreachable Docker engine is a
    UsageError before anything starts.
    """
    workload_access.prepare(scenario.cluster.access)
    client = engine.connect()  # an unreachable engine is a UsageError before the run directory exists
    run_dir = runstore.create(scenario.name)
    log = runstore.file_logger(run_dir)

    def say(msg: str) -> None:
        log.info(msg)
        echo(msg)

    say(f"run {scenario.name} -> {run_dir}")
    (run_dir / "scenario.toml").write_text(scenario.path.read_text())
    if scenario.user_config is not None:
        run_audit.record_user_files(run_dir, scenario.config_path)  # what replay and shrink run again
        say(f"the cluster runs your files; what Docker changes: {run_audit.write_rewrites(run_dir, scenario.user_config.rewrites)}")
    if scenario.plan is not None:
        (run_dir / "plan.json").write_text(scenario.plan.to_json())
        say("fault plan:\n" + plan_mod.describe(scenario.plan))
    writer = LedgerWriter(run_dir / "ledger.db")
    for key, value in {**scenario_meta(scenario), **(origin or {})}.items():
        writer.set_meta(key, value)
    facts = Facts()
    stop = threading.Event()
    executors: list[Executor] = []
    try:
        with stop_on_signals(stop, say):
            say("fresh cluster: removing any running one")
            compose.down()
            cluster = lifecycle.up(scenario.cluster, log=say)
            if stop.is_set():
                raise KeyboardInterrupt
            writer.set_meta("image_id", cluster.image_id)
            writer.set_meta("topology", json.dumps({n.name: n.ip for n in cluster.nodes()}))
            if scenario.plan is not None:
                plan_mod.validate(scenario.plan, actions.probe_capabilities(client, cluster.nodes()),
                                  [n.name for n in cluster.nodes()])
            stop.wait(scenario.warmup)
            main_phase.run(scenario, cluster, writer, stop, facts, executors.append, say, progress)
    except lifecycle.ClusterNotReady as exc:
        say(f"cluster never ready: {exc}\n{exc.log_tail}")
        facts.failure = f"cluster never ready: {exc}"
    except KeyboardInterrupt:
        say("interrupted: healing, tearing down, reporting (verdict unknown)")
        facts.failure = "interrupted"
    except Exception as exc:  # the harness crashed: still heal, check and report
        say(f"harness error: {exc}")
        log.error(traceback.format_exc())
        facts.failure = f"harness error: {exc}"
    finally:
        stop.set()
        audit_errors: list = []
        results = finish(run_dir, writer, facts, EndActions(
            heal=lambda: heal.after_run(client, executors[0] if executors else None, say),
            node_errors=lambda: node_errors.fatal_errors(client, list_nodes(client)),
            collect_logs=lambda d: runstore.collect_node_files(client, d, state_dir() / "data"),
            teardown=None if keep_cluster else compose.down), say,
            audit=lambda: audit_errors.extend(f for f in run_audit.audit_run(run_dir, scenario.cluster.version)
                                              if f.severity == "error"))
    verdict = results["valid"]
    expected_met = None if scenario.expected_verdict is None else WORDS[verdict] == scenario.expected_verdict
    say(f"verdict: {WORDS[verdict].upper()} ({results.get('reason', '')})"
        + ("" if expected_met is None else f"; expected {scenario.expected_verdict}: "
           + ("met" if expected_met else "NOT met"))
        + "".join(f"\naudit error: {f.file}:{f.line or ''} {f.message}" for f in audit_errors))
    return RunResult(run_dir, verdict, results.get("reason", ""), expected_met)
