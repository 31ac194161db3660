"""The verdict: each LEDGER.md rule, and that the first rule that applies wins."""
from __future__ import annotations

import pytest
from test_checker_support import Ledger


def order_violation(book: Ledger) -> None:
    book.send("g1", invoke=1.0, complete=1.5, group="g").send("g2", invoke=2.0, complete=2.5, group="g")
    book.receive("g2", 3.0).receive("g1", 4.0)


# Rule 1: each of these makes the run invalid, even when nothing else could be known.
RULE_1 = {
    "unexpected": (lambda b: b.receive("ghost"), "1 value was received but never sent"),
    "failed_delivered": (lambda b: b.send("f", "fail").receive("f"), "1 value was delivered although every send of it failed"),
    "lost_in_store": (
        lambda b: b.final_reads("ok1").meta(final_read_complete="true"),
        "1 acknowledged value is missing from the complete final read",
    ),
    "order": (order_violation, "1 order violation within a message group"),
}


@pytest.mark.parametrize("anomaly", sorted(RULE_1))
@pytest.mark.parametrize("drained", ["true", "false"])
def test_rule_1_invalid_whatever_else(book: Ledger, anomaly: str, drained: str) -> None:
    build, reason = RULE_1[anomaly]
    book.sends("ok1", "ok2").receives("ok1", "ok2")
    build(book)
    book.meta(drain_complete=drained, ledger_complete="false")
    results = book.check()
    assert results["valid"] is False
    assert results["reason"] == reason


def test_rule_1_reason_names_every_anomaly(book: Ledger) -> None:
    book.sends("a").receives("a", "x", "y")
    book.send("f", "fail").receive("f")
    order_violation(book)
    results = book.check()
    assert results["reason"] == (
        "2 values were received but never sent, 1 value was delivered although every send of it failed"
        " and 1 order violation within a message group"
    )


def test_rule_2_lost_after_a_complete_drain_is_invalid(book: Ledger) -> None:
    book.sends("a", "b", "c", "d").receives("a")
    book.meta(ledger_complete="false")  # rule 2 comes before rule 3
    results = book.check()
    assert results["valid"] is False
    assert results["reason"] == "3 acknowledged values were never received after a complete drain"


@pytest.mark.parametrize(
    ("drain", "shown"), [("false", "meta drain_complete is 'false'"), (None, "meta drain_complete is missing")]
)
def test_rule_3_lost_without_a_complete_drain_is_only_unseen(book: Ledger, drain, shown) -> None:
    book.sends("a", "b").receives("a").meta(drain_complete=drain)
    results = book.check()
    assert results["valid"] == "unknown"
    assert results["reason"] == f"drain did not complete ({shown}): 1 acknowledged value is unseen, not lost"
    assert results["lost"] == ["b"] and results["drain_complete"] is False


def test_rule_3_nothing_acknowledged(book: Ledger) -> None:
    book.send("a", "info").send("b", "fail").receives("a")
    results = book.check()
    assert (results["valid"], results["reason"]) == ("unknown", "no value was acknowledged")


@pytest.mark.parametrize("flag", ["false", "", "yes"])
def test_rule_3_ledger_not_closed_cleanly(book: Ledger, flag: str) -> None:
    book.sends("a").receives("a").meta(ledger_complete=flag)
    results = book.check()
    assert results["valid"] == "unknown"
    assert results["reason"] == f"the ledger is incomplete: meta ledger_complete is {flag!r}"
    assert results["ledger_complete"] is False


def test_rule_3_fault_never_healed(book: Ledger) -> None:
    book.sends("a").receives("a").fault("kill", 1.0, None).fault("pause", 2.0, None).fault("loss", 1.0, 3.0)
    results = book.check()
    assert results["valid"] == "unknown"
    assert results["reason"] == "the ledger is incomplete: 2 faults were never healed"
    assert results["ledger_complete"] is False


def test_rule_3_fatal_jvm_error_on_a_node(book: Ledger) -> None:
    error = "broker-a-0: Exception in thread \"ReadSocketService\" java.lang.OutOfMemoryError: direct buffer memory"
    book.sends("a").receives("a").meta(node_errors=error)
    results = book.check()
    assert results["valid"] == "unknown"
    assert results["reason"] == f"the ledger is incomplete: a node's JVM failed ({error})"


def test_rule_3_gives_every_doubt(book: Ledger) -> None:
    book.send("a", "info").meta(drain_complete="false", ledger_complete="false").fault("kill", 1.0, None)
    assert book.check()["reason"] == (
        "drain did not complete (meta drain_complete is 'false'); "
        "no value was acknowledged; "
        "the ledger is incomplete: meta ledger_complete is 'false' and 1 fault was never healed"
    )


def test_rule_4_valid(book: Ledger) -> None:
    book.sends("a", "b").send("c", "info").send("d", "fail").receives("a", "b", "a", "c")
    book.fault("kill", 0.0, 1.0).final_reads("a", "b").meta(final_read_complete="true")
    results = book.check()
    assert results["valid"] is True
    assert results["reason"] == "every acknowledged value (2) was received and no anomaly was found"
    assert (results["drain_complete"], results["ledger_complete"], results["final_read_complete"]) == (True, True, True)


def test_foreign_ledger_without_ledger_complete_key_is_judged_by_the_rest(book: Ledger) -> None:
    book.sends("a").receives("a").meta(ledger_complete=None)
    results = book.check()
    assert results["valid"] is True and results["ledger_complete"] is True


def test_an_incomplete_ledger_says_why_when_its_meta_does(book: Ledger) -> None:
    book.sends("a").receives("a").meta(ledger_complete="false", incomplete_because="interrupted")
    results = book.check()
    assert results["valid"] == "unknown"
    assert results["reason"] == "the ledger is incomplete: meta ledger_complete is 'false' (interrupted)"
