"""`chaoskit audit`: exit codes 0/1/2, --json, one-line errors."""
from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from chaoskit.cli import main

DATA = Path(__file__).parent / "data" / "audit"


def run(*args: str):
    return CliRunner().invoke(main, ["audit", *args])


def test_seed_set_fails_with_json_findings() -> None:
    res = run(str(DATA / "seed"), "--json")
    assert res.exit_code == 1
    found = json.loads(res.stdout)["findings"]
    assert set(found[0]) == {"severity", "file", "line", "key", "message", "fix"}
    assert sum(f["severity"] == "error" for f in found) == 11
    assert {"file": str(DATA / "seed" / "broker-n1.conf"), "line": 13, "key": "storePathRootDir", "severity": "error"}.items() \
        <= next(f for f in found if f["key"] == "storePathRootDir").items()


def test_corrected_set_passes_with_a_table() -> None:
    res = run(*(str(p) for p in sorted((DATA / "corrected").iterdir())))
    assert res.exit_code == 0
    assert res.stdout.count("│ info ") == 4 and "error" not in res.stdout


def test_bad_input_is_one_line_and_exit_2(tmp_path: Path) -> None:
    (tmp_path / "b.conf").write_bytes(b"\x00\x01")
    for args, message in ((["nope"], "no such file or folder: nope"),
                          ([str(tmp_path / "b.conf")], "is a binary file"),
                          ([str(DATA / "seed"), "--rocketmq-version", "4.9"], "unknown RocketMQ version '4.9'")):
        res = run(*args)
        assert res.exit_code == 2
        assert res.stderr.startswith("chaoskit: error: ") and res.stderr.count("\n") == 1 and message in res.stderr


def test_a_corrupt_known_keys_cache_is_one_line_and_exit_2(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("CHAOSKIT_CACHE", str(tmp_path))
    (tmp_path / "audit").mkdir()
    (tmp_path / "audit" / "known-keys-5.5.0.json").write_text('{"org.apache')   # a write cut short
    res = run(str(DATA / "corrected"))
    assert res.exit_code == 2
    assert res.stderr.count("\n") == 1 and res.stderr.startswith(
        f"chaoskit: error: the cached known keys {tmp_path}/audit/known-keys-5.5.0.json cannot be read ("), res.stderr
