"""The RocketMQ releases chaoskit serves, in one place (pure data, no Docker).

A release is served when Maven Central serves every server jar the image
needs whole: rocketmq-namesrv, -controller, -broker, -proxy and -tools of
that version with their dependencies (`docker/pom.xml`). Releases missing
one (5.1.3, 5.1.4, 5.3.0-5.3.2, 5.3.4, 5.5.1 on 7 December) cannot be built.
tests/test_versions.py checks this list against Maven Central's metadata.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from chaoskit.errors import UsageError

MODULES = ("namesrv", "controller", "broker", "proxy", "tools")  # what docker/pom.xml resolves
_VERSION_RE = re.compile(r"^5\.\d+\.\d+$")


@dataclass(frozen=True)
class Release:
    version: str
    notes: str  # what a run on it must know (../shared/ROCKETMQ.md, docs/matrix.md)


RELEASES = (
    Release("5.0.0", "proxy gRPC over TLS only; a new consumer group starts at each queue's end; "
                     "elects no new master after a controller leader change (apache/rocketmq#5711)"),
    Release("5.1.0", "a new consumer group starts at each queue's end"),
    Release("5.1.1", "served whole (found by the Maven Central check, 7 December); not yet run end to end here"),
    Release("5.2.0", ""),
    Release("5.3.3", "slaves drop topics that have attributes (a FIFO topic) and those synced after them, "
                     "so a promoted slave refuses them (apache/rocketmq#9403; docs/matrix.md)"),
    Release("5.4.0", ""),
    Release("5.5.0", "the newest release served whole: the default"),
)
SERVED = tuple(r.version for r in RELEASES)
DEFAULT = SERVED[-1]


def key(version: str) -> tuple[int, ...]:
    """Sort key: 5.10.0 after 5.9.0."""
    return tuple(int(part) for part in version.split("."))


def check(version: str) -> str:
    """`version` if chaoskit serves it; UsageError (exit 2) for a malformed or unserved one."""
    if not _VERSION_RE.match(version):
        raise UsageError(f"unknown RocketMQ version '{version}': expected a served 5.x.y release "
                         f"({', '.join(SERVED)})")
    if version not in SERVED:
        raise UsageError(f"unknown RocketMQ version '{version}': Maven Central does not serve its server jars whole; "
                         f"served: {', '.join(SERVED)}")
    return version


def parse_list(text: str) -> tuple[str, ...]:
    """`5.0.0,5.5.0` (or `all`) -> the checked versions in the order given, each once."""
    if text.strip() == "all":
        return SERVED
    items = [v.strip() for v in text.split(",") if v.strip()]
    if not items:
        raise UsageError("--versions is empty: give served releases separated by commas, or 'all'")
    return tuple(dict.fromkeys(check(v) for v in items))


def between(start: str, end: str) -> tuple[str, ...]:
    """The served releases from `start` to `end`, both included, in that direction (either may be the newer)."""
    lo, hi = SERVED.index(check(start)), SERVED.index(check(end))
    return SERVED[lo:hi + 1] if lo <= hi else SERVED[hi:lo + 1][::-1]


def served_whole(listed: dict[str, set[str]]) -> tuple[str, ...]:
    """The 5.x.y releases every module of MODULES lists (module -> versions in its maven-metadata.xml), in order."""
    common = set.intersection(*(listed[m] for m in MODULES))
    return tuple(sorted((v for v in common if _VERSION_RE.match(v)), key=key))
