"""The scenario section: what ran, read from the ledger's meta table.

Every key is optional (a foreign ledger may have none); JSON-valued keys
that do not parse are shown as the text they are.
"""
from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from reports.clock import Clock, duration
from reports.run import meta_duration, parse_time

# The settings that decide whether an acknowledged message can be lost.
DURABILITY_KEYS = (
    "allAckInSyncStateSet", "brokerRole", "flushDiskType", "syncFlushTimeout",
    "enableControllerMode", "totalReplicas", "inSyncReplicas", "minInSyncReplicas",
    "enableAutoInSyncReplicas", "haMaxTimeSlaveNotCatchup", "haSendHeartbeatInterval",
    "enableSlaveActingMaster", "transientStorePoolEnable",
)
CONTROLLER_KEYS = (
    "enableElectUncleanMaster", "isEnableElectUncleanMaster", "enableControllerInNamesrv", "controllers",
    "controllerType", "controllerDLegerPeers", "controllerAddr", "notifyBrokerRoleChanged",
)
ACCESS_WORDS = {
    "remoting": "remoting: the official Java client straight to NameServers and brokers, no proxy",
    "proxy": "proxy: the gRPC client through a RocketMQ Proxy",
}
JSON_KEYS = ("topology", "broker_config", "controller_config", "workload", "fault_plan")
SHOWN_KEYS = {
    "scenario", "description", "unhealed", "node_errors", "expected_verdict", "rocketmq_version", "access",
    "replicas", "seed",
    "duration_s", "image_id", "started_at", "ended_at", "drain_complete", "final_read_complete", "ledger_complete",
    *JSON_KEYS,
}


@dataclass(frozen=True)
class Table:
    """Column names and rows of cell text."""

    columns: list[str]
    rows: list[list[str]]


@dataclass(frozen=True)
class Scenario:
    """What the scenario section shows."""

    name: str
    facts: list[tuple[str, str]]
    durability: list[tuple[str, str]]
    fault_plan: Table | None
    blocks: list[tuple[str, str]]  # (title, pretty-printed JSON or text)
    other_meta: list[tuple[str, str]]


def parse_json(text: str | None) -> Any:
    """The parsed value of a JSON meta key; the text itself when it is not JSON."""
    if text is None:
        return None
    try:
        return json.loads(text)
    except ValueError:
        return text


def cell(value: Any) -> str:
    """A table cell: scalars as text, structures as compact JSON."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    return json.dumps(value, sort_keys=True) if isinstance(value, (dict, list)) else str(value)


def build(meta: Mapping[str, str], clock: Clock, name: str) -> Scenario:
    """The scenario section from meta."""
    parsed = {k: parse_json(meta.get(k)) for k in JSON_KEYS if meta.get(k)}
    plan = _plan_table(parsed.get("fault_plan"))
    if plan is not None:
        del parsed["fault_plan"]  # shown as a table instead
    return Scenario(
        name=name,
        facts=_facts(meta, clock),
        durability=_durability(parsed.get("broker_config"), parsed.get("controller_config")),
        fault_plan=plan,
        blocks=[(k.replace("_", " "), _pretty(v)) for k, v in parsed.items()],
        other_meta=sorted((k, v) for k, v in meta.items() if k not in SHOWN_KEYS),
    )


def _facts(meta: Mapping[str, str], clock: Clock) -> list[tuple[str, str]]:
    started, ended = parse_time(meta.get("started_at")), parse_time(meta.get("ended_at"))
    seconds = meta_duration(meta)
    rows = [
        ("description", meta.get("description")),
        ("left unhealed", meta.get("unhealed")),
        ("fatal node errors", meta.get("node_errors")),
        ("RocketMQ version", meta.get("rocketmq_version")),
        ("access", ACCESS_WORDS.get(meta.get("access", ""), meta.get("access"))),
        ("replicas", meta.get("replicas")),
        ("seed", meta.get("seed")),
        ("duration", duration(seconds) if seconds is not None else None),
        ("started", clock.date(started) if started is not None else meta.get("started_at")),
        ("ended", clock.date(ended) if ended is not None else meta.get("ended_at")),
        ("image id", meta.get("image_id")),
        ("expected verdict", meta.get("expected_verdict")),
    ]
    return [(k, v) for k, v in rows if v]


def _durability(broker: Any, controller: Any) -> list[tuple[str, str]]:
    rows = []
    for config, keys in ((broker, DURABILITY_KEYS), (controller, CONTROLLER_KEYS)):
        if isinstance(config, dict):
            rows += [(k, cell(config[k])) for k in keys if k in config]
    return rows


def _plan_table(plan: Any) -> Table | None:
    """A fault plan that is a list of step objects, as a table (else None)."""
    if not isinstance(plan, list) or not plan or not all(isinstance(s, dict) for s in plan):
        return None
    columns: list[str] = []
    for step in plan:
        columns += [k for k in step if k not in columns]
    return Table(columns, [[cell(step.get(c)) for c in columns] for step in plan])


def _pretty(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value, indent=2, sort_keys=True)
