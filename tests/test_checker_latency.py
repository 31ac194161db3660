"""Latency and timeline: HdrHistogram buckets, percentiles, per-second rows."""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_checker_support import Ledger

from chaoskit.checker import latency

MICROS = st.integers(min_value=-10, max_value=latency.HIGHEST_US * 2)


@given(st.lists(MICROS, min_size=1, max_size=50))
@settings(max_examples=50, deadline=None)
def test_buckets_are_hdrhistograms(values: list[int]) -> None:
    shape = latency.new_histogram()
    expected = [shape._counts_index_for(min(max(us, 0), latency.HIGHEST_US)) for us in values]
    assert latency.index(values).tolist() == expected  # every value at once, as the pass buckets them
    assert [int(latency.index(us)) for us in values] == expected


@given(st.lists(st.integers(min_value=0, max_value=10**9), min_size=1, max_size=200))
@settings(max_examples=50, deadline=None)
def test_sparse_percentiles_equal_hdrhistogram(values: list[int]) -> None:
    histogram = latency.new_histogram()
    counts: dict[int, int] = {}
    for us in values:
        histogram.record_value(us)
        counts[int(latency.index(us))] = counts.get(int(latency.index(us)), 0) + 1
    wanted = [0.1, 50.0, 95.0, 99.0, 100.0]
    expected = histogram.get_percentile_to_value_dict(wanted)
    assert latency.percentiles(counts, wanted) == [expected[p] / 1e6 for p in wanted]
    summary = latency.summarize(counts)
    assert (summary["count"], summary["p99"], summary["max"]) == (len(values), expected[99.0] / 1e6, histogram.get_max_value() / 1e6)


def test_send_and_end_to_end_latency(book: Ledger) -> None:
    # sends in second 10: 1 ms, 2 ms, 3 ms, 100 ms; second 11: 5 ms and an info send (no latency)
    for n, ms in enumerate([1, 2, 3, 100]):
        book.send(f"a{n}", invoke=10.0 + n / 10, complete=10.0 + n / 10 + ms / 1000).receive(f"a{n}", 10.0 + n / 10 + 0.5)
    book.send("b", invoke=11.25, complete=11.255).send("c", "info", invoke=11.5).receive("c", 13.5)
    section = book.check()["latency"]
    send = section["send"]
    assert send["count"] == 5
    assert send["p50"] == pytest.approx(0.003, rel=1e-2) and send["max"] == pytest.approx(0.1, rel=1e-2)
    e2e = section["end_to_end"]
    assert e2e["count"] == 5 and e2e["p50"] == pytest.approx(0.5, rel=1e-2) and e2e["max"] == pytest.approx(2.0, rel=1e-2)
    assert [row["t"] for row in section["per_second"]] == [10, 11]
    second_11 = section["per_second"][1]
    assert second_11["send_p50"] == second_11["send_p99"] == pytest.approx(0.005, rel=1e-2)
    assert second_11["e2e_p50"] == pytest.approx(2.0, rel=1e-2)


def test_negative_latency_counts_as_zero_and_no_samples_give_nulls(book: Ledger) -> None:
    book.send("a", invoke=5.0, complete=4.0).receive("a", 3.0).send("b", "info", invoke=6.0)
    section = book.check()["latency"]
    assert (section["send"]["max"], section["end_to_end"]["max"]) == (0.0, 0.0)
    assert section["per_second"] == [{"t": 5, "send_p50": 0.0, "send_p99": 0.0, "e2e_p50": 0.0, "e2e_p99": 0.0}]


def test_empty_history_has_empty_latency(book: Ledger) -> None:
    empty = {"count": 0, "p50": None, "p95": None, "p99": None, "max": None}
    assert book.check()["latency"] == {"send": empty, "end_to_end": empty, "per_second": []}


def test_per_second_rows_with_only_one_kind(book: Ledger) -> None:
    book.send("a", invoke=1.5, complete=1.502).send("b", invoke=2.5, complete=None)
    book.receive("b", 4.0)
    rows = book.check()["latency"]["per_second"]
    assert rows[0]["t"] == 1 and rows[0]["e2e_p50"] is None and rows[0]["send_p50"] == pytest.approx(0.002, rel=1e-2)
    assert rows[1] == {"t": 2, "send_p50": None, "send_p99": None,
                       "e2e_p50": pytest.approx(1.5, rel=1e-2), "e2e_p99": pytest.approx(1.5, rel=1e-2)}


def test_timeline_counts_sends_by_invoke_second_and_receives(book: Ledger) -> None:
    book.send("a", invoke=10.2).send("b", "fail", invoke=10.9).send("c", "info", invoke=12.0).send("d", invoke=-0.5)
    book.receive("a", 11.0).receive("a", 11.5).receive("zz", 20.0)
    assert book.check()["timeline"] == [
        {"t": -1, "sends_ok": 1, "sends_fail": 0, "sends_info": 0, "receives": 0},
        {"t": 10, "sends_ok": 1, "sends_fail": 1, "sends_info": 0, "receives": 0},
        {"t": 11, "sends_ok": 0, "sends_fail": 0, "sends_info": 0, "receives": 2},
        {"t": 12, "sends_ok": 0, "sends_fail": 0, "sends_info": 1, "receives": 0},
        {"t": 20, "sends_ok": 0, "sends_fail": 0, "sends_info": 0, "receives": 1},
    ]
