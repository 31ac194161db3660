"""The report's Why section and the diagnosis's events on its timeline."""
from __future__ import annotations

from diagnosis_support import make_run

from chaoskit.diagnosis import rundir
from reports.html import render
from reports.run import load_run


def test_the_why_section_reads_the_diagnosis(tmp_path):
    run = make_run(tmp_path)
    rundir.write(run)
    page = render(load_run(run))
    why = page[page.index('<section id="why">'):page.index('<section id="timeline">')]
    assert "stale master ack" in why
    assert "acknowledged by broker-a-1 in epoch 1 after broker-a-0 became master of epoch 2 at offset 5,477,495" in why
    assert "broker-a-1&#39;s log truncated from 7,682,278 to 5,477,495 at 00:18:40 UTC" in why  # escaped
    assert "<b>1</b> lost value no window explains." in why
    table = page[page.index("<h3>Role changes and log events</h3>"):]
    assert "diagnosis.truncation" in table and "broker-a-1: log truncated from 7,682,278 to 5,477,495: 2,204,783 bytes" in table
    assert "diagnosis.master elected" in table


def test_a_run_without_diagnosis_has_no_why_section(tmp_path):
    page = render(load_run(make_run(tmp_path, with_logs=False)))
    assert 'id="why"' not in page
