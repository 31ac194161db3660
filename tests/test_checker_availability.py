"""Availability: gaps of non-ok sends, by invoke time, attributed to the fault they began in."""
from __future__ import annotations

import pytest
from test_checker_support import Ledger

from chaoskit.checker import availability


def history(book: Ledger, outcomes: str, start: float = 0.0) -> Ledger:
    """One send per second from `start`: '.' ok, 'f' fail, 'i' info."""
    for n, code in enumerate(outcomes):
        book.send(f"v{start + n:g}", {".": "ok", "f": "fail", "i": "info"}[code], invoke=start + n)
    return book


def test_gaps_inside_a_fault(book: Ledger) -> None:
    history(book, "..ff.i.fff..").fault("kill", 1.5, 9.5, "broker-a-0 (master)")
    (fault,) = book.check()["availability"]["faults"]
    assert fault == {
        "name": "kill", "target": "broker-a-0 (master)", "start_ts": 1.5, "end_ts": 9.5,
        "unavailable_s": 6.0, "max_s": 3.0, "median_s": 2.0, "window_count": 3,
        "windows": [[2.0, 4.0], [5.0, 6.0], [7.0, 10.0]],
    }


def test_gaps_outside_every_fault_are_reported_apart(book: Ledger) -> None:
    history(book, "f..ii..f.").fault("pause", 2.5, 4.0)
    section = book.check()["availability"]
    assert section["faults"][0]["windows"] == [[3.0, 5.0]]
    assert section["outside_faults"] == {
        "total_s": 2.0, "max_s": 1.0, "median_s": 1.0, "window_count": 2, "windows": [[0.0, 1.0], [7.0, 8.0]],
    }


def test_a_gap_belongs_to_every_fault_containing_its_start(book: Ledger) -> None:
    history(book, "..f.").fault("kill", 0.0, 2.0).fault("loss", 2.0, 5.0).fault("late", 2.5, 9.0)
    faults = book.check()["availability"]["faults"]
    assert [(f["name"], f["windows"]) for f in faults] == [("kill", [[2.0, 3.0]]), ("loss", [[2.0, 3.0]]), ("late", [])]
    assert faults[2]["unavailable_s"] == 0.0 and faults[2]["max_s"] is None and faults[2]["median_s"] is None


def test_an_ok_send_at_the_same_instant_means_available(book: Ledger) -> None:
    book.send("a", "fail", invoke=1.0).send("b", "ok", invoke=1.0).send("c", "info", invoke=2.0).send("d", invoke=3.0)
    assert book.check()["availability"]["outside_faults"]["windows"] == [[2.0, 3.0]]


def test_concurrent_producers_interleave_by_invoke_time(book: Ledger) -> None:
    book.send("p1-1", "fail", invoke=1.0, process="p1").send("p2-1", "ok", invoke=1.5, process="p2")
    book.send("p1-2", "fail", invoke=2.0, process="p1").send("p1-3", "fail", invoke=2.2, process="p1")
    book.send("p2-2", "ok", invoke=3.0, process="p2")
    assert book.check()["availability"]["outside_faults"]["windows"] == [[1.0, 1.5], [2.0, 3.0]]


def test_a_gap_open_at_the_end_closes_at_the_last_send(book: Ledger) -> None:
    history(book, "..fif").fault("kill", 1.0, None)
    (fault,) = book.check()["availability"]["faults"]
    assert (fault["end_ts"], fault["windows"], fault["unavailable_s"]) == (None, [[2.0, 4.0]], 2.0)


def test_no_sends_no_gaps(book: Ledger) -> None:
    book.fault("kill", 1.0, 2.0)
    section = book.check()["availability"]
    assert section["faults"][0]["window_count"] == 0 and section["outside_faults"]["window_count"] == 0


def test_windows_are_capped_but_totals_use_all(book: Ledger) -> None:
    history(book, "f." * 150)
    outside = book.check()["availability"]["outside_faults"]
    assert (outside["window_count"], len(outside["windows"]), outside["total_s"]) == (150, availability.WINDOW_CAP, 150.0)


@pytest.mark.parametrize("order", [[0, 1, 2, 3], [3, 1, 0, 2]])
def test_row_order_does_not_matter(book: Ledger, order: list[int]) -> None:
    rows = [("a", "ok", 0.0), ("b", "fail", 1.0), ("c", "info", 2.0), ("d", "ok", 3.5)]
    for i in order:
        book.send(rows[i][0], rows[i][1], invoke=rows[i][2])
    assert book.check()["availability"]["outside_faults"]["windows"] == [[1.0, 3.5]]
