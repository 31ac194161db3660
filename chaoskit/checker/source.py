"""Reading ledger rows for the checker: contract checks, whole integer columns, lookups, meta.

`open_for_read` (chaoskit.ledger) checks that the tables and columns exist;
this module checks the values the checker relies on (a text `value`, Unix
timestamps, a known outcome) before anything reads them. A big table's rows
never become Python objects one by one: SQLite computes the integers the
checker needs (keys, images of times) and each column crosses into Python as
one comma-separated string that numpy parses (`int_columns`). Python objects
are made only for the few rows that need a closer look (`lookup`).
"""
from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from chaoskit.ledger import LedgerError

CHUNK_ROWS = 50_000  # rows fetched at a time from the small tables read row by row
# Outcomes travel as small ints.
OK, FAIL, INFO = 0, 1, 2
OUTCOME_CODE_SQL = f"CASE outcome WHEN 'ok' THEN {OK} WHEN 'fail' THEN {FAIL} ELSE {INFO} END"
MAX_ABS_TIME = 1e12  # seconds (~31,700 years): keeps derived integer keys far from overflow


def unix_time(column: str) -> str:
    """SQL condition: `column` is a number of Unix epoch seconds (NaN is stored as NULL).

    Unary + strips column affinity, so text stays text and never compares
    as a number.
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
    """One contract rule: `condition`, SQL over `column`, holds on every row.

    It is checked on the few values that decide it, which an index on the
    column finds in a few seeks (without one, SQLite reads the column once
    per value): when the values that keep the rule are NULL and/or one run
    of SQLite's sort order (NULL < numbers < text < blobs), the column's
    least value, least non-NULL value and greatest value; for a rule on a
    column of few distinct values (`few`), each of them.
    """

    column: str
    condition: str
    problem: str
    few: bool = False

    def broken_in(self, conn: sqlite3.Connection, table: str) -> bool:
        c = self.column
        if self.few:  # from each distinct value to the next, plus a NULL if there is one
            deciding = f"""WITH RECURSIVE v(x) AS (SELECT min({c}) FROM {table}
              UNION ALL SELECT (SELECT min({c}) FROM {table} WHERE {c} > x) FROM v WHERE x IS NOT NULL)
            SELECT x AS {c} FROM v WHERE x IS NOT NULL UNION ALL SELECT * FROM (SELECT {c} FROM {table} WHERE {c} IS NULL LIMIT 1)"""
        else:
            deciding = " UNION ALL ".join(
                f"SELECT * FROM (SELECT {c} FROM {table} {end} LIMIT 1)"
                for end in (f"ORDER BY {c}", f"WHERE {c} IS NOT NULL ORDER BY {c}", f"ORDER BY {c} DESC")
            )
        # IFNULL: a condition on NULL is NULL.
        return bool(conn.execute(f"SELECT EXISTS (SELECT 1 FROM ({deciding}) WHERE NOT IFNULL({self.condition}, 0))").fetchone()[0])


def validate(conn: sqlite3.Connection, table: str, rules: Sequence[Rule], label: str = "value") -> None:
    """Raise LedgerError naming the bad rows if a row of `table` breaks a rule.

    Checking on part of a history would give a verdict on a history that did not happen.
    """
    if any(rule.broken_in(conn, table) for rule in rules):
        raise LedgerError(_first_problem(conn, table, rules, label))


def _first_problem(conn: sqlite3.Connection, table: str, rules: Sequence[Rule], label: str) -> str:
    # IFNULL: a condition on a NULL column is NULL, which WHERE treats as false.
    checks = ", ".join(f"IFNULL({r.condition}, 0)" for r in rules)
    where = " AND ".join(f"IFNULL({r.condition}, 0)" for r in rules)
    bad = conn.execute(f"SELECT count(*) FROM {table} WHERE NOT ({where})").fetchone()[0]
    row = conn.execute(f"SELECT quote({label}), {checks} FROM {table} WHERE NOT ({where}) LIMIT 1").fetchone()
    problem = next(r.problem for r, ok in zip(rules, row[1:]) if not ok)
    rows_word = "row" if bad == 1 else "rows"
    return f"table '{table}' breaks the ledger contract: {bad} {rows_word}, e.g. {label} {row[0]}: {problem}"


def must_be_text(column: str) -> Rule:
    """Rule: `column` is text."""
    return Rule(column, is_text(column), f"{column} is not text")


def may_be_text(column: str) -> Rule:
    """Rule: `column` is text or NULL."""
    return Rule(column, f"({column} IS NULL OR {is_text(column)})", f"{column} is neither text nor NULL")


def must_be_time(column: str) -> Rule:
    """Rule: `column` is a Unix time in seconds."""
    return Rule(column, f"({unix_time(column)})", f"{column} is not a Unix time in seconds")


def may_be_time(column: str) -> Rule:
    """Rule: `column` is a Unix time in seconds or NULL."""
    return Rule(column, f"({column} IS NULL OR {unix_time(column)})", f"{column} is neither a Unix time in seconds nor NULL")


# Three values are not one run of the sort order ('foo' sorts between 'fail' and 'info'), but few.
OUTCOME = Rule("outcome", "outcome IN ('ok', 'fail', 'info')", "outcome is not one of 'ok', 'fail', 'info'", few=True)


@dataclass(frozen=True)
class Stream:
    """The rows of a small ledger table, each of which must keep `rules`."""

    table: str
    columns: Mapping[str, str]  # name -> SQL expression
    rules: Sequence[Rule]
    label: str = "value"  # column that identifies a bad row in an error message


def rows(conn: sqlite3.Connection, stream: Stream) -> list[tuple[Any, ...]]:
    """All rows of a small table, after checking its rules."""
    validate(conn, stream.table, stream.rules, stream.label)
    cursor = conn.execute(f"SELECT {', '.join(stream.columns.values())} FROM {stream.table}")
    found: list[tuple[Any, ...]] = []
    while chunk := cursor.fetchmany(CHUNK_ROWS):
        found.extend(chunk)
    return found


def int_columns(conn: sqlite3.Connection, sql: str, params: Sequence[Any] = ()) -> list[np.ndarray]:
    """The columns of `sql`'s one row, each a group_concat of integers, as int64 arrays.

    One string per column crosses into Python instead of an object per row;
    group_concat skips NULLs, which is how a column leaves rows out.
    """
    return [np.fromstring(text, dtype=np.int64, sep=",") if text else np.zeros(0, np.int64)
            for text in conn.execute(sql, params).fetchone()]


LOOKUP = "(SELECT value FROM json_each(:lookup))"


def lookup(conn: sqlite3.Connection, sql: str, values: Iterable[Any]) -> list[tuple[Any, ...]]:
    """Rows of `sql`, which names the given values (text or rowids) as LOOKUP (e.g. `WHERE value IN {LOOKUP}`).

    The values travel as one JSON array, unpacked by SQLite, which seeks
    them in an index (or reads the big table once) whatever their number.
    """
    return conn.execute(sql, {"lookup": json.dumps(list(values))}).fetchall()


def read_meta(conn: sqlite3.Connection) -> dict[str, str | None]:
    """The meta table as text (a foreign ledger may store numbers or blobs there)."""
    return {k: v for k, v in conn.execute("SELECT CAST(key AS TEXT), CAST(value AS TEXT) FROM meta") if k is not None}


def has_table(conn: sqlite3.Connection, table: str) -> bool:
    """Whether the ledger has `table` (final_reads is optional)."""
    return conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (table,)).fetchone() is not None
