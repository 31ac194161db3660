"""A run's main phase: the workloads and the fault plan side by side, then the recovery wait.

Each workload runs in its own thread on the shared ledger; their producers
are numbered apart (the first workload's p0-p3, the next's p4-...) so every
value is unique in the ledger. The fault plan runs in another thread. Before
any workload first reads the store (the drain or the final read), every
fault is healed and the cluster must be whole again (`RecoveryGate`). How
each workload ended and whether the cluster recovered go into `facts`, for
chaoskit/completeness.py to decide on.
"""
from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable

from chaoskit.cluster import lifecycle, ready
from chaoskit.completeness import Facts, WorkloadEnd
from chaoskit.ledger import LedgerWriter
from chaoskit.scenario import Scenario
from faults.executor import Executor
from workloads.runner import WorkloadSummary, run_workload
from workloads.spec import WorkloadSpec


class RecoveryGate:
    """Before the final read: every fault healed and the cluster whole again (once)."""

    def __init__(self, fault_thread: threading.Thread | None, cluster: lifecycle.Cluster, scenario: Scenario,
                 writer: LedgerWriter, say: Callable[[str], None]) -> None:
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


def run(scenario: Scenario, cluster: lifecycle.Cluster, writer: LedgerWriter, stop: threading.Event,
        facts: Facts, started: Callable[[Executor], None], say: Callable[[str], None], progress: str) -> None:
    """Workloads and faults until every workload ended; `started` gets the executor as soon as it runs.

    Raises KeyboardInterrupt when a workload was interrupted by `stop`.
    """
    nodes = cluster.nodes()
    fault_thread = None
    if scenario.plan is not None:
        # Faults are timed from here; the workloads' warm-up (consumers polling
        # before the first send) takes a few seconds, well inside the first interval.
        executor = Executor(cluster.client, writer, scenario.plan, time.time(), log=say)
        started(executor)
        fault_thread = threading.Thread(target=executor.run, args=(stop,), name="faults", daemon=True)
        fault_thread.start()
    recovered = RecoveryGate(fault_thread, cluster, scenario, writer, say)
    summaries: dict[str, WorkloadSummary] = {}
    firsts = [sum(w.producers for w in scenario.workloads[:i]) for i in range(len(scenario.workloads))]

    def one(i: int, spec: WorkloadSpec) -> None:
        facts.workloads[spec.kind] = WorkloadEnd("did not end")
        try:
            summaries[spec.kind] = run_workload(
                spec, cluster.access(scenario.cluster.access), writer, nodes, first_producer=firsts[i],
                progress=progress if i == 0 else "off", stop=stop, before_final_read=recovered.wait)
            facts.workloads[spec.kind] = summaries[spec.kind].end()
        except KeyboardInterrupt:
            facts.workloads[spec.kind] = WorkloadEnd("interrupted")
        except Exception as exc:
            facts.workloads[spec.kind] = WorkloadEnd(f"error: {exc}")
            say(f"workload {spec.kind} failed: {exc}")
            stop.set()

    threads = [threading.Thread(target=one, args=(i, w), name=f"workload-{w.kind}")
               for i, w in enumerate(scenario.workloads)]
    for t in threads:
        t.start()
    for t in threads:
        while t.is_alive():
            t.join(0.5)  # short joins keep the main thread responsive to signals
    if fault_thread is not None:
        fault_thread.join()
    facts.recovered = recovered.ok
    writer.set_meta("workload_summary", json.dumps({k: json.loads(s.to_json()) for k, s in summaries.items()},
                                                   sort_keys=True))
    if stop.is_set() and any(e.error == "interrupted" for e in facts.workloads.values()):
        raise KeyboardInterrupt
