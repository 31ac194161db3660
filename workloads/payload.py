"""The payload of one workload message: its value, the run it belongs to, padding.

A value is `<producer>-<seq>` (e.g. `p0-000042`), unique within a run. The
topics outlive runs, so the body also carries the run id (and the run id is
the message tag): consumers and the final read keep only their own run's
messages. Body layout: `<value> <run_id> ` followed by `.` up to the size.
"""
from __future__ import annotations

import re
import secrets
import time
from typing import NamedTuple

_VALUE_RE = re.compile(r"^p(\d+)-(\d+)$")


class Payload(NamedTuple):
    value: str
    run_id: str


def new_run_id() -> str:
    """A run id usable as a message tag: sortable by time, unique by chance."""
    return time.strftime("%Y%m%dT%H%M%S") + "-" + secrets.token_hex(3)


def value_of(producer: int, seq: int) -> str:
    return f"p{producer}-{seq:06d}"


def parse_value(value: str) -> tuple[int, int] | None:
    """(producer, seq) of a value, or None if it is not one of ours."""
    m = _VALUE_RE.match(value)
    return (int(m.group(1)), int(m.group(2))) if m else None


def encode(value: str, run_id: str, size: int) -> bytes:
    """The body: value and run id, padded to `size` bytes (never cut shorter)."""
    head = f"{value} {run_id} ".encode()
    return head + b"." * max(0, size - len(head))


def decode(body: bytes | str) -> Payload | None:
    """Value and run id of a body, or None for a body that is not a workload payload."""
    text = body.decode(errors="replace") if isinstance(body, bytes) else body
    parts = text.split(" ", 2)
    if len(parts) < 3 or parse_value(parts[0]) is None:
        return None
    return Payload(parts[0], parts[1])
