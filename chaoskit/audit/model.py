"""The audit's data: one read file, one finding."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path

SEVERITIES = ("error", "warn", "info")


@dataclass(frozen=True)
class Entry:
    """One `key=value` of a file: the value exactly as java.util.Properties reads it."""

    key: str
    value: str
    line: int


@dataclass(frozen=True)
class ConfigFile:
    """A file's entries (the last one of a key wins, as in java.util.Properties) and its role."""

    path: Path
    role: str                      # namesrv | controller | broker | proxy
    entries: tuple[Entry, ...]
    fmt: str = "properties"        # properties | json
    values: dict[str, Entry] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "values", {e.key: e for e in self.entries})

    @property
    def name(self) -> str:
        return self.path.name

    def get(self, key: str) -> str | None:
        """The value as written (java.util.Properties keeps trailing spaces), or None."""
        entry = self.values.get(key)
        return entry.value if entry else None

    def line(self, key: str) -> int | None:
        entry = self.values.get(key)
        return entry.line if entry else None


@dataclass(frozen=True)
class Finding:
    severity: str                  # error | warn | info
    file: str
    line: int | None
    key: str
    message: str                   # what is wrong and why it matters
    fix: str

    def to_dict(self) -> dict:
        return asdict(self)
