"""Workloads against the real cluster (no faults): run under the cluster lock,
`flock /tmp/chaoskit-cluster.lock python -m pytest -m integration tests/test_workload_integration.py`.
"""
from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from chaoskit.checker import write_results
from chaoskit.ledger import LedgerWriter, open_for_read, read_meta
from workloads.runner import run_alone
from workloads.spec import WorkloadSpec

pytestmark = pytest.mark.integration

ACKED = "SELECT DISTINCT value FROM sends WHERE outcome = 'ok'"


def run(cluster, tmp_path: Path, spec: WorkloadSpec, access: str = "proxy") -> sqlite3.Connection:
    writer = LedgerWriter(tmp_path / "ledger.db")
    try:
        summary = run_alone(spec, cluster.access(access), writer, cluster.nodes(), meta={"access": access},
                            progress="plain")
    finally:
        writer.close()
    print(summary)
    return open_for_read(tmp_path / "ledger.db")


def run_40s(cluster, tmp_path: Path, kind: str, access: str) -> sqlite3.Connection:
    conn = run(cluster, tmp_path, WorkloadSpec(kind=kind, duration=40, rate=200), access)
    assert read_meta(conn)["access"] == access
    if access == "remoting":  # the remoting client says where each acknowledged value was stored
        unplaced = "SELECT count(*) FROM sends WHERE outcome = 'ok' AND (queue IS NULL OR commitlog_offset IS NULL)"
        assert conn.execute(unplaced).fetchone()[0] == 0
    return conn


def assert_every_acknowledged_value_received_and_stored(conn: sqlite3.Connection, target: int = 40 * 200) -> None:
    meta = read_meta(conn)
    assert (meta["drain_complete"], meta["final_read_complete"], meta["ledger_complete"]) == ("true", "true", "true")
    acked = conn.execute(f"SELECT count(*) FROM ({ACKED})").fetchone()[0]
    # a floor, not a throughput check: the shared machine is sometimes loaded far beyond its 2 cores
    assert acked >= 0.5 * target, "the cluster acknowledged too few sends"
    unreceived = conn.execute(f"SELECT count(*) FROM ({ACKED}) WHERE value NOT IN (SELECT value FROM receives)")
    assert unreceived.fetchone()[0] == 0
    unstored = conn.execute(f"SELECT count(*) FROM ({ACKED}) WHERE value NOT IN (SELECT value FROM final_reads)")
    assert unstored.fetchone()[0] == 0
    unexpected = conn.execute("SELECT count(*) FROM receives WHERE value NOT IN (SELECT value FROM sends)")
    assert unexpected.fetchone()[0] == 0
    assert conn.execute("SELECT count(*) FROM sends WHERE outcome = 'fail'").fetchone()[0] == 0


@pytest.mark.parametrize("access", ["remoting", "proxy"])
def test_queue_run_receives_and_stores_every_acknowledged_value(cluster, tmp_path: Path, access: str):
    conn = run_40s(cluster, tmp_path, "queue", access)
    assert_every_acknowledged_value_received_and_stored(conn)
    assert conn.execute("SELECT count(*) FROM sends WHERE group_key IS NOT NULL").fetchone()[0] == 0


@pytest.mark.parametrize("access", ["remoting", "proxy"])
def test_fifo_run_receives_every_value_in_group_order(cluster, tmp_path: Path, access: str):
    conn = run_40s(cluster, tmp_path, "fifo", access)
    assert_every_acknowledged_value_received_and_stored(conn)
    # each group belongs to one producer, and within it first deliveries follow the send order
    owners = conn.execute("SELECT group_key, count(DISTINCT process) FROM sends GROUP BY group_key").fetchall()
    assert len(owners) == 2 * WorkloadSpec().fifo_groups and all(n == 1 for _, n in owners)
    first_receive = dict(conn.execute("SELECT value, min(ts) FROM receives GROUP BY value"))
    rows = conn.execute("SELECT group_key, value FROM sends WHERE outcome = 'ok' ORDER BY group_key, invoke_ts")
    rows = rows.fetchall()
    violations = [(a[1], b[1]) for a, b in zip(rows, rows[1:])
                  if a[0] == b[0] and first_receive[b[1]] < first_receive[a[1]]]
    assert violations == []


def test_push_consumer_receives_every_acknowledged_value(cluster, tmp_path: Path):
    conn = run(cluster, tmp_path, WorkloadSpec(consumer="push", duration=20, rate=100))
    assert_every_acknowledged_value_received_and_stored(conn, target=20 * 100)


def test_sigkill_mid_run_keeps_every_committed_row(cluster, tmp_path: Path):
    ledger = tmp_path / "run" / "ledger.db"
    proc = subprocess.Popen([sys.executable, "-c", "from chaoskit.cli import main; main()", "workload",
                             "--duration", "60", "--rate", "200", "--run-dir", str(ledger.parent),
                             "--progress", "off"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        deadline = time.time() + 90
        before = 0
        while time.time() < deadline and before < 2000:
            time.sleep(1)
            assert proc.poll() is None, proc.stdout.read().decode()
            if ledger.exists():
                with sqlite3.connect(f"file:{ledger}?mode=ro", uri=True) as ro:
                    before = ro.execute("SELECT (SELECT count(*) FROM sends) + (SELECT count(*) FROM receives)")\
                        .fetchone()[0]
        with sqlite3.connect(f"file:{ledger}?mode=ro", uri=True) as ro:
            committed = {t: ro.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in ("sends", "receives")}
        os.kill(proc.pid, signal.SIGKILL)
        assert proc.wait(10) == -signal.SIGKILL
    finally:
        if proc.poll() is None:
            proc.kill()
    assert sum(committed.values()) >= 2000
    conn = open_for_read(ledger)
    for table, count in committed.items():
        assert conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0] >= count
    assert read_meta(conn)["ledger_complete"] == "false"
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    # Every send is recorded before it leaves: no committed delivery lacks its send, so a
    # crashed run is unknown, never a FAIL for 'unexpected' values.
    assert conn.execute("SELECT count(*) FROM receives WHERE value NOT IN (SELECT value FROM sends)").fetchone()[0] == 0
    results, _ = write_results(ledger)
    assert (results["valid"], results["unexpected_count"]) == ("unknown", 0)


def test_a_batch_ack_acknowledges_every_message_of_it(cluster):
    """ack_batch's one request per batch: what it acked never comes back; the one message
    held back does, after its invisible duration (so the test can tell the two apart)."""
    from rocketmq import FilterExpression, Message, Producer, SimpleConsumer

    from chaoskit.cluster.topics import TOPICS
    from workloads.consumer import ack_batch

    topic, access, token = TOPICS["probe"].name, cluster.access("proxy"), f"batch-ack-{time.time_ns()}"
    producer = Producer(access.configuration(request_timeout=10), (topic,), tls_enable=access.tls)
    consumer = SimpleConsumer(access.configuration(10), TOPICS["probe"].group, {topic: FilterExpression()},
                              await_duration=1, tls_enable=access.tls)
    producer.startup()
    consumer.startup()
    try:
        for i in range(40):
            msg = Message()
            msg.topic, msg.body = topic, f"{token}-{i}".encode()
            producer.send(msg)

        def receive_for(seconds: float) -> list:
            got, deadline = [], time.monotonic() + seconds
            while time.monotonic() < deadline:
                try:
                    got += consumer.receive(32, 10)
                except Exception:  # '"settings" is null' before the first settings sync
                    time.sleep(0.5)
            return got

        ours = [m for m in receive_for(8) if m.body.decode(errors="replace").startswith(token)]
        assert len({m.body for m in ours}) == 40
        kept = ours[-1]
        assert ack_batch(consumer, ours[:-1], 15) == 0
        back = [m for m in receive_for(14) if m.body.decode(errors="replace").startswith(token)]
        assert {m.body for m in back} == {kept.body}
        ack_batch(consumer, back, 15)  # cleanup only; an unacked one comes back to no one
    finally:
        consumer.shutdown()
        producer.shutdown()
