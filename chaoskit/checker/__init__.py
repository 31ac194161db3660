"""The offline checker: a ledger (LEDGER.md) in, a verdict and its evidence out.

`check(conn)` reads each big table once, in chunks, feeding small reducers
(one per analysis), then derives every result from what they kept. It only
reads SQLite: no Docker, no network, so a ledger copied to a laptop checks
the same as on the harness host.
"""
from __future__ import annotations

import gc
import os
import sqlite3
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

from chaoskit import ledger
from chaoskit.checker import (
    availability, examples, faults, latency, order, queue, results, source, tally, timeline, values, verdict,
)
from chaoskit.ledger import LedgerError

SENDS = source.Stream(
    table="sends",
    columns={
        "value": "value",
        "outcome": source.OUTCOME_CODE_SQL,
        "invoke_ts": "invoke_ts",
        "group_key": "group_key",
        "group_ok_complete": order.GROUP_OK_COMPLETE_SQL,
        "tally": tally.key_sql(
            source.floor_sql("invoke_ts"),
            source.OUTCOME_CODE_SQL,
            latency.index_sql("CAST((complete_ts - invoke_ts) * 1000000 AS INTEGER)"),
        ),
    },
    rules=(
        source.must_be_text("value"),
        source.OUTCOME,
        source.must_be_time("invoke_ts"),
        source.may_be_time("complete_ts"),
        source.may_be_text("group_key"),
    ),
)
RECEIVES = source.Stream(
    table="receives",
    columns={"value": "value", "ts": "ts", "second": source.floor_sql("ts")},
    rules=(source.must_be_text("value"), source.must_be_time("ts")),
)


def check(conn: sqlite3.Connection) -> dict[str, Any]:
    """Check an open ledger (see `chaoskit.ledger.open_for_read`); returns the results dict.

    Raises LedgerError when a row breaks the contract (a NULL value, a
    timestamp that is not a number, an unknown outcome, ...).
    """
    with _no_cycle_collection(), _one_snapshot(conn):
        return _check(conn)


def _check(conn: sqlite3.Connection) -> dict[str, Any]:
    meta = source.read_meta(conn)
    fault_list = faults.read(conn)
    completeness = verdict.Completeness.of(meta, fault_list)

    send_values, grouped, outcomes = values.SendValues(), order.GroupedSends(), availability.SendOutcomes()
    send_tally = source.Count("tally")
    source.run(conn, SENDS, [send_values, grouped, outcomes, send_tally])
    receive_values, receive_seconds = values.ReceiveValues(), source.Count("second")
    source.run(conn, RECEIVES, [receive_values, receive_seconds])

    final_reads = None
    if completeness.final_read_complete:
        if not source.has_table(conn, "final_reads"):
            raise LedgerError("meta final_read_complete is 'true' but table 'final_reads' is missing")
        final_reads = queue.read_final_reads(conn)

    invoked = values.sent_times(send_values, receive_values)
    queue_result = queue.analyse(send_values, receive_values, invoked, final_reads)
    violations = order.violations(conn, grouped, send_values, receive_values)
    return results.assemble(
        verdict=verdict.decide(queue_result, len(violations), completeness, meta),
        queue=queue_result,
        violations=violations,
        completeness=completeness,
        examples=examples.build(conn, queue_result.anomalies(), receive_values, fault_list),
        availability=availability.report(outcomes, fault_list),
        latency=latency.report(send_tally.counts, latency.end_to_end(invoked, receive_values.first)),
        timeline=timeline.report(send_tally.counts, receive_seconds.counts),
        meta=meta,
    )


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


@contextmanager
def _no_cycle_collection() -> Iterator[None]:
    """The reducers build millions of acyclic objects; cycle collection would only rescan them."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


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
    tmp = out.with_name(out.name + ".tmp")
    tmp.write_text(results.dumps(found), encoding="utf-8")
    os.replace(tmp, out)  # a reader never sees half a file
    return found, out
