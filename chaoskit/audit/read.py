"""Reading configuration files as RocketMQ does, keeping line numbers.

NamesrvStartup, BrokerStartup and ControllerStartup (5.5.0) read `-c FILE`
with java.util.Properties.load(InputStream): ISO-8859-1, `key=value`,
`key = value`, `key:value` or `key value`, `#`/`!` comments, backslash
continuations, and the value's trailing spaces KEPT (MixAll.properties2Object
trims only String values). javaproperties implements exactly that grammar.
RocketMQ's own distribution/conf/controller/cluster-3n-namesrv-plugin/*.conf
begin with an XML-style licence comment, which Properties would read as junk
keys that no setter takes: it is skipped here. The proxy reads JSON
(ProxyStartup -pc, fastjson into ProxyConfig).
"""
from __future__ import annotations

import io
import json
from pathlib import Path

import javaproperties

from chaoskit.audit.model import Entry


class BadInput(ValueError):
    """A file that cannot be audited (unreadable, binary, not properties or JSON)."""


def read_entries(path: Path) -> tuple[tuple[Entry, ...], str]:
    """The file's entries in order and its format ("properties" or "json")."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise BadInput(f"cannot read {path}: {exc.strerror or exc}") from None
    if b"\0" in data:
        raise BadInput(f"{path} is a binary file, not a RocketMQ configuration file")
    text = data.decode("latin-1")  # what Properties.load(InputStream) decodes
    if path.suffix == ".json" or text.lstrip().startswith("{"):
        return _json_entries(path, text), "json"
    return _properties_entries(_blank_xml_header(text)), "properties"


def _blank_xml_header(text: str) -> str:
    """Blank a leading `<!-- ... -->` block, keeping its lines so line numbers stay right."""
    if not text.lstrip().startswith("<!--"):
        return text
    end = text.find("-->")
    if end < 0:
        return text
    header = text[:end + 3]
    return "\n" * header.count("\n") + text[end + 3:]


def _properties_entries(text: str) -> tuple[Entry, ...]:
    entries, line = [], 1
    for element in javaproperties.parse(io.StringIO(text)):
        if isinstance(element, javaproperties.KeyValue):
            entries.append(Entry(element.key, element.value, line))
        line += element.source.count("\n")
    return tuple(entries)


def _json_entries(path: Path, text: str) -> tuple[Entry, ...]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise BadInput(f"{path}: not valid JSON: {exc}") from None
    if not isinstance(data, dict):
        raise BadInput(f"{path}: a proxy configuration is a JSON object")
    lines = text.splitlines()

    def line_of(key: str) -> int:
        return next((i + 1 for i, t in enumerate(lines) if f'"{key}"' in t), 1)

    return tuple(Entry(k, _json_value(v), line_of(k)) for k, v in data.items())


def _json_value(value: object) -> str:
    if isinstance(value, bool):
        return str(value).lower()
    return value if isinstance(value, str) else json.dumps(value)
