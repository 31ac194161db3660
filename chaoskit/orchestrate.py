"""`chaoskit run`: one scenario end to end, wiring only.

fresh cluster up -> workloads (warm-up, main) with the fault plan beside them
-> drain, and before the store is first read (by the drain or after it) every
fault healed and a recovery wait -> final read -> node logs collected ->
check -> report -> teardown (unless kept).

Every exit path (normal end, exception, Ctrl-C, SIGTERM) heals every fault,
closes the ledger, and still checks and reports: an interrupted or crashed
run has ledger_complete='false', so its verdict is unknown, never PASS.
"""
from __future__ import annotations

import json
import threading
import time
import traceback
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from chaoskit import checker, runstore
from chaoskit.cluster import compose, engine, lifecycle, node_errors, ready
from chaoskit.cluster.nodes import list_nodes
from chaoskit.cluster.spec import state_dir
from chaoskit import ledger
from chaoskit.ledger import LedgerWriter
from chaoskit.scenario import Scenario
from faults import actions
from faults import plan as plan_mod
from faults.executor import Executor, stop_on_signals
from faults.heal import sweep
from workloads import access as workload_access
from workloads.runner import run_workload

EXIT_CODES = {True: 0, False: 1, "unknown": 3}
VERDICT_WORDS = {True: "pass", False: "fail", "unknown": "unknown"}


@dataclass(frozen=True)
class RunResult:
    run_dir: Path
    verdict: Any                 # True | False | "unknown"
    reason: str
    expected_met: bool | None    # None: the scenario expects nothing

    @property
    def exit_code(self) -> int:
        return EXIT_CODES[self.verdict]


class ScopedLedger:
    """One workload's view of the shared ledger.

    Several workloads record into one ledger: their values are prefixed with
    the workload kind (queue/p0-000001, fifo/p0-000001) so they stay distinct,
    and their meta keys are prefixed too; the run writes the combined keys.
    """

    _VALUED = {"sends", "receives", "final_reads"}

    def __init__(self, writer: LedgerWriter, scope: str) -> None:
        self._writer, self._scope = writer, scope

    def _scoped(self, table: str, row: dict) -> dict:
        return {**row, "value": f"{self._scope}/{row['value']}"} if table in self._VALUED else row

    def add(self, table: str, row: dict) -> None:
        self._writer.add(table, self._scoped(table, row))

    def amend(self, table: str, key: dict, values: dict) -> None:
        self._writer.amend(table, self._scoped(table, key), values)

    def add_now(self, table: str, row: dict) -> int:
        return self._writer.add_now(table, self._scoped(table, row))

    def update_now(self, table: str, rowid: int, values: dict) -> None:
        self._writer.update_now(table, rowid, values)

    def set_meta(self, key: str, value: Any) -> None:
        self._writer.set_meta(f"{self._scope}.{key}", value)

    def flush(self) -> None:
        self._writer.flush()


def run(scenario: Scenario, keep_cluster: bool = False, echo: Callable[[str], None] = print,
        progress: str = "auto") -> RunResult:
    """Run `scenario`; returns the verdict and where the evidence is.

    A missing client piece (JRE, client jars) is a UsageError before anything starts.
    """
    workload_access.prepare(scenario.cluster.access)
    run_dir = runstore.create(scenario.name)
    log = runstore.file_logger(run_dir)

    def say(msg: str) -> None:
        log.info(msg)
        echo(msg)

    say(f"run {scenario.name} -> {run_dir}")
    (run_dir / "scenario.toml").write_text(scenario.path.read_text())
    if scenario.plan is not None:
        (run_dir / "plan.json").write_text(scenario.plan.to_json())
        say("fault plan:\n" + plan_mod.describe(scenario.plan))
    writer = LedgerWriter(run_dir / "ledger.db")
    _scenario_meta(writer, scenario)
    stop = threading.Event()
    executor: Executor | None = None
    client = engine.connect()
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
            executor = _run_main(scenario, cluster, writer, stop, say, progress)
    except lifecycle.ClusterNotReady as exc:
        say(f"cluster never ready: {exc}\n{exc.log_tail}")
        writer.set_meta("failure", f"cluster never ready: {exc}")
    except KeyboardInterrupt:
        say("interrupted: healing, tearing down, reporting (verdict unknown)")
        writer.set_meta("failure", "interrupted")
    except Exception as exc:  # the harness crashed: still heal, check and report
        say(f"harness error: {exc}")
        log.error(traceback.format_exc())
        writer.set_meta("failure", f"harness error: {exc}")
    finally:
        stop.set()
        _heal(executor, client, say, writer)
        _node_errors(client, say, writer)
        writer.close()
        runstore.collect_node_files(client, run_dir, state_dir() / "data")
        results, _ = checker.write_results(run_dir)
        _report(run_dir, say)
        if not keep_cluster:
            say("tearing the cluster down")
            compose.down()
    verdict = results["valid"]
    expected_met = None if scenario.expected_verdict is None else VERDICT_WORDS[verdict] == scenario.expected_verdict
    say(f"verdict: {VERDICT_WORDS[verdict].upper()} ({results.get('reason', '')})"
        + ("" if expected_met is None else f"; expected {scenario.expected_verdict}: "
           + ("met" if expected_met else "NOT met")))
    return RunResult(run_dir, verdict, results.get("reason", ""), expected_met)


def _run_main(scenario: Scenario, cluster: lifecycle.Cluster, writer: LedgerWriter, stop: threading.Event,
              say: Callable[[str], None], progress: str) -> Executor | None:
    """Workloads and faults side by side; the run's combined meta at the end."""
    nodes = cluster.nodes()
    executor = None
    fault_thread = None
    if scenario.plan is not None:
        # Faults are timed from here; the workloads' warm-up (consumers polling
        # before the first send) takes a few seconds, well inside the first interval.
        executor = Executor(cluster.client, writer, scenario.plan, time.time(), log=say)
        fault_thread = threading.Thread(target=executor.run, args=(stop,), name="faults", daemon=True)
        fault_thread.start()
    recovered = _RecoveryGate(fault_thread, cluster, scenario, writer, say)
    outcomes: dict[str, str] = {}

    def one(i: int, spec) -> None:
        try:
            run_workload(spec, cluster.access(scenario.cluster.access), ScopedLedger(writer, spec.kind), cluster.client, nodes,
                         cluster.version, progress=progress if i == 0 else "off", stop=stop,
                         before_final_read=recovered.wait)
            outcomes[spec.kind] = "ok"
        except KeyboardInterrupt:
            outcomes[spec.kind] = "interrupted"
        except Exception as exc:
            outcomes[spec.kind] = f"error: {exc}"
            say(f"workload {spec.kind} failed: {exc}")
            stop.set()

    threads = [threading.Thread(target=one, args=(i, w), name=f"workload-{w.kind}") for i, w in enumerate(scenario.workloads)]
    for t in threads:
        t.start()
    for t in threads:
        while t.is_alive():
            t.join(0.5)  # short joins keep the main thread responsive to signals
    if fault_thread is not None:
        fault_thread.join()
    _combine_meta(writer, scenario, outcomes, recovered.ok)
    if stop.is_set() and any(o == "interrupted" for o in outcomes.values()):
        raise KeyboardInterrupt
    return executor


class _RecoveryGate:
    """Before the final read: every fault healed and the cluster whole again (once)."""

    def __init__(self, fault_thread, cluster, scenario, writer, say) -> None:
        self._fault_thread, self._cluster, self._scenario = fault_thread, cluster, scenario
        self._writer, self._say = writer, say
        self._lock = threading.Lock()
        self.ok: bool | None = None

    def wait(self) -> None:
        with self._lock:
            if self.ok is not None:
                return
            if self._fault_thread is not None:
                self._fault_thread.join()
            self._say("every fault healed; waiting for the cluster to recover")
            expected = lifecycle.expected_of(self._scenario.cluster)
            start = time.monotonic()
            try:
                roles = ready.wait(lambda: ready.check_roles(self._cluster.client, expected),
                                   self._scenario.recovery_timeout)
                self.ok = True
                self._say(f"recovered in {time.monotonic() - start:.0f} s")
                # A replica may have lost workload topics (5.3.3, docs/matrix.md): re-created, and recorded.
                lost = ready.restore_topics(self._cluster.client, roles)
                if lost:
                    self._say("workload topics re-created after recovery: " + "; ".join(lost))
                    self._writer.set_meta("topics_restored", "; ".join(lost))
            except ready.NotReady as exc:
                self.ok = False
                self._say(f"cluster did not recover within {self._scenario.recovery_timeout:.0f} s: {exc}")
            self._writer.set_meta("recovery_s", round(time.monotonic() - start, 1))
            self._writer.set_meta("recovery_complete", str(self.ok).lower())


def _combine_meta(writer: LedgerWriter, scenario: Scenario, outcomes: dict[str, str], recovered: bool | None) -> None:
    conn_meta = _read_meta(writer)
    kinds = [w.kind for w in scenario.workloads]

    def all_true(key: str) -> bool:
        return all(conn_meta.get(f"{k}.{key}") == "true" for k in kinds)

    writer.set_meta("drain_complete", str(all_true("drain_complete")).lower())
    writer.set_meta("final_read_complete", str(all_true("final_read_complete")).lower())
    # A run whose cluster did not recover, or whose workload did not end
    # cleanly, is incomplete: its verdict can only be unknown.
    complete = all_true("ledger_complete") and all(o == "ok" for o in outcomes.values()) and recovered is not False
    writer.set_meta("ledger_complete", str(complete).lower())
    writer.set_meta("ended_at", time.time())


def _read_meta(writer: LedgerWriter) -> dict[str, str]:
    writer.flush()
    conn = ledger.open_for_read(writer.path)
    try:
        return ledger.read_meta(conn)
    finally:
        conn.close()


def _scenario_meta(writer: LedgerWriter, scenario: Scenario) -> None:
    spec = scenario.cluster
    for key, value in {
        "scenario": scenario.name,
        "description": scenario.description,
        "expected_verdict": scenario.expected_verdict or "",
        "rocketmq_version": spec.version,
        "replicas": spec.replicas,
        "access": spec.access,
        "broker_config": json.dumps({"allAckInSyncStateSet": "true", **spec.overrides.get("broker", {})}),
        "controller_config": json.dumps({"enableControllerInNamesrv": "true", "controllers": 3,
                                         **spec.overrides.get("controller", {})}),
        "workload": json.dumps([asdict(w) for w in scenario.workloads]),
        "fault_plan": scenario.plan.to_json() if scenario.plan else "[]",
        "seed": scenario.seed,
        "duration_s": scenario.duration,
        "started_at": time.time(),
        # RocketMQ 5.1+ writes its logs in GMT+8; our 5.0.x logging config in UTC.
        "log_utc_offset_hours": 0 if spec.version.startswith("5.0.") else 8,
        "ledger_complete": "false",
        "drain_complete": "false",
        "final_read_complete": "false",
    }.items():
        writer.set_meta(key, value)


def _heal(executor: Executor | None, client, say: Callable[[str], None], writer: LedgerWriter) -> None:
    """Heal what the executor started, then sweep every node for anything left."""
    problems = executor.heal_all() if executor is not None else []
    try:
        fixed = sweep(client, list_nodes(client))
    except Exception as exc:  # report, never mask the run's own outcome
        fixed, problems = [], [*problems, f"heal sweep failed: {exc}"]
    if fixed:
        say("heal sweep fixed: " + "; ".join(fixed))
    if problems:
        say("left unhealed: " + "; ".join(problems))
        writer.set_meta("unhealed", "; ".join(problems))
        writer.set_meta("ledger_complete", "false")


def _node_errors(client, say: Callable[[str], None], writer: LedgerWriter) -> None:
    """A node whose JVM hit a fatal error (out of memory, ...) makes the run incomplete."""
    errors = node_errors.fatal_errors(client, list_nodes(client))
    if errors:
        say("fatal JVM error on a node: " + "; ".join(errors))
        writer.set_meta("node_errors", "; ".join(errors))
        writer.set_meta("ledger_complete", "false")


def _report(run_dir: Path, say: Callable[[str], None]) -> None:
    from reports import render_all

    paths = render_all(run_dir)
    say(f"report: {paths['html']}")
