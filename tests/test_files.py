"""chaoskit.files: a file rewritten while others read it is replaced whole."""
from __future__ import annotations

from pathlib import Path

from chaoskit.files import write_atomically


def test_text_and_bytes_replace_the_file_and_leave_no_temporary(tmp_path: Path) -> None:
    out = tmp_path / "matrix.json"
    out.write_text("old")
    write_atomically(out, "new ✓")
    assert out.read_text(encoding="utf-8") == "new ✓"
    write_atomically(out, b"\x00bytes")
    assert out.read_bytes() == b"\x00bytes"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["matrix.json"]


def test_the_rename_keeps_a_reader_s_open_file_whole(tmp_path: Path) -> None:
    out = tmp_path / "results.json"
    out.write_text("first version")
    with out.open() as reader:
        write_atomically(out, "second")
        assert reader.read() == "first version"  # a reader mid-file keeps the old inode
    assert out.read_text() == "second"
