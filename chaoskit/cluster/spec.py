"""What cluster to run: version, replicas, per-role property overrides (pure data)."""
from __future__ import annotations

import dataclasses
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from chaoskit.cluster.image import DEFAULT_VERSION, check_version
from chaoskit.errors import UsageError

REPO = Path(__file__).resolve().parents[2]
COMPOSE_FILE = REPO / "docker-compose.yml"
ROLES = ("broker", "controller", "proxy")
_KEY_RE = re.compile(r"^[A-Za-z][A-Za-z0-9_.]*$")


def state_dir() -> Path:
    """Where cluster data, logs and rendered overrides live (survives container kills)."""
    return Path(os.environ.get("CHAOSKIT_STATE", REPO / ".chaoskit"))


@dataclass(frozen=True)
class ClusterSpec:
    version: str = DEFAULT_VERSION
    replicas: int = 2
    # role -> {property: value}; "controller" lands in the NameServers' file,
    # which holds the embedded controllers' settings.
    overrides: dict[str, dict[str, str]] = field(default_factory=dict)
    # node -> properties from the user's own files (`run --config`), rendered before the role overrides.
    node_overrides: dict[str, dict[str, str]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        check_version(self.version)
        if self.replicas not in (2, 3):
            raise UsageError(f"--replicas must be 2 or 3, not {self.replicas}")
        for role, props in self.overrides.items():
            if role not in ROLES:
                raise UsageError(f"unknown role '{role}' in an override: use broker, controller or proxy")
            for key, value in props.items():
                if not _KEY_RE.match(key) or "\n" in str(value):
                    raise UsageError(f"bad {role} property '{key}={value}'")
        for node, props in self.node_overrides.items():
            for key, value in props.items():
                if "\n" in key + value or "=" in key:
                    raise UsageError(f"bad {node} property '{key}={value}'")

    @property
    def brokers(self) -> list[str]:
        return [f"broker-a-{i}" for i in range(self.replicas)]

    def with_set(self, assignments: list[str]) -> "ClusterSpec":
        """Apply `--set role.KEY=VALUE` assignments."""
        merged = {r: dict(p) for r, p in self.overrides.items()}
        for item in assignments:
            m = re.match(r"^(\w+)\.([^=]+)=(.*)$", item)
            if not m:
                raise UsageError(f"bad --set '{item}': expected broker.KEY=VALUE or controller.KEY=VALUE")
            merged.setdefault(m.group(1), {})[m.group(2)] = m.group(3)
        return dataclasses.replace(self, overrides=merged)
