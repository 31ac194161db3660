"""End to end without Docker: a ledger, the real checker, then the report."""
from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from markupsafe import escape
from test_report_run import make_run

from chaoskit.checker import write_results
from reports import render_all

ICONS = {"PASS": "✅", "FAIL": "❌", "UNKNOWN": "⚠️"}
SAME_COUNTS = ("attempt_count", "acknowledged_count", "received_count", "ok_count", "lost_count", "unexpected_count",
               "recovered_count", "failed_delivered_count", "lost_in_store_count", "lost")


@pytest.mark.parametrize("kind, word", [("pass", "PASS"), ("fail", "FAIL"), ("unknown", "UNKNOWN")])
def test_ledger_checker_report(tmp_path: Path, kind: str, word: str) -> None:
    run = make_run(tmp_path, kind)
    hand_built = json.loads((run / "results.json").read_text())
    results, _ = write_results(run)  # replaces the hand-built results.json
    # The other report tests' hand-built results agree with the real checker.
    assert {k: results[k] for k in SAME_COUNTS} == {k: hand_built[k] for k in SAME_COUNTS}

    paths = render_all(run)

    html = paths["html"].read_text()
    assert f'<span class="word">{word}</span>' in html
    assert str(escape(results["reason"])) in html
    assert "<svg" in html and "F1 kill broker-a-0 (master)" in html
    if results["lost_count"]:
        assert f"Lost: {results['lost_count']:,}" in html
        assert results["lost"][0] in html  # from the checker's examples
    verdict_case = ET.parse(paths["junit"]).getroot().find("testsuite/testcase[@name='verdict']")
    assert (len(verdict_case) == 0) == (word == "PASS")
    assert paths["summary"].read_text().startswith(f"## {ICONS[word]} {word}")
