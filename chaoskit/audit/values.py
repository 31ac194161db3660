"""What RocketMQ makes of a value as written: MixAll.properties2Object's parsing (5.5.0).

java.util.Properties keeps a value's trailing spaces; properties2Object then
trims String values only. A boolean is Boolean.parseBoolean (true only for
exactly "true", any case: "true  " is false); an int or long is
Integer/Long.parseLong, which rejects spaces: the exception is swallowed and
the default stays. Double.parseDouble trims.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from chaoskit.audit.known_keys import APPLIED_TYPES

_WHOLE = re.compile(r"^[+-]?[0-9]+$")
_LIMITS = {"int": 2**31, "Integer": 2**31, "long": 2**63, "Long": 2**63}


@dataclass(frozen=True)
class Applied:
    value: str | None      # what the setter receives, as text; None: the setter never runs
    problem: str | None    # why that differs from what the file says, if it does


def java_trim(value: str) -> str:
    """String.trim(): strips every character up to U+0020 at both ends."""
    return value.strip("".join(chr(c) for c in range(0x21)))


def apply(value: str, types: frozenset[str]) -> Applied:
    """The value the setter receives for `value`, given the setters' parameter types."""
    usable = types & APPLIED_TYPES
    if not usable:
        return Applied(None, f"RocketMQ cannot set a {'/'.join(sorted(types))} from a file: the key is ignored")
    if usable & {"String"}:
        return Applied(java_trim(value), None)
    if usable & {"boolean", "Boolean"}:
        read = "true" if value.lower() == "true" else "false"
        meant = java_trim(value).lower()
        if meant != read:
            said = f"'{value}'" + (" (trailing spaces)" if meant in ("true", "false") else "")
            return Applied(read, f"{said} reads as {read}: Boolean.parseBoolean takes only the exact word true")
        return Applied(read, None)
    kind = next(t for t in ("int", "Integer", "long", "Long", "double", "Double", "float", "Float") if t in usable)
    if kind in _LIMITS:
        if _WHOLE.match(value) and -_LIMITS[kind] <= int(value) < _LIMITS[kind]:
            return Applied(str(int(value)), None)
        trimmed = java_trim(value)
        why = ("trailing spaces" if trimmed != value and _WHOLE.match(trimmed)
               else f"out of {kind} range" if _WHOLE.match(value) else "not a whole number")
        return Applied(None, f"'{value}' ({why}) fails {kind} parsing, which RocketMQ swallows: the default stays")
    try:
        return Applied(repr(float(java_trim(value))), None)
    except ValueError:
        return Applied(None, f"'{value}' is not a number: RocketMQ ignores it and the default stays")
