"""The offline checker: a ledger (LEDGER.md) in, a verdict and its evidence out.

`check(conn)` checks the contract's rules on every table, then lets SQLite
answer through indexes (`tables`): one pass over every send row joined with
its receives (`joined`) yields integer keys that numpy counts, and the
values that need a closer look are few and looked up. It only reads SQLite:
no Docker, no network, so a ledger copied to a laptop checks the same as on
the harness host.
"""
from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np

from chaoskit import ledger
from chaoskit.checker import (
    availability,
    examples,
    faults,
    joined,
    latency,
    order,
    queue,
    readers,
    results,
    source,
    tables,
    tally,
    timeline,
    values,
    verdict,
)
from chaoskit.files import write_atomically
from chaoskit.ledger import LedgerError

SENDS_RULES = (
    source.must_be_text("value"),
    source.OUTCOME,
    source.must_be_time("invoke_ts"),
    source.may_be_time("complete_ts"),
    source.may_be_text("group_key"),
)
RECEIVES_RULES = (source.must_be_text("value"), source.must_be_time("ts"))
FINAL_READS_RULES = (source.must_be_text("value"),)


def check(conn: sqlite3.Connection) -> dict[str, Any]:
    """Check an open ledger (see `chaoskit.ledger.open_for_read`); returns the results dict.

    Raises LedgerError when a row breaks the contract (a NULL value, a
    timestamp that is not a number, an unknown outcome, ...).
    """
    with _one_snapshot(conn), tables.prepared(conn):
        return _check(conn)


def _check(conn: sqlite3.Connection) -> dict[str, Any]:
    meta = source.read_meta(conn)
    fault_list = faults.read(conn)
    completeness = verdict.Completeness.of(meta, fault_list)
    source.validate(conn, "sends", SENDS_RULES)
    source.validate(conn, "receives", RECEIVES_RULES)
    if completeness.final_read_complete:
        if not source.has_table(conn, "final_reads"):
            raise LedgerError("meta final_read_complete is 'true' but table 'final_reads' is missing")
        source.validate(conn, "final_reads", FINAL_READS_RULES)

    with readers.opened(conn) as read:  # the reads that need no other's result, submitted before the pass's segments
        found, gaps, receive_seconds = (read.submit(fn) for fn in (values.read, availability.gaps, timeline.receive_seconds))
        rows = joined.read(conn, read)
        found, gaps, receive_seconds = found.result(), gaps.result(), receive_seconds.result()
    queue_result = queue.analyse(conn, rows, found, completeness.final_read_complete)
    violations = order.violations(conn, rows, found)
    send_tally = tally.Tally.of(rows.tally)
    return results.assemble(
        verdict=verdict.decide(queue_result, len(violations), completeness, meta),
        queue=queue_result,
        violations=violations,
        completeness=completeness,
        examples=examples.build(conn, queue_result.anomalies(), fault_list),
        availability=availability.report(gaps, fault_list),
        latency=latency.report(send_tally, _end_to_end(conn, rows, found)),
        timeline=timeline.report(send_tally, receive_seconds),
        meta=meta,
    )


def _end_to_end(conn: sqlite3.Connection, rows: joined.SendRows, found: values.Values) -> tally.Tally:
    """Tally of end-to-end latencies: the pass's, for values sent once, and the re-sent values'."""
    once = values.not_resent(found, rows.rowid) & (rows.e2e != joined.NONE)
    resent = values.resent_e2e(found, values.receipts(conn, found.resent))
    return tally.Tally.of(np.concatenate([rows.e2e[once], np.array(resent, dtype=np.int64)]))


@contextmanager
def _one_snapshot(conn: sqlite3.Connection) -> Iterator[None]:
    """Read every table from one snapshot: a ledger still being written (WAL) must not
    show the receives of sends the checker did not see."""
    if conn.in_transaction:  # the caller's transaction already pins one
        yield
        return
    conn.execute("BEGIN")
    try:
        yield
    finally:
        conn.rollback()


def write_results(run: Path | str) -> tuple[dict[str, Any], Path]:
    """Check the ledger of a run directory (or a ledger file); write results.json beside it.

    Raises LedgerError (one line) for a missing, corrupt or foreign ledger.
    """
    path = ledger.resolve_path(Path(run))
    conn = ledger.open_for_read(path)
    try:
        found = check(conn)
    except LedgerError as exc:
        raise LedgerError(f"{path}: {exc}") from None
    except sqlite3.DatabaseError as exc:
        raise LedgerError(f"{path} is not a readable SQLite ledger: {exc}") from None
    finally:
        conn.close()
    out = path.parent / "results.json"
    write_atomically(out, results.dumps(found))
    return found, out
