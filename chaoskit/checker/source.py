"""Reading ledger rows for the checker: typed, validated, streamed in chunks.

`open_for_read` (chaoskit.ledger) checks that the tables and columns exist;
this module checks the values the checker relies on (a text `value`, Unix
timestamps, a known outcome) and streams rows to reducers in chunks, each
chunk transposed into one tuple per column. Python objects are the cost of a
1M-row ledger, so streams select few columns and let SQLite compute derived
ones (outcome code, epoch second, latency bucket) in C.
"""
from __future__ import annotations

import sqlite3
from collections import Counter
from dataclasses import dataclass
from typing import Any, Iterable, Mapping, Protocol, Sequence

from chaoskit.ledger import LedgerError

CHUNK_ROWS = 50_000
# Outcomes travel as small ints: Python shares their objects, so a million rows cost no strings.
OK, FAIL, INFO = 0, 1, 2
OUTCOME_CODE_SQL = f"CASE outcome WHEN 'ok' THEN {OK} WHEN 'fail' THEN {FAIL} ELSE {INFO} END"
MAX_ABS_TIME = 1e12  # seconds (~31,700 years): keeps derived integer keys far from overflow


def unix_time(column: str) -> str:
    """SQL condition: `column` is a number of Unix epoch seconds (NaN is stored as NULL).

    Unary + strips column affinity, so text stays text and never compares
    as a number; comparisons are far cheaper per row than typeof().
    """
    return f"+{column} BETWEEN -{MAX_ABS_TIME:.0f} AND {MAX_ABS_TIME:.0f}"


def is_text(column: str) -> str:
    """SQL condition: `column` is text. SQLite orders NULL < numbers < text < blobs,
    and x'' is the least blob."""
    return f"(+{column} >= '' AND +{column} < x'')"


def floor_sql(column: str) -> str:
    """SQL expression: floor(column) as an integer, without relying on SQLite's math functions."""
    return f"(CAST({column} AS INTEGER) - ({column} < CAST({column} AS INTEGER)))"


@dataclass(frozen=True)
class Rule:
    """One contract rule on a table's rows: an SQL condition and what breaking it means."""

    condition: str
    problem: str


@dataclass(frozen=True)
class Stream:
    """A query over one ledger table whose rows must all keep `rules`."""

    table: str
    columns: Mapping[str, str]  # name -> SQL expression
    rules: Sequence[Rule]
    label: str = "value"  # column that identifies a bad row in an error message

    def sql(self) -> str:
        where = " AND ".join(r.condition for r in self.rules)
        columns = ", ".join(f"{sql} AS {name}" for name, sql in self.columns.items())
        return f"SELECT {columns} FROM {self.table} WHERE {where}"


class Reducer(Protocol):
    """Folds chunks of a stream: `feed` gets one tuple per name in `columns`, in that order."""

    columns: Sequence[str]

    def feed(self, columns: Sequence[tuple]) -> None: ...


def run(conn: sqlite3.Connection, stream: Stream, reducers: Iterable[Reducer]) -> int:
    """Feed every row of `stream` to `reducers`; returns the row count.

    Rows breaking a rule are filtered out by SQLite (cheap, in C); if the
    count then differs from the table's, the first bad row is named in a
    LedgerError instead of a verdict built on part of the history.
    """
    names = list(stream.columns)
    picks = [(r, [names.index(c) for c in r.columns]) for r in reducers]
    cursor = conn.execute(stream.sql())
    rows = 0
    while chunk := cursor.fetchmany(CHUNK_ROWS):
        rows += len(chunk)
        columns = tuple(zip(*chunk))
        for reducer, indexes in picks:
            reducer.feed([columns[i] for i in indexes])
    total = conn.execute(f"SELECT COUNT(*) FROM {stream.table}").fetchone()[0]
    if rows != total:
        raise LedgerError(_first_problem(conn, stream, total - rows))
    return rows


class Collect:
    """A reducer that keeps every row of the given columns, for small tables."""

    def __init__(self, columns: Sequence[str]) -> None:
        self.columns = columns
        self.rows: list[tuple[Any, ...]] = []

    def feed(self, columns: Sequence[tuple]) -> None:
        self.rows.extend(zip(*columns))


class Count:
    """A reducer that counts the distinct values of one column."""

    def __init__(self, column: str) -> None:
        self.columns = (column,)
        self.counts: Counter = Counter()

    def feed(self, columns: Sequence[tuple]) -> None:
        self.counts.update(columns[0])


def rows(conn: sqlite3.Connection, stream: Stream) -> list[tuple[Any, ...]]:
    """All rows of a small table, validated like `run`."""
    collect = Collect(list(stream.columns))
    run(conn, stream, [collect])
    return collect.rows


def _first_problem(conn: sqlite3.Connection, stream: Stream, bad: int) -> str:
    # IFNULL: a condition on a NULL column is NULL, which WHERE treats as false.
    checks = ", ".join(f"IFNULL({r.condition}, 0)" for r in stream.rules)
    where = " AND ".join(f"IFNULL({r.condition}, 0)" for r in stream.rules)
    row = conn.execute(
        f"SELECT quote({stream.label}), {checks} FROM {stream.table} WHERE NOT ({where}) LIMIT 1"
    ).fetchone()
    problem = next(r.problem for r, ok in zip(stream.rules, row[1:]) if not ok)
    rows_word = "row" if bad == 1 else "rows"
    return (
        f"table '{stream.table}' breaks the ledger contract: {bad} {rows_word}, "
        f"e.g. {stream.label} {row[0]}: {problem}"
    )


def must_be_text(column: str) -> Rule:
    """Rule: `column` is text."""
    return Rule(is_text(column), f"{column} is not text")


def may_be_text(column: str) -> Rule:
    """Rule: `column` is text or NULL."""
    return Rule(f"({column} IS NULL OR {is_text(column)})", f"{column} is neither text nor NULL")


def must_be_time(column: str) -> Rule:
    """Rule: `column` is a Unix time in seconds."""
    return Rule(f"({unix_time(column)})", f"{column} is not a Unix time in seconds")


def may_be_time(column: str) -> Rule:
    """Rule: `column` is a Unix time in seconds or NULL."""
    return Rule(f"({column} IS NULL OR {unix_time(column)})", f"{column} is neither a Unix time in seconds nor NULL")


OUTCOME = Rule("outcome IN ('ok', 'fail', 'info')", "outcome is not one of 'ok', 'fail', 'info'")


LOOKUP = "(SELECT value FROM temp.checker_lookup)"


def lookup(conn: sqlite3.Connection, sql: str, values: Iterable[str]) -> list[tuple[Any, ...]]:
    """Rows of `sql`, which names the given values as LOOKUP (e.g. `WHERE value IN {LOOKUP}`).

    The values go into a temporary table (allowed on a read-only connection),
    so SQLite reads the big table once whatever their number.
    """
    conn.execute("CREATE TEMP TABLE checker_lookup(value TEXT PRIMARY KEY)")
    try:
        conn.executemany("INSERT OR IGNORE INTO temp.checker_lookup VALUES (?)", ((v,) for v in values))
        return conn.execute(sql).fetchall()
    finally:
        conn.execute("DROP TABLE temp.checker_lookup")


def read_meta(conn: sqlite3.Connection) -> dict[str, str | None]:
    """The meta table as text (a foreign ledger may store numbers or blobs there)."""
    return {k: v for k, v in conn.execute("SELECT CAST(key AS TEXT), CAST(value AS TEXT) FROM meta") if k is not None}


def has_table(conn: sqlite3.Connection, table: str) -> bool:
    """Whether the ledger has `table` (final_reads is optional)."""
    return conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (table,)).fetchone() is not None
