"""Benchmark of the workload harness: a script, not a test. Run it under the cluster lock:

    flock /tmp/chaoskit-cluster.lock python bench/bench_workload.py

It measures, on the running cluster, in one run:
1. recording overhead: the acknowledged send rate of the harness's producers
   (ProducerWorker: open-loop schedule set above capacity, in-flight bound,
   every outcome recorded through LedgerWriter) vs a bare client loop
   (send_async with the same in-flight bound, same producers and bodies, no
   recording). Both send to the probe topic, which no consumer reads.
2. the knee: full workloads (producers, consumers, ledger, drain) at
   stepped target rates; the highest target whose acknowledged rate reaches
   95% of it (and whose drain received everything) is the sustained rate.
3. the harness's peak memory with 1M recorded rows, in a fresh process: the
   real producer path (ProducerWorker with a client stub that acknowledges at
   once) and delivery path (DeliverySink with stub messages) record 500k
   sends and 500k receives of the real row size into a real ledger, paced at
   4,000 rows/s (the rows of 2,000 sends/s: twice the goal rate), and the
   process's peak RSS is read (it includes the imported RocketMQ/gRPC client),
   with the most rows that ever waited for the writer thread.
Results print as a markdown table (docs/workloads.md keeps the last one).
"""
from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import Future
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from chaoskit.cluster.topics import TOPICS  # noqa: E402
from chaoskit.ledger import LedgerWriter  # noqa: E402
from workloads import payload  # noqa: E402
from workloads.spec import WorkloadSpec  # noqa: E402
from workloads.stats import Stats  # noqa: E402
from workloads.tracker import Tracker  # noqa: E402

PROBE = TOPICS["probe"].name
WARMUP_S = 3.0


def bare_rate(access, producers: int, in_flight: int, size: int, seconds: float) -> float:
    """Acknowledged sends/s of plain send_async loops, nothing recorded."""
    from rocketmq import Message, Producer

    clients = [Producer(access.configuration(10), (PROBE,), tls_enable=access.tls) for _ in range(producers)]
    for c in clients:
        c.startup()
    stop = threading.Event()
    oks = [0] * producers

    def loop(k: int) -> None:
        sem = threading.Semaphore(in_flight // producers)

        def done(f: Future) -> None:
            if f.exception() is None:
                oks[k] += 1
            sem.release()
        i = 0
        while not stop.is_set():
            if not sem.acquire(timeout=0.2):
                continue
            m = Message()
            m.topic = PROBE
            value = payload.value_of(k, i)
            m.body = payload.encode(value, "bench-bare", size)
            m.keys = value
            m.tag = "bench-bare"
            clients[k].send_async(m).add_done_callback(done)
            i += 1

    threads = [threading.Thread(target=loop, args=(k,), daemon=True) for k in range(producers)]
    for t in threads:
        t.start()
    time.sleep(WARMUP_S)
    start_ok, t0 = sum(oks), time.time()
    time.sleep(seconds)
    rate = (sum(oks) - start_ok) / (time.time() - t0)
    stop.set()
    for t in threads:
        t.join()
    time.sleep(2)
    for c in clients:
        c.shutdown()
    return rate


def harness_rate(access, producers: int, in_flight: int, size: int, seconds: float) -> float:
    """Acknowledged sends/s of the harness's producers (every outcome recorded), schedule above capacity."""
    from workloads.access import sender_factory
    from workloads.producer import ProducerWorker
    from workloads.ratelimit import split

    spec = WorkloadSpec(topic=PROBE, producers=producers, max_in_flight=in_flight, size=size,
                        rate=20_000, duration=WARMUP_S + seconds + 1)
    with tempfile.TemporaryDirectory() as tmp:
        writer = LedgerWriter(Path(tmp) / "ledger.db")
        stats = Stats(Tracker())
        new_sender = sender_factory(access, spec)
        workers = [ProducerWorker(k, spec, lambda k=k: new_sender(k), "bench-harness", writer, stats)
                   for k in range(producers)]
        for w in workers:
            w.start_client()
        for w, s in zip(workers, split(spec.rate, producers, time.time() + 0.1, spec.duration)):
            w.start(s)
        time.sleep(WARMUP_S)
        start_ok, t0 = stats.snapshot().ok, time.time()
        time.sleep(seconds)
        rate = (stats.snapshot().ok - start_ok) / (time.time() - t0)
        for w in workers:
            w.finish()
        writer.close()
    return rate


def knee(cluster, rates: list[float], seconds: float) -> list[dict]:
    """Full workloads at each target rate: achieved acknowledged rate, drain outcome."""
    from workloads.runner import run_workload

    out = []
    for rate in rates:
        cpu0 = _cpu_seconds()
        spec = WorkloadSpec(rate=rate, duration=seconds, producers=2, consumers=2, final_read=False)
        with tempfile.TemporaryDirectory() as tmp:
            writer = LedgerWriter(Path(tmp) / "ledger.db")
            s = run_workload(spec, cluster.access("proxy"), writer, cluster.nodes(), progress="off")
            writer.close()
        row = {"target": rate, "acked_per_s": s.ok / seconds, "cpu_ms_per_msg": 1000 * (_cpu_seconds() - cpu0) / max(s.ok, 1),
               "sent": s.sent, "info": s.info,
               "late_sends": s.late_sends, "max_lag_s": s.max_lag, "drain": s.drain.reason,
               "unreceived": s.unreceived}
        print(row, flush=True)
        out.append(row)
        if row["acked_per_s"] < 0.95 * rate:
            break  # past the knee
    return out


def _cpu_seconds() -> float:
    """CPU time (user + system) of this process so far."""
    ru = resource.getrusage(resource.RUSAGE_SELF)
    return ru.ru_utime + ru.ru_stime


class _StubProducer:
    """Acknowledges every send at once (the memory run needs no cluster)."""

    class Receipt:
        message_id = "0102FC0000000108480B1E57CF00000004"  # the real id length

    def startup(self) -> None:
        pass

    def send_async(self, message) -> Future:
        f: Future = Future()
        f.set_result(self.Receipt())
        return f

    def shutdown(self) -> None:
        pass


class _StubMessage:
    message_group = None
    message_id = _StubProducer.Receipt.message_id
    delivery_attempt = 1

    def __init__(self, body: bytes) -> None:
        self.body = body


def memory_child(rows: int, pace: float, size: int) -> None:
    """(In a fresh process) record `rows` rows through the real paths; print peak RSS in MB."""
    import rocketmq  # noqa: F401  (the real harness has the client loaded)

    from workloads.delivery import DeliverySink
    from workloads.grpc_sender import GrpcSender
    from workloads.producer import ProducerWorker
    from workloads.ratelimit import Schedule

    half = rows // 2
    spec = WorkloadSpec(rate=pace / 2, duration=half / (pace / 2) + 1, producers=1, size=size)
    with tempfile.TemporaryDirectory() as tmp:
        writer = LedgerWriter(Path(tmp) / "ledger.db")
        stats = Stats(Tracker())
        worker = ProducerWorker(0, spec, lambda: GrpcSender(_StubProducer, spec.topic, spec.request_timeout), "mem",
                                writer, stats)
        worker.start_client()
        start = time.time() + 0.1
        worker.start(Schedule(start, pace / 2, half / (pace / 2)))
        sink = DeliverySink("mem", spec.topic, writer, stats)
        backlog = [0]

        def sample() -> None:  # diagnostic: rows queued for the writer thread, not yet committed
            while not done.is_set():
                backlog[0] = max(backlog[0], writer._q.qsize())
                time.sleep(0.2)
        done = threading.Event()
        threading.Thread(target=sample, daemon=True).start()
        for i in range(half):  # deliveries paced like the sends
            delay = start + i / (pace / 2) - time.time()
            if delay > 0:
                time.sleep(delay)
            sink.deliver("c0", _StubMessage(payload.encode(payload.value_of(0, i), "mem", size)))
        while stats.snapshot().sends < half:  # the sender may lag the deliveries
            time.sleep(0.1)
        worker.finish()
        done.set()
        writer.close()
        n = sum(1 for _ in __import__("sqlite3").connect(Path(tmp) / "ledger.db").execute(
            "SELECT 1 FROM sends UNION ALL SELECT 1 FROM receives"))
    print(f"{n} {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} {backlog[0]}")


def memory_at(rows: int, pace: float, size: int) -> tuple[int, float, int]:
    """(rows recorded, peak RSS MB, most rows ever waiting for the writer) of a memory child run."""
    out = subprocess.run([sys.executable, __file__, "--memory-child", str(rows), "--pace", str(pace),
                          "--size", str(size)], capture_output=True, text=True, check=True)
    n, mb, backlog = out.stdout.split()[-3:]
    return int(n), float(mb), int(backlog)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seconds", type=float, default=20.0, help="measuring window of each rate run")
    ap.add_argument("--rates", default="200,300,400,500,750,1000,1500", help="knee steps (sends/s)")
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--pace", type=float, default=4_000.0,
                    help="rows/s fed in the memory run (the rows of 2x the goal rate of 1000 sends/s)")
    ap.add_argument("--size", type=int, default=256)
    ap.add_argument("--memory-child", type=int, default=0, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.memory_child:
        memory_child(args.memory_child, args.pace, args.size)
        return
    from chaoskit.cluster import lifecycle

    cluster = lifecycle.current()
    access = cluster.access("proxy")
    print(f"RocketMQ {cluster.version}, {os.cpu_count()} cores, load {os.getloadavg()[0]:.1f}", flush=True)
    bare = bare_rate(access, 2, 1024, args.size, args.seconds)
    print(f"bare send_async loop: {bare:.0f} acked/s", flush=True)
    harness = harness_rate(access, 2, 1024, args.size, args.seconds)
    print(f"harness producers with recording: {harness:.0f} acked/s (ratio {harness / bare:.2f})", flush=True)
    steps = knee(cluster, [float(r) for r in args.rates.split(",")], args.seconds)
    sustained = max((s["target"] for s in steps if s["acked_per_s"] >= 0.95 * s["target"]
                     and s["drain"] == "all_received"), default=0)
    n, mb, backlog = memory_at(args.rows, args.pace, args.size)
    print("\n| measure | result | goal |\n|---|---|---|")
    print(f"| bare client send loop (2 producers, 1024 in flight) | {bare:.0f} acked/s | |")
    print(f"| harness producers, every outcome recorded | {harness:.0f} acked/s | |")
    print(f"| ratio recorded / bare | {harness / bare:.2f} | >= 0.9 |")
    for s in steps:
        print(f"| full workload at {s['target']:.0f}/s | {s['acked_per_s']:.0f} acked/s, late {s['late_sends']}, "
              f"max lag {s['max_lag_s']:.2f} s, drain {s['drain']}, harness CPU {s['cpu_ms_per_msg']:.1f} ms "
              f"per message | |")
    print(f"| highest sustained rate (>= 95% of target, all received) | {sustained:.0f}/s | >= 1000/s |")
    print(f"| peak RSS, {n:,} rows recorded at {args.pace:,.0f} rows/s | {mb:.0f} MB (at most {backlog:,} rows "
          f"waiting for the writer) | <= 300 MB |")
    print(f"| this bench process's peak RSS | {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB | |")


if __name__ == "__main__":
    main()
