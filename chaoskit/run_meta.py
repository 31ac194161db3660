"""What a run's ledger meta says about its scenario, written before anything starts."""
from __future__ import annotations

import json
import time
from dataclasses import asdict
from typing import Any

from chaoskit import completeness
from chaoskit.scenario import Scenario


def scenario_meta(scenario: Scenario) -> dict[str, Any]:
    """The scenario's meta keys; the completeness flags start 'false' (completeness.INITIAL)."""
    spec = scenario.cluster
    return {
        "scenario": scenario.name,
        "description": scenario.description,
        "expected_verdict": scenario.expected_verdict or "",
        "rocketmq_version": spec.version,
        "replicas": spec.replicas,
        "access": spec.access,
        "broker_config": json.dumps({"allAckInSyncStateSet": "true", **spec.node_overrides.get("broker-a-0", {}),
                                     **spec.overrides.get("broker", {})}),
        "controller_config": json.dumps({"enableControllerInNamesrv": "true", "controllers": 3,
                                         **spec.node_overrides.get("namesrv-0", {}),
                                         **spec.overrides.get("controller", {})}),
        # the role overrides alone (scenario tables and --set), which replay applies again
        "cluster_overrides": json.dumps(spec.overrides),
        "workload": json.dumps([asdict(w) for w in scenario.workloads]),
        "fault_plan": scenario.plan.to_json() if scenario.plan else "[]",
        "seed": scenario.seed,
        "duration_s": scenario.duration,
        "started_at": time.time(),
        # RocketMQ 5.1+ writes its logs in GMT+8; our 5.0.x logging config in UTC.
        "log_utc_offset_hours": 0 if spec.version.startswith("5.0.") else 8,
        **completeness.INITIAL,
    }
