"""The indexes the checker's queries are written for, and TEMP copies for a ledger without them.

chaoskit's ledger schema (`chaoskit.ledger.SCHEMA_SQL`) creates them. A
ledger written by another tool, or by chaoskit before they existed, may lack
some: its table is then copied into TEMP (allowed on a read-only connection;
the user's file is never written) and indexed there. An unqualified name
finds a TEMP table before the ledger's own, so the same queries run, on the
same rows, either way: the copy costs seconds, a query without its index a
sort or a scan per question.
"""
from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache

from chaoskit import ledger
from chaoskit.checker import source

Index = tuple[str, tuple[str, ...]]  # name, columns


@cache
def wanted() -> dict[str, tuple[Index, ...]]:
    """table -> the indexes chaoskit's schema gives it, read back from an empty ledger in memory."""
    scratch = sqlite3.connect(":memory:")
    try:
        scratch.executescript(ledger.SCHEMA_SQL)
        return {table: tuple(_indexes(scratch, "main", table)) for table in ("sends", "receives", "final_reads")}
    finally:
        scratch.close()


def _indexes(conn: sqlite3.Connection, schema: str, table: str) -> Iterator[Index]:
    """Plain indexes of `table`: not partial, no expressions, every column in binary collation."""
    for _, name, _, _, partial in conn.execute(f"PRAGMA {schema}.index_list({table})"):
        keys = [(column, collation) for _, _, column, _, collation, key in conn.execute(f"PRAGMA {schema}.index_xinfo({name})") if key]
        if not partial and all(column is not None and collation == "BINARY" for column, collation in keys):
            yield name, tuple(column for column, _ in keys)


def _indexed(conn: sqlite3.Connection, table: str) -> bool:
    """Whether the ledger's `table` has rowids and, for each wanted index, one starting with its columns."""
    try:
        conn.execute(f"SELECT rowid FROM main.{table} LIMIT 0")
    except sqlite3.OperationalError:  # WITHOUT ROWID: the queries name rows by rowid
        return False
    have = [columns for _, columns in _indexes(conn, "main", table)]
    return all(any(got[: len(columns)] == columns for got in have) for _, columns in wanted()[table])


@contextmanager
def prepared(conn: sqlite3.Connection) -> Iterator[None]:
    """Within: every big table of the ledger can be read through the wanted indexes."""
    copied = []
    try:
        for table, indexes in wanted().items():
            if not source.has_table(conn, table) or _indexed(conn, table):
                continue
            columns = sorted(ledger.REQUIRED_COLUMNS[table])
            # CREATE TABLE AS gives each column the affinity of its source: values are copied as they are.
            conn.execute(f"CREATE TEMP TABLE {table} AS SELECT {', '.join(columns)} FROM main.{table}")
            copied.append(table)
            for name, keys in indexes:
                conn.execute(f"CREATE INDEX temp.{name} ON {table}({', '.join(keys)})")
        yield
    finally:
        for table in copied:
            conn.execute(f"DROP TABLE temp.{table}")
