"""Where the checker's big read-only queries run: on the ledger's connection, or on two threads.

SQLite runs a query without holding Python's GIL, so two threads with a
connection each read a big ledger on two CPUs, each taking the next query
submitted when done with one. Other connections see the checker's rows only
when no one writes the ledger any more (meta `ledger_complete` 'true') and
the checker made no TEMP copies (`tables`), which only its own connection
sees. Otherwise, and for a small ledger, one CPU or a ledger in memory, each
query runs on the ledger's connection, in the caller's thread, when it is
submitted.
"""
from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

from chaoskit.checker import source

T = TypeVar("T")
A = TypeVar("A")
PARALLEL_MIN_SENDS = 100_000  # below this, two more connections and threads cost more than they save
THREADS = 2


class Readers:
    """Runs functions of a connection, in the order they are submitted."""

    def __init__(self, conn: sqlite3.Connection, uri: str | None) -> None:
        self._conn = conn
        self._uri = uri  # of the ledger file, for the threads' connections; None: run on `conn`
        self._pool = ThreadPoolExecutor(THREADS) if uri else None
        self._local = threading.local()
        self._lock = threading.Lock()
        self._opened: list[sqlite3.Connection] = []

    @property
    def parallel(self) -> bool:
        return self._pool is not None

    def submit(self, fn: Callable[[sqlite3.Connection], T]) -> Future[T]:
        if self._pool is None:
            done: Future[T] = Future()
            done.set_result(fn(self._conn))
            return done
        return self._pool.submit(lambda: fn(self._connection()))

    def map(self, fn: Callable[[sqlite3.Connection, A], T], items: Iterable[A]) -> list[T]:
        """fn(connection, item) for each item, in the items' order."""
        futures = [self.submit(lambda c, item=item: fn(c, item)) for item in items]
        return [f.result() for f in futures]

    def _connection(self) -> sqlite3.Connection:
        """This thread's own read-only connection to the ledger."""
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = self._local.conn = sqlite3.connect(self._uri, uri=True, check_same_thread=False)  # closed by `close`
            with self._lock:
                self._opened.append(conn)
        return conn

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(cancel_futures=True)
        for conn in self._opened:
            conn.close()


@contextmanager
def opened(conn: sqlite3.Connection) -> Iterator[Readers]:
    """Readers for an open ledger whose tables are prepared (`tables.prepared`)."""
    readers = Readers(conn, _shared_uri(conn))
    try:
        yield readers
    finally:
        readers.close()


def _shared_uri(conn: sqlite3.Connection) -> str | None:
    """The read-only URI of the ledger's file when more connections would see its rows and help read them."""
    if (os.cpu_count() or 1) < THREADS or source.read_meta(conn).get("ledger_complete") != "true":
        return None
    if conn.execute("SELECT 1 FROM temp.sqlite_master WHERE name IN ('sends', 'receives')").fetchone():
        return None
    if conn.execute("SELECT count(*) FROM sends").fetchone()[0] < PARALLEL_MIN_SENDS:
        return None
    file = next((f for _, name, f in conn.execute("PRAGMA database_list") if name == "main"), "")
    return f"{Path(file).as_uri()}?mode=ro" if file else None
