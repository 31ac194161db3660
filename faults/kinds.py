"""The fault kinds: what each one does, its parameters and its usual targets.

One registry, `KINDS`, read by the plan generator (which picks parameters
and targets from here), the validator and the effect builder. A kind's
`verb` names the one mechanism that applies and heals it (see actions.py).
"""
from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

# Partition shapes (see effects.py for the rules each one installs).
SHAPES = ("isolate", "from-controllers", "from-replicas", "but-replicas", "halves", "one-way", "bridge")

# Capabilities a kind may need from the kernel; probed by actions.probe_capabilities.
NETEM = "netem"

_RATE_RE = re.compile(r"^\d+(\.\d+)?(bit|kbit|mbit|gbit)$")


@dataclass(frozen=True)
class FaultKind:
    name: str
    summary: str
    verb: str                                # kill | stop | pause | iptables | tc
    targets: tuple[str, ...]                 # target specs the generator picks from
    params: Mapping[str, tuple[Any, ...]] = field(default_factory=dict)  # name -> choices
    needs: str | None = None                 # a kernel capability, e.g. NETEM


_NODE_TARGETS = ("master", "slave", "controller-leader", "controller-follower", "proxy",
                 "master+controller-leader")
_NET_TARGETS = ("master", "slave", "controller-leader", "minority", "proxy",
                "master+controller-leader")

KINDS: dict[str, FaultKind] = {k.name: k for k in (
    FaultKind("kill", "SIGKILL the container (docker kill); heal: start it again with its data",
              "kill", _NODE_TARGETS),
    FaultKind("stop", "graceful stop (SIGTERM, then SIGKILL after grace_s); heal: start it",
              "stop", _NODE_TARGETS, {"grace_s": (20,)}),
    FaultKind("pause", "freeze every process of the container (docker pause); heal: unpause",
              "pause", _NODE_TARGETS),
    FaultKind("partition", "iptables DROP by peer address in the nodes' own network namespaces",
              "iptables", _NET_TARGETS, {"shape": SHAPES}),
    FaultKind("loss", "drop a random share of packets to and from the other nodes (iptables statistic)",
              "iptables", ("master", "slave", "controller-leader", "all-brokers", "random"),
              {"probability": (0.1, 0.3, 0.5)}),
    FaultKind("bandwidth", "limit the node's outgoing rate with a tc tbf qdisc",
              "tc", ("master", "slave", "all-brokers", "proxy"), {"rate": ("256kbit", "1mbit")}),
    FaultKind("delay", "add latency to the node's outgoing packets (tc netem)",
              "tc", ("master", "slave", "controller-leader", "all-brokers"),
              {"delay_ms": (50, 200, 500)}, needs=NETEM),
    FaultKind("jitter", "add varying latency to the node's outgoing packets (tc netem, normal)",
              "tc", ("master", "slave", "controller-leader", "all-brokers"),
              {"delay_ms": (100,), "jitter_ms": (50, 100)}, needs=NETEM),
)}

# What no mechanism here can do soundly on this platform (docs/faults.md says why).
UNSUPPORTED = {
    "clock": "the containers share the host's realtime clock; setting it needs CAP_SYS_TIME and "
             "moves every container's clock, and libfaketime is not in the image",
    "disk-full": "/data is a bind mount of the host's filesystem: filling it fills the shared host "
                 "disk, and a small tmpfs cannot be mounted over a live bind mount",
}


def get(name: str) -> FaultKind:
    """The kind named `name`; ValueError with the known names if there is none."""
    if name in KINDS:
        return KINDS[name]
    why = f" ({UNSUPPORTED[name]})" if name in UNSUPPORTED else ""
    raise ValueError(f"unknown fault '{name}'{why}: use {', '.join(KINDS)}")


def check_params(kind: FaultKind, params: Mapping[str, Any]) -> None:
    """ValueError naming the first parameter that `kind` does not take or cannot use."""
    for key, value in params.items():
        if key not in kind.params:
            raise ValueError(f"fault '{kind.name}' takes no parameter '{key}'")
        if key == "shape" and value not in SHAPES:
            raise ValueError(f"unknown partition shape '{value}': use {', '.join(SHAPES)}")
        if key == "probability" and not (isinstance(value, (int, float)) and 0 < value <= 1):
            raise ValueError(f"loss probability must be in (0, 1], not {value!r}")
        if key == "rate" and not (isinstance(value, str) and _RATE_RE.match(value)):
            raise ValueError(f"bad rate {value!r}: e.g. 256kbit or 1mbit")
        if key.endswith(("_ms", "_s")) and not (isinstance(value, (int, float)) and value >= 0):
            raise ValueError(f"fault '{kind.name}': {key} must be a number >= 0, not {value!r}")
    missing = sorted(set(kind.params) - set(params))
    if missing:
        raise ValueError(f"fault '{kind.name}' lacks parameter(s) {', '.join(missing)}")
