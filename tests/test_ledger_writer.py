"""The ledger writer: rows committed in the order they were added, amends applied to earlier rows."""
from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import pytest

from chaoskit.ledger import LedgerError, LedgerWriter, open_for_read

SEND = {"process": "p0", "group_key": None, "invoke_ts": 1.0, "complete_ts": None, "outcome": "info",
        "message_id": None, "error": "in flight"}


def test_amend_updates_the_row_added_before_it_even_in_the_same_batch(tmp_path: Path) -> None:
    writer = LedgerWriter(tmp_path / "ledger.db", flush_interval=5.0)  # one batch for everything below
    writer.add("sends", {**SEND, "value": "v1"})
    writer.add("sends", {**SEND, "value": "v2"})
    writer.amend("sends", {"value": "v1"}, {"outcome": "ok", "complete_ts": 2.0, "message_id": "M1", "error": None})
    writer.close()
    rows = open_for_read(tmp_path / "ledger.db").execute(
        "SELECT value, outcome, complete_ts, message_id, error FROM sends ORDER BY value").fetchall()
    assert rows == [("v1", "ok", 2.0, "M1", None), ("v2", "info", None, None, "in flight")]


def test_a_row_is_never_committed_before_one_added_earlier(tmp_path: Path) -> None:
    """What the producer relies on: a delivery (added after its send) never lands without the send."""
    path = tmp_path / "ledger.db"
    writer = LedgerWriter(path, flush_interval=0.001, batch=7)
    done = threading.Event()
    orphans: list[int] = []

    def watch() -> None:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        while not done.is_set():
            orphans.append(conn.execute(
                "SELECT count(*) FROM receives WHERE value NOT IN (SELECT value FROM sends)").fetchone()[0])
        conn.close()

    watcher = threading.Thread(target=watch)
    watcher.start()
    for i in range(3000):
        writer.add("sends", {**SEND, "value": f"v{i}"})
        writer.add("receives", {"value": f"v{i}", "process": "c0", "group_key": None, "ts": 1.0, "message_id": None})
    writer.close()
    done.set()
    watcher.join()
    assert len(orphans) > 10 and max(orphans) == 0
    conn = open_for_read(path)
    assert conn.execute("SELECT count(*) FROM receives").fetchone()[0] == 3000


def test_a_failed_writer_fails_its_next_caller(tmp_path: Path) -> None:
    writer = LedgerWriter(tmp_path / "ledger.db")
    writer.amend("no_such_table", {"value": "v"}, {"outcome": "ok"})
    with pytest.raises(LedgerError, match="no_such_table"):
        writer.flush()
    with pytest.raises(LedgerError):
        writer.close()


def test_a_ledger_from_before_the_workload_column_still_checks(tmp_path: Path) -> None:
    """Older ledgers have no `workload` column and the kind as a value prefix; the checker reads them."""
    from chaoskit.checker import write_results

    path = tmp_path / "ledger.db"
    conn = sqlite3.connect(path)
    conn.executescript("""
        CREATE TABLE sends (value TEXT NOT NULL, process TEXT NOT NULL, group_key TEXT, invoke_ts REAL NOT NULL,
                            complete_ts REAL, outcome TEXT NOT NULL, message_id TEXT, error TEXT, topic TEXT);
        CREATE TABLE receives (value TEXT NOT NULL, process TEXT NOT NULL, group_key TEXT, ts REAL NOT NULL,
                               message_id TEXT, topic TEXT, delivery_attempt INTEGER);
        CREATE TABLE faults (name TEXT NOT NULL, target TEXT, start_ts REAL NOT NULL, end_ts REAL, step INTEGER,
                             detail TEXT);
        CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT);
        INSERT INTO meta VALUES ('ledger_complete', 'true'), ('drain_complete', 'true'),
                                ('queue.ledger_complete', 'true'), ('fifo.ledger_complete', 'true');
        INSERT INTO sends VALUES ('queue/p0-000001', 'p0', NULL, 1.0, 1.1, 'ok', 'M1', NULL, 'chaos-queue'),
                                 ('fifo/p0-000001', 'p0', 'p0-g0', 1.0, 1.1, 'ok', 'M2', NULL, 'chaos-fifo');
        INSERT INTO receives VALUES ('queue/p0-000001', 'c0', NULL, 1.5, 'M1', 'chaos-queue', 1);
    """)
    conn.commit()
    conn.close()
    results, _ = write_results(tmp_path)
    assert (results["valid"], results["acknowledged_count"], results["lost"]) == (False, 2, ["fifo/p0-000001"])
