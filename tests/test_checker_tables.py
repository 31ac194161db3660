"""A ledger without chaoskit's indexes (another tool's, or an older chaoskit's) checks the same."""
from __future__ import annotations

import hashlib
import sqlite3
import tempfile
from pathlib import Path
from unittest import mock

import numpy as np
import pytest
from hypothesis import given, settings
from test_checker_properties import SETTINGS, History, histories
from test_checker_support import Ledger

from chaoskit import ledger
from chaoskit.checker import check, joined, readers, source, tables


def without_indexes(conn: sqlite3.Connection, keep: tuple[str, ...] = ()) -> None:
    for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL").fetchall():
        if name not in keep:
            conn.execute(f"DROP INDEX {name}")


@given(histories())
@SETTINGS
def test_results_are_the_same_without_indexes(h: History) -> None:
    book = h.ledger()
    indexed = book.check()
    without_indexes(book.conn)
    assert book.check() == indexed


@given(histories())
@settings(max_examples=60, deadline=None)
def test_two_threads_read_what_one_does(h: History) -> None:
    """The reads spread over two threads (a big, finished ledger in a file) give what one connection gives."""
    h.meta["ledger_complete"] = "true"  # a ledger still being written is read by one connection
    alone = h.check()
    real, uris = readers._shared_uri, []
    with tempfile.TemporaryDirectory() as tmp, mock.patch.object(readers, "PARALLEL_MIN_SENDS", 0), \
            mock.patch.object(readers.os, "cpu_count", return_value=2), \
            mock.patch.object(readers, "_shared_uri", lambda *a: uris.append(real(*a)) or uris[-1]):
        book = h.ledger(Path(tmp) / "ledger.db")
        try:
            assert book.check() == alone
        finally:
            book.conn.close()
    assert len(uris) == 1 and uris[0] is not None  # the threads did read


@pytest.mark.parametrize("meta, indexed, threads", [
    ("true", True, True),
    ("false", True, False),  # a run that did not end cleanly: its writer may still be adding rows
    (None, True, False),  # a foreign ledger that does not say
    ("true", False, False),  # TEMP copies, which only the checker's connection sees
], ids=["finished", "not finished", "unsaid", "copied"])
def test_threads_read_only_a_finished_ledger_they_can_see(book: Ledger, monkeypatch, meta: str | None, indexed: bool,
                                                          threads: bool) -> None:
    monkeypatch.setattr(readers, "PARALLEL_MIN_SENDS", 0)
    monkeypatch.setattr(readers.os, "cpu_count", lambda: 2)
    book.sends("a", "b").receives("a", "b").meta(ledger_complete=meta)
    if not indexed:
        without_indexes(book.conn)
    book.conn.commit()
    conn = ledger.open_for_read(book.path)
    try:
        with tables.prepared(conn), readers.opened(conn) as read:
            assert read.parallel == threads
            assert read.map(lambda c, table: c.execute(f"SELECT count(*) FROM {table}").fetchone()[0], ["sends", "receives"]) == [2, 2]
    finally:
        conn.close()


def test_an_older_chaoskit_ledger_with_only_the_value_index(book: Ledger) -> None:
    book.send("a", invoke=1.0, group="g").send("b", invoke=2.0, group="g").send("b", "info", invoke=3.0)
    book.receive("b", 3.0).receive("a", 4.0).receive("a", 5.0).receive("ghost", 6.0)
    indexed = book.check()
    without_indexes(book.conn)
    book.conn.execute("CREATE INDEX sends_value ON sends(value)")
    assert book.check() == indexed and indexed["order_violation_count"] == 1


def test_a_foreign_file_is_left_as_it_was(book: Ledger) -> None:
    book.sends("a", "b").receives("a", "a", "zz")
    without_indexes(book.conn)
    book.conn.commit()
    before = hashlib.sha256(book.path.read_bytes()).hexdigest()
    conn = ledger.open_for_read(book.path)
    try:
        results = check(conn)
        assert conn.execute("SELECT count(*) FROM temp.sqlite_master").fetchone()[0] == 0  # the copies are gone
    finally:
        conn.close()
    assert (results["lost"], results["unexpected"], results["duplicated"]) == (["b"], ["zz"], ["a"])
    assert hashlib.sha256(book.path.read_bytes()).hexdigest() == before


def test_chaoskit_schema_has_every_wanted_index() -> None:
    conn = sqlite3.connect(":memory:")
    conn.executescript(ledger.SCHEMA_SQL)
    wanted = tables.wanted()
    assert ("sends_value", ("value", "outcome")) in wanted["sends"]  # the workloads amend send rows by value
    assert all(tables._indexed(conn, table) for table in wanted)


@pytest.mark.parametrize("grouped", [True, False], ids=["a send's rows apart", "ungrouped rows out of order"])
def test_a_pass_out_of_order_is_an_error_not_a_verdict(book: Ledger, monkeypatch, grouped: bool) -> None:
    """The pass folds rows by their order, which SQLite does not promise: a change must not go unnoticed."""
    book.sends("a", "b", group="g").sends(*"cdefghij").receive("a", 5.0).receive("a", 6.0).receive("c", 7.0)
    real = source.int_columns

    def rotated(conn, sql, params=()):
        columns = real(conn, sql, params)
        if (len(columns) == 5) == grouped and len(columns[0]) > 1:  # a grouped segment's query has a fifth column
            return [np.roll(c, -1) for c in columns]  # [a, a, b] -> [a, b, a]; [c, d, e] -> [d, e, c]
        return columns

    monkeypatch.setattr(source, "int_columns", rotated)
    with pytest.raises(joined.PassOrderError):
        book.check()
