"""Node log excerpts around each fault, from a run's `logs/<node>.log` files.

A line's time is the first `2026-11-29 23:59:01,123`-style stamp near its
start, in the zone meta `log_utc_offset_hours` names (RocketMQ 5.1+ logs in
GMT+8; UTC when the key is absent); lines without one (stack traces) belong
to the line above. Logs that carry no stamps at all get their tail.
Each file is read once, line by line, whatever its size.
"""
from __future__ import annotations

import re
from collections import deque
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from reports.run import Fault

BEFORE_S, AFTER_S = 3.0, 5.0  # a window is [edge - BEFORE_S, edge + AFTER_S]
MAX_LINES = 40  # per window and node
TAIL_LINES = 25
MAX_LINE_CHARS = 400

_STAMP = re.compile(r"(\d{4}-\d{2}-\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:[.,](\d{1,6}))?")
_STAMP_SEARCH_CHARS = 48  # a stamp further into the line is message text, not the line's time


@dataclass(frozen=True)
class Window:
    """Seconds around one edge (or both edges) of a fault."""

    fault: int  # index into the run's faults
    edge: str  # "start", "end", or "start and end"
    since: float
    until: float


@dataclass
class Excerpt:
    """Lines of one node's log within one window (or its tail when `window` is None)."""

    node: str
    link: str  # path relative to the run directory, for an <a href>
    window: Window | None
    lines: list[str] = field(default_factory=list)
    omitted: int = 0


def utc_offset_hours(meta: Mapping[str, str]) -> float:
    """The logs' zone from meta `log_utc_offset_hours` (0 when absent or not a number)."""
    try:
        return float(meta.get("log_utc_offset_hours") or 0)
    except ValueError:
        return 0.0


def line_time(line: str, offset_hours: float = 0.0) -> float | None:
    """Epoch seconds of a log line's leading timestamp (written at UTC+offset_hours), or None."""
    match = _STAMP.search(line, 0, _STAMP_SEARCH_CHARS)
    if not match:
        return None
    date, hh, mm, ss, frac = match.groups()
    try:
        stamp = datetime.strptime(f"{date} {hh}:{mm}:{ss}", "%Y-%m-%d %H:%M:%S").replace(tzinfo=UTC)
    except ValueError:
        return None
    return stamp.timestamp() - offset_hours * 3600 + (float(f"0.{frac}") if frac else 0.0)


def windows(faults: Sequence[Fault]) -> list[Window]:
    """A window around each fault's start and end; one window when they are close."""
    out = []
    for i, fault in enumerate(faults):
        start, end = fault.start_ts, fault.end_ts
        if end is None:
            out.append(Window(i, "start", start - BEFORE_S, start + AFTER_S))
        elif end - start <= BEFORE_S + AFTER_S:
            out.append(Window(i, "start and end", start - BEFORE_S, end + AFTER_S))
        else:
            out.append(Window(i, "start", start - BEFORE_S, start + AFTER_S))
            out.append(Window(i, "end", end - BEFORE_S, end + AFTER_S))
    return out


def collect(log_files: Iterable[Path], run_dir: Path, faults: Sequence[Fault], offset_hours: float = 0.0) -> list[Excerpt]:
    """Excerpts of every log: per window for stamped logs, the tail for the others."""
    wins = windows(faults)
    out: list[Excerpt] = []
    for path in log_files:
        out.extend(_excerpts_of(path, path.relative_to(run_dir).as_posix(), wins, offset_hours))
    return out


def _excerpts_of(path: Path, link: str, wins: Sequence[Window], offset_hours: float) -> list[Excerpt]:
    node = path.stem
    found = [Excerpt(node, link, w) for w in wins]
    tail: deque[str] = deque(maxlen=TAIL_LINES)
    stamped = False
    current: float | None = None
    with path.open(encoding="utf-8", errors="replace") as f:
        for raw in f:
            line = raw.rstrip("\n")
            if len(line) > MAX_LINE_CHARS:
                line = line[:MAX_LINE_CHARS] + " …"
            tail.append(line)
            ts = line_time(line, offset_hours)
            if ts is not None:
                stamped, current = True, ts
            if current is None:
                continue
            for excerpt in found:
                w = excerpt.window
                if w.since <= current <= w.until:
                    if len(excerpt.lines) < MAX_LINES:
                        excerpt.lines.append(line)
                    else:
                        excerpt.omitted += 1
    if not stamped:
        return [Excerpt(node, link, None, list(tail))]
    return [e for e in found if e.lines]
