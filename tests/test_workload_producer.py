"""The producer against a stub client: outcomes recorded, schedule followed, fifo groups serial."""
from __future__ import annotations

import threading
import time
from concurrent.futures import Future
from pathlib import Path

from rocketmq.v5.exception import IllegalArgumentException, InternalErrorException

from chaoskit.ledger import LedgerWriter, open_for_read
from workloads.grpc_sender import GrpcSender
from workloads.producer import ProducerWorker
from workloads.ratelimit import Schedule
from workloads.spec import WorkloadSpec
from workloads.stats import Stats
from workloads.tracker import Tracker


class Receipt:
    def __init__(self, message_id: str) -> None:
        self.message_id = message_id


class StubClient:
    """send_async by value's sequence number: 0 ok, 1 raises, 2 fails later, 3 never answers, else ok later."""

    def __init__(self) -> None:
        self.groups_in_flight: dict[str, int] = {}
        self.max_per_group = 0
        self.messages = []
        self.lock = threading.Lock()

    def startup(self) -> None:
        pass

    def shutdown(self) -> None:
        pass

    def send_async(self, message) -> Future:
        self.messages.append(message)
        seq = int(message.body.split()[0].rsplit(b"-", 1)[1])
        f: Future = Future()
        if seq == 0:
            f.set_result(Receipt("ID0"))
        elif seq == 1:
            raise IllegalArgumentException("message body is none.")
        elif seq == 2:
            threading.Timer(0.01, f.set_exception, [InternalErrorException("connect to x failed", 50001)]).start()
        elif seq != 3:
            group = message.message_group
            with self.lock:
                n = self.groups_in_flight[group] = self.groups_in_flight.get(group, 0) + 1
                self.max_per_group = max(self.max_per_group, n)

            def answer() -> None:
                with self.lock:
                    self.groups_in_flight[group] -= 1
                f.set_result(Receipt(f"ID{seq}"))
            threading.Timer(0.02, answer).start()
        return f


def run_producer(tmp_path: Path, spec: WorkloadSpec, sends: int):
    writer = LedgerWriter(tmp_path / "ledger.db")
    stats = Stats(Tracker())
    stub = StubClient()
    worker = ProducerWorker(0, spec, lambda: GrpcSender(lambda: stub, spec.topic, spec.request_timeout), "run1",
                            writer, stats)
    worker.start_client()
    start = time.time() + 0.05
    worker.start(Schedule(start, spec.rate, sends / spec.rate))
    while stats.snapshot().sends + stats.snapshot().in_flight < sends:
        time.sleep(0.01)
    worker.finish()
    writer.close()
    return open_for_read(tmp_path / "ledger.db"), stub, stats, start


def test_each_send_gets_one_row_with_its_outcome(tmp_path: Path):
    spec = WorkloadSpec(rate=200, request_timeout=1, producers=1)
    conn, stub, stats, start = run_producer(tmp_path, spec, 6)
    rows = conn.execute("SELECT value, process, outcome, message_id, error, complete_ts IS NULL, group_key, topic "
                        "FROM sends ORDER BY value").fetchall()
    assert rows == [
        ("p0-000000", "p0", "ok", "ID0", None, 0, None, "chaos-queue"),
        ("p0-000001", "p0", "fail", None, "IllegalArgumentException: message body is none.", 0, None, "chaos-queue"),
        ("p0-000002", "p0", "info", None, "InternalErrorException: 50001, connect to x failed", 0, None,
         "chaos-queue"),
        ("p0-000003", "p0", "info", None, "no outcome before the deadline", 1, None, "chaos-queue"),
        ("p0-000004", "p0", "ok", "ID4", None, 0, None, "chaos-queue"),
        ("p0-000005", "p0", "ok", "ID5", None, 0, None, "chaos-queue"),
    ]
    s = stats.snapshot()
    assert (s.ok, s.fail, s.info, s.in_flight, s.acked, s.outstanding) == (3, 1, 2, 0, 3, 3)
    m = stub.messages[4]
    assert (m.tag, m.keys, m.body[:15], len(m.body)) == ("run1", {"p0-000004"}, b"p0-000004 run1 ", 256)
    invoked = [t for (t,) in conn.execute("SELECT invoke_ts FROM sends ORDER BY value")]
    assert all(t >= start + i / 200 for i, t in enumerate(invoked))  # never before its due time


def test_fifo_sends_each_group_serially_and_records_the_group(tmp_path: Path):
    spec = WorkloadSpec(kind="fifo", rate=1000, producers=1, fifo_groups=4, request_timeout=1)
    conn, stub, stats, _ = run_producer(tmp_path, spec, 200)
    assert stub.max_per_group == 1
    groups = {g for (g,) in conn.execute("SELECT DISTINCT group_key FROM sends")}
    assert groups == {"p0-g0", "p0-g1", "p0-g2", "p0-g3"}
    # p0-000003 never answers: its group sends nothing more until the deadline (1 s x 3 attempts + 1 s)
    group, stuck_at = conn.execute("SELECT group_key, invoke_ts FROM sends WHERE value = 'p0-000003'").fetchone()
    later = conn.execute("SELECT min(invoke_ts) FROM sends WHERE group_key = ? AND invoke_ts > ?",
                         (group, stuck_at)).fetchone()[0]
    assert later is None or later >= stuck_at + 4.0
    # 4 groups x 20 ms per send cannot keep up with 1000/s: the backlog is recorded, nothing dropped
    assert conn.execute("SELECT count(*) FROM sends").fetchone()[0] == 200
    assert stats.snapshot().late_sends > 0
    assert conn.execute("SELECT count(*) FROM events WHERE kind = 'send_backlog'").fetchone()[0] >= 1


def test_a_send_is_on_disk_before_its_outcome(tmp_path: Path):
    """A harness that dies mid-send leaves the send's row (info, no completion), never a delivery without it."""
    writer = LedgerWriter(tmp_path / "ledger.db")
    stats = Stats(Tracker())
    spec = WorkloadSpec(rate=100, request_timeout=1, producers=1)
    worker = ProducerWorker(0, spec, lambda: GrpcSender(StubClient, spec.topic, spec.request_timeout), "run1",
                            writer, stats)
    worker.start_client()
    worker.start(Schedule(time.time(), 100, 0.04))  # p0-000000 .. p0-000003; 3 never answers
    while stats.snapshot().sends < 3:
        time.sleep(0.01)
    writer.flush()
    conn = open_for_read(tmp_path / "ledger.db")
    row = conn.execute("SELECT outcome, complete_ts, error FROM sends WHERE value = 'p0-000003'").fetchone()
    assert row == ("info", None, "in flight: no outcome recorded")
    assert conn.execute("SELECT outcome FROM sends WHERE value = 'p0-000000'").fetchone() == ("ok",)
    worker.finish()
    writer.close()
