"""The shape of results.json (documented key by key in docs/checker.md)."""
from __future__ import annotations

import json
from dataclasses import asdict
from typing import Any

from chaoskit.checker.order import Violation
from chaoskit.checker.queue import QueueResult
from chaoskit.checker.verdict import Completeness, Verdict

LIST_CAP = 1000  # informational lists (recovered, duplicated); the contract's lists are complete
ORDER_CAP = 100


def assemble(
    verdict: Verdict,
    queue: QueueResult,
    violations: list[Violation],
    completeness: Completeness,
    examples: dict[str, list[dict]],
    availability: dict,
    latency: dict,
    timeline: list[dict],
    meta: dict[str, str | None],
) -> dict[str, Any]:
    """Every part of a check, in the order results.json shows them."""
    return {
        "valid": verdict.valid,
        "reason": verdict.reason,
        "attempt_count": queue.attempt_count,
        "acknowledged_count": queue.acknowledged_count,
        "received_count": queue.received_count,
        "ok_count": queue.ok_count,
        "lost_count": len(queue.lost),
        "unexpected_count": len(queue.unexpected),
        "recovered_count": len(queue.recovered),
        "failed_delivered_count": len(queue.failed_delivered),
        "lost_in_store_count": None if queue.lost_in_store is None else len(queue.lost_in_store),
        "duplicated_count": len(queue.duplicated),
        "duplicate_deliveries": queue.duplicate_deliveries,
        "order_violation_count": len(violations),
        "drain_complete": completeness.drain_complete,
        "final_read_complete": completeness.final_read_complete,
        "ledger_complete": completeness.ledger_complete,
        "lost": queue.lost,
        "unexpected": queue.unexpected,
        "failed_delivered": queue.failed_delivered,
        "lost_in_store": queue.lost_in_store,
        "recovered": queue.recovered[:LIST_CAP],
        "duplicated": queue.duplicated[:LIST_CAP],
        "examples": examples,
        "order_violations": [asdict(v) for v in violations[:ORDER_CAP]],
        "availability": availability,
        "latency": latency,
        "timeline": timeline,
        "meta": meta,
    }


def dumps(results: dict[str, Any]) -> str:
    """Strict JSON: a NaN or infinity is a bug, not something to write."""
    return json.dumps(results, indent=1, allow_nan=False) + "\n"
