"""Time as a report shows it: relative to run start (t+12.3s) and wall clock UTC."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

NONE = "—"


@dataclass(frozen=True)
class Clock:
    """Formats epoch seconds against the run's start (`t0`, None if unknown)."""

    t0: float | None

    def rel(self, ts: float | None) -> str:
        """'t+12.3s' (or the wall clock when the run start is unknown)."""
        if ts is None or self.t0 is None:
            return self.wall(ts)
        return f"t{ts - self.t0:+.1f}s"

    def wall(self, ts: float | None) -> str:
        """'23:59:01.123' in UTC."""
        if ts is None:
            return NONE
        return datetime.fromtimestamp(ts, UTC).strftime("%H:%M:%S.%f")[:-3]

    def both(self, ts: float | None) -> str:
        """'t+12.3s (23:59:01.123)'."""
        if ts is None or self.t0 is None:
            return self.wall(ts)
        return f"{self.rel(ts)} ({self.wall(ts)})"

    def date(self, ts: float | None) -> str:
        """'2026-11-29 23:59:01 UTC'."""
        if ts is None:
            return NONE
        return datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%d %H:%M:%S UTC")

    def offset(self, ts: float) -> float:
        """Seconds since run start (chart x axis)."""
        return ts - (self.t0 or 0.0)


def duration(seconds: float | None) -> str:
    """'4.2s', '3m 05s', or '—'."""
    if seconds is None:
        return NONE
    if seconds < 60:
        return f"{seconds:.1f}s"
    minutes, secs = divmod(int(round(seconds)), 60)
    return f"{minutes}m {secs:02d}s"
