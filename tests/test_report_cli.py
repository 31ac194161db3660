"""`chaoskit report RUN_DIR`: writes the three files, or one line and exit 2.

The command is invoked as registered in `chaoskit` in one test; the others
call it directly, so they do not depend on every other command importing.
"""
from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from test_report_run import make_run

from chaoskit.commands.report import command


def test_chaoskit_report_is_registered(tmp_path: Path) -> None:
    from chaoskit.cli import main

    run = make_run(tmp_path, "pass", logs=False)
    result = CliRunner().invoke(main, ["report", str(run)])
    assert result.exit_code == 0, result.output
    assert (run / "report.html").exists()


def test_report_command_writes_and_lists_the_files(tmp_path: Path) -> None:
    run = make_run(tmp_path, "fail", logs=False)
    result = CliRunner().invoke(command, [str(run)])
    assert result.exit_code == 0, result.output
    assert result.output.split() == [str(run / n) for n in ("report.html", "junit.xml", "summary.md")]
    assert all((run / n).stat().st_size > 0 for n in ("report.html", "junit.xml", "summary.md"))


@pytest.mark.parametrize("remove, message", [
    (None, "no run directory at"),
    ("ledger.db", "no ledger at"),
    ("results.json", "no results.json at"),
])
def test_missing_inputs_are_one_line_and_exit_2(tmp_path: Path, remove: str | None, message: str) -> None:
    run = make_run(tmp_path, "pass", logs=False)
    if remove is None:
        run = tmp_path / "absent"
    else:
        (run / remove).unlink()
    result = CliRunner().invoke(command, [str(run)])
    assert result.exit_code == 2
    assert result.output.count("\n") == 1 and result.output.startswith("chaoskit: error: " + message)


def test_a_foreign_file_is_refused_cleanly(tmp_path: Path) -> None:
    run = make_run(tmp_path, "pass", logs=False)
    (run / "results.json").write_text("[1, 2]")
    result = CliRunner().invoke(command, [str(run)])
    assert result.exit_code == 2 and "does not hold a JSON object" in result.output


def test_help_ends_with_an_example() -> None:
    result = CliRunner().invoke(command, ["--help"])
    assert result.exit_code == 0 and "Example: chaoskit report store/latest" in result.output
