"""Whether a run's ledger can vouch for anything: decided here, once (pure).

A run records what it learned (how each workload ended, whether the cluster
recovered, what stayed unhealed, fatal errors on nodes, a harness failure,
end steps that failed) in `Facts`; `decide` turns them into the meta flags
the checker reads. Until `write` runs, the ledger says 'false' for all three
(`INITIAL`), so a harness killed at any point leaves an incomplete ledger
whose verdict is unknown, never PASS.
"""
from __future__ import annotations

from dataclasses import dataclass, field

FLAGS = ("ledger_complete", "drain_complete", "final_read_complete")
INITIAL = {flag: "false" for flag in FLAGS}


@dataclass(frozen=True)
class WorkloadEnd:
    """How one workload ended: `error` is "" for a clean end."""

    error: str = ""
    drain_complete: bool = False
    final_read_complete: bool = False


@dataclass
class Facts:
    workloads: dict[str, WorkloadEnd] = field(default_factory=dict)  # kind -> how it ended
    recovered: bool | None = None       # None: no recovery wait (no faults, or never reached)
    failure: str = ""                   # interrupted, cluster never ready, harness error
    unhealed: list[str] = field(default_factory=list)
    node_errors: list[str] = field(default_factory=list)
    failed_steps: list[str] = field(default_factory=list)  # end steps that raised before the decision


def reasons(facts: Facts) -> list[str]:
    """Why the ledger cannot vouch for the run; [] when it can."""
    found = [facts.failure] if facts.failure else []
    if not facts.workloads:
        found.append("no workload ran")
    found += [f"workload {kind}: {end.error}" for kind, end in facts.workloads.items() if end.error]
    if facts.recovered is False:
        found.append("the cluster did not recover")
    found += [f"unhealed: {u}" for u in facts.unhealed]
    found += [f"fatal JVM error: {e}" for e in facts.node_errors]
    found += [f"end step '{s}' failed" for s in facts.failed_steps]
    return found


def decide(facts: Facts) -> dict[str, str]:
    """The meta `facts` give: the three flags ('true'/'false'), why an incomplete ledger is one,
    and the problems the checker and the report name (`failure`, `unhealed`, `node_errors`)."""
    ends = facts.workloads.values()
    why = reasons(facts)
    meta = {
        "ledger_complete": str(not why).lower(),
        "drain_complete": str(bool(ends) and all(e.drain_complete for e in ends)).lower(),
        "final_read_complete": str(bool(ends) and all(e.final_read_complete for e in ends)).lower(),
    }
    for key, value in (("incomplete_because", "; ".join(why)), ("failure", facts.failure),
                       ("unhealed", "; ".join(facts.unhealed)), ("node_errors", "; ".join(facts.node_errors))):
        if value:
            meta[key] = value
    return meta
