"""One workload run, phase by phase: warm-up, main, drain, final read.

    warm-up     consumers start and each polls once (a new group on 5.0.x/5.1.x
                starts at the end of each queue: it must exist before the first send)
    main        producers send on the open-loop schedule while consumers consume
    drain       producers stop (in-flight sends get their outcome); consumers go on (drain.py)
    final read  `before_final_read()` (the caller heals faults), then a pull of every queue
                (final_read.py); the drain may take it early, to learn that the values still
                missing are not stored at all

Several workloads may share one ledger: each tags its rows with its kind (the
`workload` column) and numbers its producers from `first_producer`, so values
stay unique in the ledger. `run_workload` writes no meta: it returns how it
ended (`WorkloadSummary`) and the caller decides completeness
(chaoskit/completeness.py), once for all its workloads; `run_alone` does that
for a workload that is its ledger's only writer (`chaoskit workload`).
"""
from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from typing import Any

from chaoskit import completeness
from chaoskit.cluster.access import Access
from chaoskit.cluster.nodes import Node
from chaoskit.completeness import WorkloadEnd
from chaoskit.ledger import EventKind, LedgerWriter, WorkloadWriter
from workloads import access as access_mod
from workloads import payload
from workloads.consumer import AWAIT_S
from workloads.delivery import DeliverySink
from workloads.drain import DrainResult, drain
from workloads.final_read import FinalRead, read_store
from workloads.producer import ProducerWorker
from workloads.progress import ProgressView, auto_mode
from workloads.ratelimit import split
from workloads.spec import WorkloadSpec
from workloads.stats import Stats
from workloads.tracker import Tracker

START_DELAY_S = 0.2  # between starting the producer threads and the first due send


class WorkloadError(RuntimeError):
    """The workload could not run (e.g. consumers never managed to receive)."""


@dataclass(frozen=True)
class WorkloadSummary:
    run_id: str
    sent: int
    ok: int
    fail: int
    info: int
    acked: int
    received: int
    unreceived: int        # acknowledged values never delivered
    deliveries: int
    redeliveries: int
    late_sends: int
    max_lag: float
    foreign: int
    receive_errors: int    # failed receives (a timed-out one may leave its batch popped until redelivery)
    ack_errors: int
    drain: DrainResult
    final_read: FinalRead | None  # None: skipped (spec.final_read false, or interrupted)

    def to_json(self) -> str:
        return json.dumps(asdict(self), sort_keys=True)

    def end(self) -> WorkloadEnd:
        """A clean end, as completeness.decide takes it."""
        return WorkloadEnd("", self.drain.complete, self.final_read is not None and self.final_read.complete)


def run_workload(spec: WorkloadSpec, access: Access, writer: LedgerWriter, nodes: list[Node], *,
                 first_producer: int = 0, progress: str = "auto", stop: threading.Event | None = None,
                 before_final_read: Callable[[], None] | None = None) -> WorkloadSummary:
    """Run `spec` against the cluster (`nodes`, its clients reaching it through `access`), recording into `writer`.

    Producers are numbered from `first_producer` (values p<n>-<seq>).
    `progress`: auto | live | plain | off. `stop` ends the run early (drain
    and ledger then incomplete). `before_final_read` is called before the
    store is first read (by the drain, or after it): the place to heal faults. Ctrl-C stops the run
    the same way and is re-raised once producers and consumers have stopped.
    """
    stop = stop or threading.Event()
    access_mod.prepare(access_mod.mode_of(access))
    run_id = payload.new_run_id()
    writer = WorkloadWriter(writer, spec.kind)
    stats = Stats(Tracker())
    sink = DeliverySink(run_id, spec.topic, writer, stats)
    view = ProgressView(stats, auto_mode() if progress == "auto" else progress).start()
    consumers = [access_mod.make_consumer(i, spec, access, sink) for i in range(spec.consumers)]
    new_sender = access_mod.sender_factory(access, spec)
    producers = [ProducerWorker(n, spec, lambda n=n: new_sender(n), run_id, writer, stats)
                 for n in range(first_producer, first_producer + spec.producers)]

    def phase(name: str, ts: float | None = None) -> None:
        stats.phase(name)
        writer.add("events", {"ts": time.time() if ts is None else ts, "kind": EventKind.PHASE, "detail": name})

    try:
        phase("warmup")
        for c in consumers:
            c.start()
        _each_at_once([p.start_client for p in producers])  # each client start is a few round trips
        if not sink.wait_polled({c.name for c in consumers}, spec.warmup_timeout, stop):
            if stop.is_set():
                raise KeyboardInterrupt
            raise WorkloadError(f"consumers could not receive from {spec.topic} within {spec.warmup_timeout:.0f} s "
                                f"({stats.snapshot().receive_errors} receive errors, last: {sink.last_error})")
        phase("main")
        start = time.time() + START_DELAY_S
        for p, schedule in zip(producers, split(spec.rate, spec.producers, start, spec.duration)):
            p.start(schedule)
        stop.wait(max(0.0, start + spec.duration - time.time()))
        if stop.is_set():
            raise KeyboardInterrupt
        phase("drain")
        _finish_producers(producers)
        reads: list[tuple[float, FinalRead, list[dict]]] = []  # (started, result, rows)

        def read() -> tuple[float, FinalRead, list[dict]]:
            if before_final_read is not None:
                before_final_read()
            rows: list[dict] = []
            started = time.time()
            reads.append((started, read_store(nodes, spec.topic, run_id, rows.append), rows))
            return reads[-1]

        def stored() -> set | None:
            _, found, rows = read()
            return {payload.parse_value(r["value"]) for r in rows} if found.complete else None

        result = drain(stats.tracker, sink, spec.drain_quiet, spec.drain_limit, stop,
                       store=stored if spec.final_read else None)
        for c in consumers:  # they end their last receive while the store is read
            c.stop()
        if stop.is_set():
            raise KeyboardInterrupt
        final = None
        if spec.final_read:
            # The drain's read is the final read when it ended the drain; else read again now.
            started, final, rows = reads[-1] if result.reason == "unstored" else read()
            phase("final read", started)
            for row in rows:
                writer.add("final_reads", row)
            writer.flush()
        _stop_consumers(consumers, spec)
        phase("done")
        return _summary(run_id, producers, stats, result, final)
    except KeyboardInterrupt:
        phase("interrupted")
        stop.set()
        raise
    finally:
        for p in producers:
            p.stop()
        _finish_producers(producers)
        _stop_consumers(consumers, spec)
        writer.flush()
        view.stop()


def run_alone(spec: WorkloadSpec, access: Access, writer: LedgerWriter, nodes: list[Node], *,
              meta: dict[str, object] | None = None, **options: Any) -> WorkloadSummary:
    """`run_workload` as the only writer of its ledger (`chaoskit workload`): with the ledger's meta.

    The completeness flags are 'false' until the workload ended cleanly, then
    chaoskit/completeness.py decides them; `meta` adds keys (e.g. the RocketMQ version).
    """
    for key, value in {**completeness.INITIAL, "workload": spec.to_json(), "started_at": time.time(),
                       **(meta or {})}.items():
        writer.set_meta(key, value)
    summary = run_workload(spec, access, writer, nodes, **options)
    facts = completeness.Facts(workloads={spec.kind: summary.end()})
    for key, value in {**completeness.decide(facts), "run_id": summary.run_id,
                       "workload_summary": summary.to_json(), "ended_at": time.time()}.items():
        writer.set_meta(key, value)
    return summary


def _finish_producers(producers: list[ProducerWorker]) -> None:
    """Stop sending and wait for every in-flight outcome, all producers at once."""
    _each_at_once([p.finish for p in producers])


def _each_at_once(calls: list[Callable[[], None]]) -> None:
    """Run every call on its own thread; wait for all; re-raise the first failure."""
    with ThreadPoolExecutor(max(1, len(calls))) as pool:
        for future in [pool.submit(c) for c in calls]:
            future.result()


def _stop_consumers(consumers: list, spec: WorkloadSpec) -> None:
    for c in consumers:
        c.stop()
    for c in consumers:
        c.join(AWAIT_S + spec.request_timeout + 5)


def _summary(run_id: str, producers: list[ProducerWorker], stats: Stats, drained: DrainResult,
             final: FinalRead | None) -> WorkloadSummary:
    s = stats.snapshot()
    return WorkloadSummary(run_id=run_id, sent=sum(p.sent for p in producers), ok=s.ok, fail=s.fail, info=s.info,
                           acked=s.acked, received=s.received, unreceived=s.outstanding, deliveries=s.deliveries,
                           redeliveries=s.redeliveries, late_sends=s.late_sends, max_lag=s.max_lag,
                           foreign=s.foreign, receive_errors=s.receive_errors, ack_errors=s.ack_errors,
                           drain=drained, final_read=final)
