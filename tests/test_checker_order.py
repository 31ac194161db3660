"""Order violations (LEDGER.md): consecutive acknowledged, received values of a group."""
from __future__ import annotations

import pytest
from test_checker_support import Ledger


def pairs(results: dict) -> list[tuple[str, str, str]]:
    return [(v["group"], v["a"], v["b"]) for v in results["order_violations"]]


def test_violation_is_reported_with_its_times(book: Ledger) -> None:
    book.send("a", invoke=1.0, complete=1.5, group="g").send("b", invoke=2.0, complete=2.5, group="g")
    book.receive("b", 3.0).receive("a", 4.0).receive("b", 0.5 + 4.0)
    results = book.check()
    assert results["order_violation_count"] == 1
    assert results["order_violations"] == [{
        "group": "g", "a": "a", "b": "b", "a_invoke_ts": 1.0, "b_invoke_ts": 2.0,
        "a_first_receive_ts": 4.0, "b_first_receive_ts": 3.0,
    }]


@pytest.mark.parametrize(("a_complete", "violation"), [(1.9, True), (2.0, True), (2.1, False), (None, False)])
def test_only_pairs_acknowledged_before_the_next_send_count(book: Ledger, a_complete, violation) -> None:
    book.send("a", invoke=1.0, complete=a_complete, group="g").send("b", invoke=2.0, complete=2.5, group="g")
    book.receive("b", 3.0).receive("a", 4.0)
    assert book.check()["order_violation_count"] == int(violation)


def test_equal_first_receive_is_not_a_violation(book: Ledger) -> None:
    book.send("a", invoke=1.0, group="g").send("b", invoke=2.0, group="g").receive("a", 3.0).receive("b", 3.0)
    assert book.check()["order_violation_count"] == 0


def test_unacknowledged_and_unreceived_values_leave_the_sequence(book: Ledger) -> None:
    # sequence of acknowledged, received values: a, d (b was info, c never received)
    book.send("a", invoke=1.0, group="g").send("b", "info", invoke=2.0, group="g")
    book.send("c", invoke=3.0, group="g").send("d", invoke=4.0, group="g")
    book.receive("d", 5.0).receive("b", 5.5).receive("a", 6.0)
    assert pairs(book.check()) == [("g", "a", "d")]


def test_groups_are_separate_and_ungrouped_values_ignored(book: Ledger) -> None:
    book.send("a", invoke=1.0, group="g1").send("b", invoke=2.0, group="g2").send("c", invoke=3.0)
    book.send("d", invoke=4.0, group="g1")
    book.receive("c", 4.5).receive("b", 5.0).receive("d", 6.0).receive("a", 7.0)
    assert pairs(book.check()) == [("g1", "a", "d")]


def test_receive_group_key_is_ignored(book: Ledger) -> None:
    book.send("a", invoke=1.0, group="g").send("b", invoke=2.0, group="g")
    book.receive("b", 3.0, group="other").receive("a", 4.0, group=None)
    assert pairs(book.check()) == [("g", "a", "b")]


def test_resent_value_uses_earliest_invoke_and_earliest_ok_complete(book: Ledger) -> None:
    # a: earliest invoke 1.0, earliest ok complete 5.0 (the fail row's 1.1 does not count) > b's invoke 4.0
    book.send("a", "fail", invoke=1.0, complete=1.1, group="g").send("a", "ok", invoke=3.0, complete=5.0, group="g")
    book.send("a", "ok", invoke=3.5, complete=6.0, group="g").send("b", invoke=4.0, complete=4.1, group="g")
    book.receive("b", 7.0).receive("a", 8.0)
    assert book.check()["order_violation_count"] == 0


def test_ok_rows_without_a_group_still_complete_a_grouped_value(book: Ledger) -> None:
    # a's earliest ok completion (2.0) is on a row without a group: it still counts
    book.send("a", invoke=0.0, complete=2.0).send("a", invoke=2.75, complete=None, group="g")
    book.send("b", invoke=3.5, complete=3.6, group="g").receive("b", 4.0).receive("a", 5.0)
    assert pairs(book.check()) == [("g", "a", "b")]


def test_invoke_ties_are_ordered_by_value(book: Ledger) -> None:
    book.send("b", invoke=1.0, complete=1.0, group="g").send("a", invoke=1.0, complete=1.0, group="g")
    book.receive("b", 2.0).receive("a", 3.0)
    assert pairs(book.check()) == [("g", "a", "b")]  # a before b; a done at 1.0 <= b sent at 1.0


def test_value_whose_rows_disagree_on_group_takes_the_smallest(book: Ledger) -> None:
    book.send("a", invoke=1.0, group="z").send("a", invoke=1.5, group="m").send("b", invoke=2.0, group="m")
    book.receive("b", 3.0).receive("a", 4.0)
    assert pairs(book.check()) == [("m", "a", "b")]


def test_list_is_capped_at_100_and_count_is_exact(book: Ledger) -> None:
    for i in range(250):  # every value received before its predecessor
        book.send(f"v{i:03d}", invoke=float(i), complete=i + 0.5, group="g").receive(f"v{i:03d}", 1000.0 - i)
    results = book.check()
    assert results["order_violation_count"] == 249
    assert pairs(results) == [("g", f"v{i:03d}", f"v{i + 1:03d}") for i in range(100)]


def test_a_value_sent_twice_takes_its_earliest_invoke_smallest_group_and_any_ok(book: Ledger) -> None:
    # b: an info row in g at 2.0, an ok row in h at 4.0; it belongs to g, at 2.0, acknowledged at 4.1
    book.send("a", invoke=1.0, group="g").send("c", invoke=3.0, group="g")
    book.send("b", "info", invoke=2.0, group="g").send("b", invoke=4.0, complete=4.1, group="h")
    book.receive("a", 10.0).receive("b", 9.0).receive("c", 8.0)
    # (a, b): a acked before b was sent, b first; (b, c): b acked only after c was sent
    assert pairs(book.check()) == [("g", "a", "b")]


def test_a_value_sent_twice_can_open_its_group(book: Ledger) -> None:
    book.send("z", invoke=0.5, complete=0.6, group="g").send("a", invoke=1.0, group="g").send("z", "info", invoke=5.0, group="g")
    book.receive("a", 10.0).receive("z", 12.0)
    assert pairs(book.check()) == [("g", "z", "a")]
