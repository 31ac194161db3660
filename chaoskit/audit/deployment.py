"""Auditing a deployment: paths in, findings out."""
from __future__ import annotations

from pathlib import Path

from chaoskit.audit import known_keys, rules
from chaoskit.audit.model import ConfigFile, Finding
from chaoskit.audit.read import BadInput, read_entries
from chaoskit.audit.roles import recognise
from chaoskit.audit.topology import Node

# In a folder, the files that may be RocketMQ configuration (others are skipped).
SUFFIXES = (".conf", ".properties", ".json", ".cfg")


def read_files(paths: list[Path]) -> list[ConfigFile]:
    """Every RocketMQ file named or in a named folder (recursively); BadInput for anything else.

    A file named explicitly must be a RocketMQ file; in a folder, files of other
    suffixes, or whose keys say nothing of RocketMQ, are skipped.
    """
    found: list[ConfigFile] = []
    for path in paths:
        if not path.exists():
            raise BadInput(f"no such file or folder: {path}")
        if path.is_dir():
            for candidate in sorted(p for p in path.rglob("*") if p.is_file() and p.suffix in SUFFIXES):
                found.extend(_read(candidate, required=False))
        else:
            found.extend(_read(path, required=True))
    if not found:
        raise BadInput(f"no RocketMQ configuration file in {', '.join(map(str, paths))}")
    return found


def _read(path: Path, required: bool) -> list[ConfigFile]:
    entries, fmt = read_entries(path)
    role = recognise(path, entries, fmt)
    if role is None:
        if required:
            raise BadInput(f"{path} is not a RocketMQ configuration file (no NameServer, controller, broker or proxy key)")
        return []
    return [ConfigFile(path, role, entries, fmt)]


def audit(files: list[ConfigFile], version: str) -> list[Finding]:
    """The findings of every rule on `files`, with the known keys of RocketMQ `version`."""
    known = known_keys.load(version)
    return rules.check([Node(f, known) for f in files])
