"""Run reports: report.html, junit.xml and summary.md from a ledger and its results.

`render_all(run_dir)` writes all three; `chaoskit report RUN_DIR` calls it.
"""
from reports.render import render_all
from reports.run import ReportInputError

__all__ = ["ReportInputError", "render_all"]
