"""Write a run's report files: report.html, junit.xml and summary.md."""
from __future__ import annotations

from pathlib import Path

from chaoskit.files import write_atomically
from reports import config_audit
from reports.html import render
from reports.junit import junit_xml
from reports.run import load_run
from reports.summary import summary_md

HTML, JUNIT, SUMMARY = "report.html", "junit.xml", "summary.md"


def render_all(run_dir: Path) -> dict[str, Path]:
    """Render every report of `run_dir` (which holds ledger.db and results.json).

    Returns {"html": ..., "junit": ..., "summary": ...} paths. Raises
    reports.run.ReportInputError when the ledger or results are missing.
    """
    run = load_run(run_dir)
    outputs = {
        "html": (run_dir / HTML, render(run).encode("utf-8")),
        "junit": (run_dir / JUNIT, junit_xml(run.results, run.meta, run.name)),
        "summary": (run_dir / SUMMARY, summary_md(run.results, run.meta, run.name, config_audit.load(run_dir)).encode("utf-8")),
    }
    for path, data in outputs.values():
        write_atomically(path, data)
    return {key: path for key, (path, _) in outputs.items()}
