"""Writing files that other processes read while they change."""
from __future__ import annotations

import os
from pathlib import Path


def write_atomically(path: Path, data: str | bytes) -> None:
    """Replace `path` in one step (a temporary file beside it, then a rename): a reader never
    sees half a file, even while a matrix or a run rewrites it."""
    tmp = path.with_name(f".{path.name}.tmp")
    if isinstance(data, str):
        tmp.write_text(data, encoding="utf-8")
    else:
        tmp.write_bytes(data)
    os.replace(tmp, path)
