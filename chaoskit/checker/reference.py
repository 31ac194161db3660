"""The reference checker: LEDGER.md's rules read literally, with no care for speed.

The fast engine (chaoskit.checker.check) must give exactly what this gives
on every ledger; the property tests (tests/test_checker_properties.py) hold
it to that on random histories. `chaoskit check --reference RUN` runs this
one instead, to cross-examine a verdict (it holds a ledger in memory: fine
for a few hundred thousand rows).
"""
from __future__ import annotations

import sqlite3
from collections import Counter, defaultdict
from itertools import pairwise
from typing import Any


def check(conn: sqlite3.Connection) -> dict[str, Any]:
    """The verdict and its evidence for an open ledger (chaoskit.ledger.open_for_read)."""
    meta = dict(conn.execute("SELECT key, value FROM meta"))
    rows = defaultdict(list)  # value -> [(outcome, invoke_ts, complete_ts, group_key)]
    for value, outcome, invoke, complete, group in conn.execute(
            "SELECT value, outcome, invoke_ts, complete_ts, group_key FROM sends"):
        rows[value].append((outcome, invoke, complete, group))
    receives = conn.execute("SELECT value, ts FROM receives").fetchall()
    checked = meta.get("final_read_complete") == "true"
    stored = {v for (v,) in conn.execute("SELECT value FROM final_reads")} if checked else set()
    unhealed = conn.execute("SELECT count(*) FROM faults WHERE end_ts IS NULL").fetchone()[0]

    attempted = set(rows)
    acknowledged = {v for v, rs in rows.items() if any(r[0] == "ok" for r in rs)}
    deliveries = Counter(v for v, _ in receives)
    received = set(deliveries)
    first: dict[str, float] = {}
    for v, ts in receives:
        first[v] = min(ts, first.get(v, ts))
    out: dict[str, Any] = {
        "attempt_count": len(attempted), "acknowledged_count": len(acknowledged), "received_count": len(received),
        "ok_count": len(received & attempted),
        "lost": sorted(acknowledged - received), "unexpected": sorted(received - attempted),
        "recovered": sorted((received & attempted) - acknowledged),
        "failed_delivered": sorted(v for v in received & attempted if all(r[0] == "fail" for r in rows[v])),
        "lost_in_store": sorted(acknowledged - stored) if checked else None,
        "duplicated": sorted(v for v, n in deliveries.items() if n > 1),
        "duplicate_deliveries": sum(n - 1 for n in deliveries.values()),
    }
    # Order: within a group (a value's smallest key), acknowledged and received values in
    # invoke order; a value acknowledged before the next was invoked must be received first.
    groups = defaultdict(list)
    for v in acknowledged & received:
        keys = [r[3] for r in rows[v] if r[3] is not None]
        if keys:
            groups[min(keys)].append((min(r[1] for r in rows[v]), v))
    violations = []
    for g in sorted(groups):
        for (ai, a), (bi, b) in pairwise(sorted(groups[g])):
            done = [r[2] for r in rows[a] if r[0] == "ok" and r[2] is not None]
            if done and min(done) <= bi and first[b] < first[a]:
                violations.append({"group": g, "a": a, "b": b, "a_invoke_ts": ai, "b_invoke_ts": bi,
                                   "a_first_receive_ts": first[a], "b_first_receive_ts": first[b]})
    out["order_violations"] = violations
    drained = meta.get("drain_complete") == "true"
    whole = meta.get("ledger_complete", "true") == "true" and not unhealed and not meta.get("node_errors")
    if out["unexpected"] or out["failed_delivered"] or out["lost_in_store"] or violations:
        out["valid"], out["reason"] = False, "rule 1: a value unexpected, failed yet delivered, missing from the store, or out of order"
    elif out["lost"] and drained:
        out["valid"], out["reason"] = False, "rule 2: acknowledged values never delivered after a complete drain"
    elif not drained or not acknowledged or not whole:
        out["valid"], out["reason"] = "unknown", "rule 3: drain or ledger incomplete, or nothing acknowledged"
    else:
        out["valid"], out["reason"] = True, "rule 4: every acknowledged value delivered"
    return out
