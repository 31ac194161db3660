"""One RocketMQ log line -> its time (epoch seconds, UTC) and message.

Two layouts reach a run directory (docs/diagnosis.md, "Log formats"):

- 5.1 and later, the logback files inside RocketMQ's jars:
  `%d{yyy-MM-dd HH:mm:ss,GMT+8} %p %t - %m`: whole seconds, in GMT+8.
- 5.0.x, chaoskit's own `docker/conf/logback_<role>.xml`:
  `%d{yyyy-MM-dd HH:mm:ss,SSS} %-5level [%thread] %logger{32} - %msg`, which
  logback reads as the date `yyyy-MM-dd HH:mm:ss` in the zone "SSS" (unknown,
  so GMT): whole seconds, UTC. Milliseconds (`,SSS`), should the pattern be
  quoted, are read too.

The zone is the run's meta `log_utc_offset_hours`, not guessed from the layout.
"""
from __future__ import annotations

import calendar
import re
import time
from dataclasses import dataclass

_LINE = re.compile(
    r"^(?P<date>\d{4}-\d\d-\d\d \d\d:\d\d:\d\d)(?:,(?P<ms>\d{3}))? +(?P<level>[A-Z]+) +"
    r"(?:\[[^\]]*\] +\S+|.*?) - (?P<msg>.*)$"
)


@dataclass(frozen=True)
class LogLine:
    ts: float            # epoch seconds, UTC
    level: str
    message: str
    whole_seconds: bool  # the layout drops milliseconds: ts is only good to a second


def split(line: str, utc_offset_hours: float) -> LogLine | None:
    """The line's time, level and message; None for a line that starts no log record
    (a stack trace's continuation, a banner, a torn write)."""
    m = _LINE.match(line.rstrip("\r\n"))
    if m is None:
        return None
    try:
        local = calendar.timegm(time.strptime(m["date"], "%Y-%m-%d %H:%M:%S"))
    except ValueError:
        return None
    ms = m["ms"]
    return LogLine(local - utc_offset_hours * 3600 + (int(ms) / 1000 if ms else 0.0), m["level"], m["msg"], ms is None)
