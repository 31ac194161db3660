"""The verdict: LEDGER.md's four rules, in order, with a one-sentence reason."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from chaoskit.checker.faults import Fault
from chaoskit.checker.queue import QueueResult

# results.json `valid` (True, False or "unknown") as a word: pass, fail, unknown
WORDS = {True: "pass", False: "fail", "unknown": "unknown"}


@dataclass(frozen=True)
class Completeness:
    """Whether the history is whole: the drain finished and the ledger was closed cleanly."""

    drain_complete: bool
    ledger_complete: bool
    final_read_complete: bool
    ledger_gaps: tuple[str, ...]  # why the ledger is incomplete, one phrase each

    @classmethod
    def of(cls, meta: Mapping[str, str | None], faults: list[Fault]) -> Completeness:
        """Meta `ledger_complete` other than 'true' (absent is fine: a foreign ledger),
        a fault never healed or a fatal JVM error on a node (meta `node_errors`) makes
        the ledger incomplete."""
        gaps = []
        if "ledger_complete" in meta and meta["ledger_complete"] != "true":
            why = meta.get("incomplete_because")  # chaoskit's own ledgers say why (chaoskit/completeness.py)
            gaps.append(_meta_state(meta, "ledger_complete") + (f" ({why})" if why else ""))
        unhealed = sum(f.end_ts is None for f in faults)
        if unhealed:
            gaps.append(f"{_count(unhealed, 'fault was', 'faults were')} never healed")
        if meta.get("node_errors"):
            gaps.append(f"a node's JVM failed ({meta['node_errors']})")
        return cls(
            drain_complete=meta.get("drain_complete") == "true",
            ledger_complete=not gaps,
            final_read_complete=meta.get("final_read_complete") == "true",
            ledger_gaps=tuple(gaps),
        )


@dataclass(frozen=True)
class Verdict:
    valid: bool | str  # True, False or "unknown"
    reason: str


def decide(
    queue: QueueResult, order_violations: int, completeness: Completeness, meta: Mapping[str, str | None]
) -> Verdict:
    """The first LEDGER.md rule that applies."""
    # Rule 1: anomalies that no completeness can excuse.
    broken = [
        _count(n, one, many) + what
        for n, one, many, what in (
            (len(queue.unexpected), "value was", "values were", " received but never sent"),
            (len(queue.failed_delivered), "value was", "values were", " delivered although every send of it failed"),
            (len(queue.lost_in_store or ()), "acknowledged value is", "acknowledged values are",
             " missing from the complete final read"),
            (order_violations, "order violation", "order violations", " within a message group"),
        )
        if n
    ]
    if broken:
        return Verdict(False, _join(broken))
    lost = len(queue.lost)
    if lost and completeness.drain_complete:  # rule 2
        return Verdict(False, _count(lost, "acknowledged value was", "acknowledged values were")
                       + " never received after a complete drain")
    doubts = []  # rule 3
    if not completeness.drain_complete:
        unseen = f": {_count(lost, 'acknowledged value is', 'acknowledged values are')} unseen, not lost" if lost else ""
        doubts.append(f"drain did not complete ({_meta_state(meta, 'drain_complete')}){unseen}")
    if not queue.acknowledged_count:
        doubts.append("no value was acknowledged")
    if not completeness.ledger_complete:
        doubts.append("the ledger is incomplete: " + _join(list(completeness.ledger_gaps)))
    if doubts:
        return Verdict("unknown", "; ".join(doubts))
    return Verdict(True, f"every acknowledged value ({queue.acknowledged_count}) was received and no anomaly was found")


def _count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def _join(phrases: list[str]) -> str:
    return phrases[0] if len(phrases) == 1 else ", ".join(phrases[:-1]) + " and " + phrases[-1]


def _meta_state(meta: Mapping[str, str | None], key: str) -> str:
    if key not in meta:
        return f"meta {key} is missing"
    return f"meta {key} is {'NULL' if meta[key] is None else repr(meta[key])}"
