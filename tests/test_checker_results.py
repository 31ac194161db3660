"""results.json: every key the contract and docs promise, strict JSON, written beside the ledger."""
from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from test_checker_support import Ledger

from chaoskit import ledger
from chaoskit.checker import check, write_results
from chaoskit.checker import faults as faults_mod
from chaoskit.checker import results as results_mod
from chaoskit.ledger import LedgerError

CONTRACT_KEYS = {
    "valid", "attempt_count", "acknowledged_count", "ok_count", "lost_count", "unexpected_count", "recovered_count",
    "failed_delivered_count", "lost_in_store_count", "duplicated_count", "duplicate_deliveries",
    "order_violation_count", "lost", "unexpected", "failed_delivered", "lost_in_store",
}
EXTRA_KEYS = {
    "reason", "received_count", "recovered", "duplicated", "final_read_complete", "drain_complete", "ledger_complete",
    "examples", "order_violations", "availability", "latency", "timeline", "meta",
}


def test_every_key_is_present_and_documented(book: Ledger) -> None:
    results = book.sends("a").receives("a").check()
    assert set(results) == CONTRACT_KEYS | EXTRA_KEYS
    docs = (Path(__file__).parents[1] / "docs" / "checker.md").read_text()
    undocumented = [key for key in results if f"`{key}`" not in docs]
    assert undocumented == []


def test_write_results_writes_strict_json_beside_the_ledger(book: Ledger) -> None:
    book.sends("a", "b").receives("a").meta(scenario="s1", ledger_complete="true").conn.commit()
    found, out = write_results(book.path.parent)
    assert out == book.path.parent / "results.json"
    text = out.read_text()
    assert json.loads(text) == found
    assert "NaN" not in text and "Infinity" not in text
    assert found["meta"] == {"drain_complete": "true", "ledger_complete": "true", "scenario": "s1"}
    assert write_results(book.path)[1] == out  # a ledger path works as well as its directory


def test_dumps_refuses_nan() -> None:
    with pytest.raises(ValueError):
        results_mod.dumps({"x": float("nan")})


def test_informational_lists_are_capped_and_counts_exact(book: Ledger) -> None:
    values = [f"v{i:04d}" for i in range(1200)]
    book.conn.executemany(
        "INSERT INTO sends(value, process, invoke_ts, complete_ts, outcome) VALUES (?, 'p', 1.0, NULL, 'info')",
        [(v,) for v in values],
    )
    book.conn.executemany("INSERT INTO receives(value, process, ts) VALUES (?, 'c', 2.0)", [(v,) for v in values * 2])
    book.send("ok1").receive("ok1")
    results = book.check()
    assert (results["recovered_count"], results["recovered"]) == (1200, values[: results_mod.LIST_CAP])
    assert (results["duplicated_count"], results["duplicated"]) == (1200, values[: results_mod.LIST_CAP])
    assert results["duplicate_deliveries"] == 1200


@pytest.mark.parametrize(
    ("table", "column", "bad", "problem"),
    [
        ("sends", "invoke_ts", "'soon'", "invoke_ts is not a Unix time in seconds"),
        ("sends", "invoke_ts", "NULL", "invoke_ts is not a Unix time in seconds"),
        ("sends", "complete_ts", "1e300", "complete_ts is neither a Unix time in seconds nor NULL"),
        ("sends", "outcome", "'maybe'", "outcome is not one of 'ok', 'fail', 'info'"),
        ("sends", "value", "NULL", "value is not text"),
        ("sends", "group_key", "x'00'", "group_key is neither text nor NULL"),
        ("receives", "ts", "'later'", "ts is not a Unix time in seconds"),
        ("receives", "value", "x'41'", "value is not text"),
        ("faults", "end_ts", "'never'", "end_ts is neither a Unix time in seconds nor NULL"),
        ("final_reads", "value", "NULL", "value is not text"),
    ],
)
def test_rows_breaking_the_contract_are_a_ledger_error_not_a_verdict(tmp_path: Path, table, column, bad, problem) -> None:
    # A foreign tool's tables, without chaoskit's NOT NULL and CHECK constraints.
    path = tmp_path / "ledger.db"
    conn = sqlite3.connect(path)
    conn.executescript(
        """
        CREATE TABLE sends(value, process, group_key, invoke_ts, complete_ts, outcome, message_id, error);
        CREATE TABLE receives(value, process, group_key, ts, message_id);
        CREATE TABLE faults(name, target, start_ts, end_ts);
        CREATE TABLE meta(key PRIMARY KEY, value);
        CREATE TABLE final_reads(value, ts, message_id, queue, queue_offset);
        INSERT INTO sends VALUES ('a', 'p', NULL, 1.0, 1.1, 'ok', NULL, NULL);
        INSERT INTO sends VALUES ('b', 'p', NULL, 2.0, 2.1, 'ok', NULL, NULL);
        INSERT INTO receives VALUES ('a', 'c', NULL, 3.0, NULL);
        INSERT INTO faults VALUES ('kill', NULL, 1.0, 2.0);
        INSERT INTO final_reads VALUES ('a', NULL, NULL, NULL, NULL);
        INSERT INTO meta VALUES ('drain_complete', 'true'), ('final_read_complete', 'true');
        """
    )
    conn.execute(f"UPDATE {table} SET {column} = {bad} WHERE rowid = 1")
    conn.commit()
    conn.close()
    with pytest.raises(LedgerError) as caught:
        write_results(tmp_path)
    assert str(caught.value).startswith(f"{path}: table '{table}' breaks the ledger contract: 1 row, e.g. ")
    assert str(caught.value).endswith(problem)
    assert "\n" not in str(caught.value)
    assert not (tmp_path / "results.json").exists()


def test_numbers_stored_as_text_are_refused_whatever_the_column_type(tmp_path: Path) -> None:
    # With TEXT affinity '1.5' compares as text, not as a number: the contract wants numbers.
    path = tmp_path / "ledger.db"
    conn = sqlite3.connect(path)
    conn.executescript(
        """
        CREATE TABLE sends(value TEXT, process TEXT, group_key TEXT, invoke_ts TEXT, complete_ts TEXT,
                           outcome TEXT, message_id TEXT, error TEXT);
        CREATE TABLE receives(value TEXT, process TEXT, group_key TEXT, ts REAL, message_id TEXT);
        CREATE TABLE faults(name TEXT, target TEXT, start_ts REAL, end_ts REAL);
        CREATE TABLE meta(key TEXT PRIMARY KEY, value);
        INSERT INTO sends VALUES ('a', 'p', NULL, '1.5', NULL, 'ok', NULL, NULL);
        INSERT INTO meta VALUES ('drain_complete', 'true'), ('runs', 3);
        """
    )
    conn.close()
    with pytest.raises(LedgerError, match="invoke_ts is not a Unix time in seconds"):
        write_results(tmp_path)


def test_meta_values_are_reported_as_text(book: Ledger) -> None:
    book.conn.execute("INSERT INTO meta(key, value) VALUES ('replicas', 3), ('note', NULL)")
    meta = book.sends("a").receives("a").check()["meta"]
    assert meta == {"drain_complete": "true", "ledger_complete": "true", "replicas": "3", "note": None}


def test_rows_committed_during_a_check_are_not_seen(book: Ledger, monkeypatch: pytest.MonkeyPatch) -> None:
    """A live ledger (WAL): the check reads one snapshot, so a send committed after it began
    is neither attempted nor counted as a contract break."""
    book.sends("a").receives("a").conn.commit()
    reader = ledger.open_for_read(book.path)
    real_read = faults_mod.read

    def read_then_write(conn):  # runs after the snapshot is taken, before sends are read
        found = real_read(conn)
        book.send("late").conn.commit()
        return found

    monkeypatch.setattr(faults_mod, "read", read_then_write)
    results = check(reader)
    assert (results["attempt_count"], results["valid"]) == (1, True)
    assert not reader.in_transaction
    assert check(reader)["attempt_count"] == 2
