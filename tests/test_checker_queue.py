"""Queue anomalies (LEDGER.md), one hand-built ledger per class, with exact counts and lists."""
from __future__ import annotations

import pytest
from test_checker_support import Ledger

from chaoskit.checker import source
from chaoskit.ledger import LedgerError

COUNTS = (
    "attempt_count", "acknowledged_count", "received_count", "ok_count", "lost_count", "unexpected_count",
    "recovered_count", "failed_delivered_count", "lost_in_store_count", "duplicated_count", "duplicate_deliveries",
)


def counts(results: dict) -> dict:
    return {k: results[k] for k in COUNTS}


def test_clean_history(book: Ledger) -> None:
    book.sends("a", "b", "c").receives("c", "a", "b")
    results = book.check()
    assert counts(results) == {
        "attempt_count": 3, "acknowledged_count": 3, "received_count": 3, "ok_count": 3, "lost_count": 0,
        "unexpected_count": 0, "recovered_count": 0, "failed_delivered_count": 0, "lost_in_store_count": None,
        "duplicated_count": 0, "duplicate_deliveries": 0,
    }
    assert [results[k] for k in ("lost", "unexpected", "failed_delivered", "recovered", "duplicated")] == [[]] * 5
    assert results["lost_in_store"] is None


def test_lost_is_acknowledged_minus_received(book: Ledger) -> None:
    book.sends("b", "a", "c", "d").send("e", "info").send("f", "fail").receives("c")
    results = book.check()
    assert results["lost"] == ["a", "b", "d"]  # sorted; e (info) and f (fail) are not lost
    assert (results["lost_count"], results["acknowledged_count"], results["attempt_count"]) == (3, 4, 6)


def test_unexpected_is_received_minus_attempted(book: Ledger) -> None:
    book.sends("a").receives("a", "zz", "y", "zz")
    results = book.check()
    assert results["unexpected"] == ["y", "zz"]
    assert (results["unexpected_count"], results["received_count"], results["ok_count"]) == (2, 3, 1)
    assert results["duplicated"] == ["zz"]  # an unexpected value can be duplicated too


def test_recovered_is_received_but_never_acknowledged(book: Ledger) -> None:
    book.send("i", "info").send("f", "fail").send("m", "fail").send("m", "info").send("n", "info")
    book.send("ok", "ok").receives("i", "f", "m", "ok")
    results = book.check()
    assert results["recovered"] == ["f", "i", "m"]
    assert results["failed_delivered"] == ["f"]  # m had an info row: not every row failed
    assert (results["recovered_count"], results["failed_delivered_count"], results["ok_count"]) == (3, 1, 4)


def test_failed_delivered_needs_every_row_failed(book: Ledger) -> None:
    book.send("f2", "fail").send("f2", "fail").send("fo", "fail").send("fo", "ok").receives("f2", "fo")
    results = book.check()
    assert results["failed_delivered"] == ["f2"]
    assert results["recovered"] == ["f2"]  # fo was acknowledged by its second row
    assert results["attempt_count"] == 2


@pytest.mark.parametrize("chunk_rows", [1, 2, 3, 50_000])
@pytest.mark.parametrize(
    "rows",
    [
        [("v", "ok"), ("v", "fail")],
        [("v", "fail"), ("v", "ok")],
        [("v", "info"), ("x", "ok"), ("v", "ok")],
        [("v", "ok"), ("x", "ok"), ("y", "ok"), ("v", "info")],
    ],
)
def test_a_value_with_any_ok_row_is_acknowledged_across_chunks(book: Ledger, monkeypatch, chunk_rows, rows) -> None:
    monkeypatch.setattr(source, "CHUNK_ROWS", chunk_rows)
    for value, outcome in rows:
        book.send(value, outcome)
    results = book.check()
    attempted = {v for v, _ in rows}
    assert (results["acknowledged_count"], results["attempt_count"]) == (len(attempted), len(attempted))
    assert results["lost"] == sorted(attempted)


@pytest.mark.parametrize("chunk_rows", [1, 2, 50_000])
def test_resent_value_uses_its_earliest_invoke_and_receive(book: Ledger, monkeypatch, chunk_rows) -> None:
    monkeypatch.setattr(source, "CHUNK_ROWS", chunk_rows)
    book.send("v", "info", invoke=10.0).send("v", "ok", invoke=5.0, complete=5.5).send("v", "ok", invoke=7.0, complete=7.1)
    book.receive("v", 9.0).receive("v", 6.0).receive("v", 8.0)
    results = book.check()
    assert (results["duplicated"], results["duplicate_deliveries"], results["duplicated_count"]) == (["v"], 2, 1)
    assert results["latency"]["end_to_end"]["count"] == 1
    assert results["latency"]["end_to_end"]["p50"] == pytest.approx(1.0, rel=1e-2)  # 6.0 - 5.0
    assert results["latency"]["per_second"][0]["t"] == 5


def test_duplicate_deliveries_count_rows_beyond_the_first(book: Ledger) -> None:
    book.sends("a", "b", "c").receives("a", "a", "a", "b", "b", "c")
    results = book.check()
    assert (results["duplicated"], results["duplicated_count"], results["duplicate_deliveries"]) == (["a", "b"], 2, 3)


def test_lost_in_store_with_a_complete_final_read(book: Ledger) -> None:
    book.sends("a", "b", "c").send("i", "info").send("f", "fail").receives("a", "b", "c", "i")
    book.final_reads("a", "i", "zz").meta(final_read_complete="true")
    results = book.check()
    assert (results["lost_in_store"], results["lost_in_store_count"]) == (["b", "c"], 2)
    assert results["final_read_complete"] is True


@pytest.mark.parametrize("flag", ["false", None, "TRUE"])
def test_lost_in_store_is_not_checked_without_a_complete_final_read(book: Ledger, flag) -> None:
    book.sends("a").receives("a").meta(final_read_complete=flag)
    results = book.check()
    assert (results["lost_in_store"], results["lost_in_store_count"], results["final_read_complete"]) == (None, None, False)


def test_complete_final_read_without_its_table_is_a_ledger_error(book: Ledger) -> None:
    book.sends("a").receives("a").meta(final_read_complete="true")
    book.conn.execute("DROP TABLE final_reads")
    with pytest.raises(LedgerError, match="final_reads"):
        book.check()


def test_examples_show_the_send_the_receive_and_the_nearest_fault(book: Ledger) -> None:
    book.fault("kill", 100.0, 110.0, "broker-a-0 (master)").fault("pause", 200.0, None, "broker-b-0 (master)")
    book.send("lost1", "ok", invoke=105.0, complete=105.5, message_id="M1")
    book.send("rec", "fail", invoke=150.0, error="refused").send("rec", "info", invoke=160.0, error="timeout")
    book.receive("rec", 170.0).receive("rec", 171.0).receive("ghost", 190.0, message_id="MG")
    examples = book.check()["examples"]
    assert set(examples) == {"lost", "unexpected", "recovered", "failed_delivered", "lost_in_store", "duplicated"}
    kill = {"name": "kill", "target": "broker-a-0 (master)", "start_ts": 100.0, "end_ts": 110.0}
    pause = {"name": "pause", "target": "broker-b-0 (master)", "start_ts": 200.0, "end_ts": None}
    assert examples["lost"] == [{
        "value": "lost1", "invoke_ts": 105.0, "outcome": "ok", "message_id": "M1", "error": None,
        "first_receive_ts": None, "receive_count": 0, "nearest_fault": kill,
    }]
    # the info row is shown rather than the fail row; 160 is 40 s before pause, 50 s after kill
    assert examples["recovered"] == [{
        "value": "rec", "invoke_ts": 160.0, "outcome": "info", "message_id": None, "error": "timeout",
        "first_receive_ts": 170.0, "receive_count": 2, "nearest_fault": pause,
    }]
    assert examples["duplicated"] == examples["recovered"]
    assert examples["unexpected"] == [{
        "value": "ghost", "invoke_ts": None, "outcome": None, "message_id": "MG", "error": None,
        "first_receive_ts": 190.0, "receive_count": 1, "nearest_fault": pause,
    }]
    assert examples["failed_delivered"] == examples["lost_in_store"] == []


def test_examples_are_capped_per_anomaly_and_need_no_faults(book: Ledger) -> None:
    book.sends(*[f"v{i:02d}" for i in range(15)])
    results = book.check()
    assert [e["value"] for e in results["examples"]["lost"]] == [f"v{i:02d}" for i in range(10)]
    assert {e["nearest_fault"] for e in results["examples"]["lost"]} == {None}
    assert results["lost_count"] == 15 and len(results["lost"]) == 15
