"""What cluster to run: version, replicas, per-role property overrides (pure data)."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from chaoskit.errors import UsageError

ROLES = ("broker", "controller", "proxy")
DEFAULT_VERSION = "5.5.0"
_VERSION_RE = re.compile(r"^5\.\d+\.\d+$")
# How the workloads reach the brokers: the official remoting client straight to
# NameServers and brokers (the seed's deployment: no proxy container runs), or
# the gRPC client through a Proxy.
ACCESS_MODES = ("remoting", "proxy")
DEFAULT_ACCESS = "remoting"
_KEY_RE = re.compile(r"^[A-Za-z][A-Za-z0-9_.]*$")


def check_version(version: str) -> str:
    """Reject anything but a RocketMQ 5.x.y release number."""
    if not _VERSION_RE.match(version):
        raise UsageError(f"unknown RocketMQ version '{version}': expected a 5.x release such as 5.0.0 or {DEFAULT_VERSION}")
    return version


@dataclass(frozen=True)
class ClusterSpec:
    version: str = DEFAULT_VERSION
    replicas: int = 2
    # role -> {property: value}; "controller" lands in the NameServers' file,
    # which holds the embedded controllers' settings.
    overrides: dict[str, dict[str, str]] = field(default_factory=dict)
    access: str = DEFAULT_ACCESS

    def __post_init__(self) -> None:
        check_version(self.version)
        if self.access not in ACCESS_MODES:
            raise UsageError(f"unknown access mode '{self.access}': use {' or '.join(ACCESS_MODES)}")
        if self.access == "remoting" and self.overrides.get("proxy"):
            raise UsageError("proxy properties were given, but access mode 'remoting' runs no proxy: "
                             "drop them or use access 'proxy'")
        if self.replicas not in (2, 3):
            raise UsageError(f"--replicas must be 2 or 3, not {self.replicas}")
        for role, props in self.overrides.items():
            if role not in ROLES:
                raise UsageError(f"unknown role '{role}' in an override: use broker, controller or proxy")
            for key, value in props.items():
                if not _KEY_RE.match(key) or "\n" in str(value):
                    raise UsageError(f"bad {role} property '{key}={value}'")

    @property
    def with_proxy(self) -> bool:
        return self.access == "proxy"

    @property
    def brokers(self) -> list[str]:
        return [f"broker-a-{i}" for i in range(self.replicas)]

    def with_set(self, assignments: list[str]) -> ClusterSpec:
        """Apply `--set role.KEY=VALUE` assignments."""
        merged = {r: dict(p) for r, p in self.overrides.items()}
        for item in assignments:
            m = re.match(r"^(\w+)\.([^=]+)=(.*)$", item)
            if not m:
                raise UsageError(f"bad --set '{item}': expected broker.KEY=VALUE or controller.KEY=VALUE")
            merged.setdefault(m.group(1), {})[m.group(2)] = m.group(3)
        return ClusterSpec(self.version, self.replicas, merged, self.access)
