"""`chaoskit check`: exit codes 0/1/3 for verdicts, 2 and one line for anything that is not a ledger."""
from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from test_checker_support import Ledger

from chaoskit.cli import main


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["check", *args])
    return result.exit_code, result.stdout, result.stderr


def one_line_error(stderr: str, fragment: str) -> None:
    assert stderr.startswith("chaoskit: error: ")
    assert stderr.count("\n") == 1 and fragment in stderr


def test_valid_exits_0_with_a_summary(book: Ledger) -> None:
    book.sends("a", "b").receives("a", "b").fault("kill", 1.0, 2.0, "broker-a-0").conn.commit()
    code, out, _ = run(str(book.path.parent))
    assert code == 0
    assert "verdict: VALID" in out and "attempted 2, acknowledged 2" in out
    assert f"results: {book.path.parent / 'results.json'}" in out


def test_invalid_exits_1_and_shows_the_worst_anomalies(book: Ledger) -> None:
    book.fault("kill", 1_700_000_000.0, 1_700_000_010.0, "broker-a-0").sends("a", "b").receives("a", "ghost").conn.commit()
    code, out, _ = run(str(book.path))
    assert code == 1
    assert "verdict: INVALID" in out
    assert "unexpected (1)" in out and "ghost" in out and "lost (1)" in out and "kill broker-a-0" in out


def test_unknown_exits_3(book: Ledger) -> None:
    book.sends("a").meta(drain_complete="false").conn.commit()
    code, out, _ = run(str(book.path))
    assert code == 3
    assert "verdict: UNKNOWN" in out and "lost 1 (unseen: drain incomplete)" in out


def test_json_prints_results_json(book: Ledger) -> None:
    book.sends("a").receives("a").conn.commit()
    code, out, _ = run("--json", str(book.path))
    assert code == 0
    assert json.loads(out) == json.loads((book.path.parent / "results.json").read_text())


def test_help_ends_with_an_example() -> None:
    code, out, _ = run("--help")
    assert code == 0 and "Example: chaoskit check store/latest" in out


def test_unknown_option_exits_2_in_one_line() -> None:
    code, _, err = run("--bogus", "x")
    assert code == 2
    one_line_error(err, "--bogus")


def test_missing_argument_exits_2() -> None:
    code, _, err = run()
    assert code == 2
    one_line_error(err, "missing RUN")


@pytest.mark.parametrize("what", ["missing file", "empty directory"])
def test_missing_ledger_exits_2(tmp_path: Path, what: str) -> None:
    target = tmp_path / "nope.db" if what == "missing file" else tmp_path
    code, _, err = run(str(target))
    assert code == 2
    one_line_error(err, "no ledger at")


def test_random_bytes_exit_2(tmp_path: Path) -> None:
    (tmp_path / "ledger.db").write_bytes(os.urandom(8192))
    code, _, err = run(str(tmp_path))
    assert code == 2
    one_line_error(err, "is not a readable SQLite ledger")


def test_corrupt_pages_of_a_real_ledger_exit_2(book: Ledger) -> None:
    book.sends(*[f"v{i:05d}" for i in range(3000)]).receives(*[f"v{i:05d}" for i in range(3000)]).conn.commit()
    book.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    book.conn.close()
    data = bytearray(book.path.read_bytes())
    page = 4096
    data[page * 2:page * 6] = os.urandom(page * 4)  # keep the header and schema page, garble table pages
    book.path.write_bytes(bytes(data))
    code, _, err = run(str(book.path))
    assert code == 2
    one_line_error(err, str(book.path))


def test_foreign_sqlite_file_exits_2(tmp_path: Path) -> None:
    conn = sqlite3.connect(tmp_path / "ledger.db")
    conn.execute("CREATE TABLE songs(title TEXT, artist TEXT)")
    conn.commit()
    conn.close()
    code, _, err = run(str(tmp_path))
    assert code == 2
    one_line_error(err, "is not a chaoskit ledger: table 'sends' is missing")


def test_missing_column_exits_2(book: Ledger) -> None:
    book.conn.execute("ALTER TABLE receives DROP COLUMN message_id")
    book.conn.commit()
    code, _, err = run(str(book.path))
    assert code == 2
    one_line_error(err, "table 'receives' lacks column(s) message_id")


def test_bad_row_exits_2_without_results(tmp_path: Path) -> None:
    conn = sqlite3.connect(tmp_path / "ledger.db")
    conn.executescript(
        """
        CREATE TABLE sends(value, process, group_key, invoke_ts, complete_ts, outcome, message_id, error);
        CREATE TABLE receives(value, process, group_key, ts, message_id);
        CREATE TABLE faults(name, target, start_ts, end_ts);
        CREATE TABLE meta(key PRIMARY KEY, value);
        INSERT INTO sends VALUES ('a', 'p', NULL, 'yesterday', NULL, 'ok', NULL, NULL);
        """
    )
    conn.close()
    code, _, err = run(str(tmp_path))
    assert code == 2
    one_line_error(err, "invoke_ts is not a Unix time in seconds")
    assert not (tmp_path / "results.json").exists()


def test_unwritable_results_exit_2(book: Ledger, monkeypatch: pytest.MonkeyPatch) -> None:
    book.sends("a").receives("a").conn.commit()
    (book.path.parent / ".results.json.tmp").mkdir()  # the atomic write cannot create its temp file
    code, _, err = run(str(book.path))
    assert code == 2
    one_line_error(err, "cannot write results.json")


def test_installed_entry_point_exit_code(book: Ledger) -> None:
    book.sends("a").receives("a").meta(ledger_complete="false").conn.commit()
    done = subprocess.run(
        [sys.executable, "-c", "from chaoskit.cli import main; main()", "check", str(book.path)],
        capture_output=True, text=True, timeout=120,
    )
    assert done.returncode == 3, done.stderr
    assert "verdict: UNKNOWN" in done.stdout


def test_reference_gives_its_verdict_and_writes_nothing(book: Ledger) -> None:
    book.sends("a", "b").receives("a").conn.commit()
    code, out, _ = run(str(book.path.parent), "--reference")
    found = json.loads(out)
    assert (code, found["valid"], found["lost"], found["acknowledged_count"]) == (1, False, ["b"], 2)
    assert not (book.path.parent / "results.json").exists()


def test_reference_refuses_a_foreign_file_in_one_line(tmp_path: Path) -> None:
    (tmp_path / "ledger.db").write_text("not sqlite")
    code, _, err = run(str(tmp_path), "--reference")
    assert code == 2
    one_line_error(err, "not a readable SQLite ledger")
