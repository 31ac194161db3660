"""`chaoskit matrix`: cell scheduling, verdict aggregation, exit codes and its files, with a fake
run_once (no Docker); bad input starts nothing."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from chaoskit.cli import main
from chaoskit.matrix import cells as cells_mod
from chaoskit.matrix import live, render
from chaoskit.matrix.cells import Cell, RunRecord
from chaoskit.scenario import Overrides


def results(valid, lost=0, acked=100, gaps=(), outside=None, reason="") -> dict:
    """A results.json as the checker writes it (the keys the matrix reads, and one it must ignore)."""
    return {"valid": valid, "reason": reason or f"verdict {valid}", "acknowledged_count": acked, "lost_count": lost,
            "lost_in_store_count": 0 if valid is not None else None, "ok_count": acked - lost,
            "availability": {"faults": [{"kind": "kill", "max_s": g} for g in gaps],
                             "outside_faults": {"total_s": 0.0, "max_s": outside}}}


class FakeRuns:
    """run_once that answers from a script: (scenario, version) -> results of its 1st, 2nd... run."""

    def __init__(self, script: dict[tuple[str, str], list], root: Path) -> None:
        self.script, self.root, self.calls = script, root, []

    def __call__(self, scenario: str, version: str, overrides: Overrides):
        self.calls.append((scenario, version, overrides))
        n = sum(c[:2] == (scenario, version) for c in self.calls)
        answer = self.script[scenario, version][n - 1]
        if isinstance(answer, Exception):
            raise answer
        run_dir = self.root / scenario / f"{version}-{n}"
        run_dir.mkdir(parents=True)
        return answer, run_dir


def rec(valid) -> RunRecord:
    return RunRecord(valid=valid, run_dir="/x", reason="")


def test_a_run_record_reads_results_json(tmp_path):
    r = RunRecord.from_results(results(False, lost=7, acked=900, gaps=(3.5, 12.25), outside=4.0), tmp_path)
    assert r == RunRecord(valid=False, run_dir=str(tmp_path), reason="verdict False", acknowledged_count=900,
                          lost_count=7, lost_in_store_count=0, longest_unavailability_s=12.25)
    assert r.verdict == "fail"
    odd = RunRecord.from_results({"valid": None}, tmp_path)  # a results.json without a verdict
    assert (odd.verdict, odd.longest_unavailability_s, odd.lost_count) == ("unknown", None, None)


@pytest.mark.parametrize("valids, verdict", [
    ([True, True], "pass"),
    ([True, False], "fail"),
    (["unknown", False], "fail"),       # one failing run decides: loss is timing-dependent
    ([True, "unknown"], "unknown"),
    (["unknown", "unknown"], "unknown"),
    ([], "unknown"),                    # not run (an interrupted matrix)
])
def test_a_cell_fails_on_any_failure_and_passes_only_when_every_run_passed(valids, verdict):
    assert Cell("s", "5.5.0", "remoting", "pass", [rec(v) for v in valids]).verdict == verdict


@pytest.mark.parametrize("expected, valids, expectation", [
    ("pass", [True, True], "met"),
    ("pass", [True, False], "not met"),
    ("fail", [True, False], "met"),
    ("fail", [True, True], "not met"),
    ("fail", [True, "unknown"], "unknown"),
    (None, [False], "met"),             # a scenario that expects nothing: any definite verdict will do
    (None, ["unknown"], "unknown"),
])
def test_expectation(expected, valids, expectation):
    assert Cell("s", "5.5.0", "remoting", expected, [rec(v) for v in valids]).expectation == expectation


@pytest.mark.parametrize("expectations, code", [
    (["met", "met"], 0),
    (["met", "not met"], 1),
    (["unknown", "met"], 3),
    (["unknown", "not met"], 1),        # a missed expectation outranks a missing verdict
])
def test_exit_code(expectations, code):
    valid = {"met": True, "not met": False, "unknown": "unknown"}
    cells = [Cell("s", "5.5.0", "remoting", "pass", [rec(valid[e])]) for e in expectations]
    assert cells_mod.exit_code(cells) == code


def test_cells_run_release_by_release_each_n_times_in_order(tmp_path):
    cells = cells_mod.plan({"no-loss": ("pass", "remoting"), "lossy-ack": ("fail", "proxy")}, ["5.0.0", "5.5.0"])
    assert [(c.scenario, c.version, c.access, c.expected) for c in cells] == [
        ("no-loss", "5.0.0", "remoting", "pass"), ("lossy-ack", "5.0.0", "proxy", "fail"),
        ("no-loss", "5.5.0", "remoting", "pass"), ("lossy-ack", "5.5.0", "proxy", "fail")]
    fake = FakeRuns({("no-loss", "5.0.0"): [results(True), results(True)],
                     ("lossy-ack", "5.0.0"): [results(False, lost=3), RuntimeError("docker went away")],
                     ("no-loss", "5.5.0"): [results(True), results(False, lost=1)],
                     ("lossy-ack", "5.5.0"): [results(True), results(True)]}, tmp_path)
    shared = Overrides(duration=60)
    events = []
    cells_mod.run_all(cells, 2, fake, shared, on_start=lambda c, i: events.append(("start", c.scenario, c.version, i)),
                      on_done=lambda c, r: events.append(("done", c.scenario, c.version, r.verdict)))
    assert [c[:2] for c in fake.calls] == [("no-loss", "5.0.0")] * 2 + [("lossy-ack", "5.0.0")] * 2 + \
        [("no-loss", "5.5.0")] * 2 + [("lossy-ack", "5.5.0")] * 2
    assert all(c[2] is shared for c in fake.calls)
    assert events[:4] == [("start", "no-loss", "5.0.0", 0), ("done", "no-loss", "5.0.0", "pass"),
                          ("start", "no-loss", "5.0.0", 1), ("done", "no-loss", "5.0.0", "pass")]
    assert [(c.verdict, c.expectation) for c in cells] == [("pass", "met"), ("fail", "met"), ("fail", "not met"),
                                                           ("pass", "not met")]
    crashed = cells[1].runs[1]
    assert (crashed.verdict, crashed.run_dir, crashed.reason) == ("unknown", None, "harness error: docker went away")
    assert cells_mod.exit_code(cells) == 1


def test_an_interrupted_run_stops_the_matrix_keeping_what_ran(tmp_path):
    interrupted = {**results("unknown"), "meta": {"failure": "interrupted"}}
    fake = FakeRuns({("no-loss", "5.0.0"): [results(True), interrupted]}, tmp_path)
    cells = cells_mod.plan({"no-loss": ("pass", "remoting")}, ["5.0.0", "5.5.0"])
    with pytest.raises(KeyboardInterrupt):
        cells_mod.run_all(cells, 2, fake, Overrides())
    assert [len(c.runs) for c in cells] == [2, 0] and cells[0].runs[1].interrupted
    assert cells_mod.exit_code(cells) == 3


def _two_cells(tmp_path: Path) -> list[Cell]:
    a = Cell("no-loss", "5.3.3", "remoting", "pass", [
        RunRecord.from_results(results(True, gaps=(4.0,)), tmp_path / "no-loss" / "r1"),
        RunRecord.from_results({**results("unknown", gaps=(), outside=360.0, reason="the cluster did not recover"),
                                "diagnosis": {"no_recovery": {"explanation": "the controller refused <broker-a-1>"}}},
                               tmp_path / "no-loss" / "r2")])
    b = Cell("lossy-ack", "5.3.3", "proxy", "fail", [
        RunRecord.from_results(results(False, lost=1585, gaps=(3.4,)), tmp_path / "lossy-ack" / "r1"),
        RunRecord.crashed(RuntimeError("<script>x</script>"))])
    return [a, b]


SETTINGS = {"started": "2026-12-07T02:00:00+0000", "runs_per_cell": 2, "duration": 60.0, "access": None,
            "versions": ["5.3.3"], "scenarios": ["no-loss", "lossy-ack"]}


def test_summary_md_is_the_release_by_scenario_table(tmp_path):
    assert render.summary_md(_two_cells(tmp_path), SETTINGS) == "\n".join([
        "## chaoskit matrix · exit 3",
        "",
        "2 run(s) per cell, each on a fresh cluster, 60 s each.",
        "",
        "| release | no-loss (remoting) | lossy-ack (proxy) |",
        "| --- | --- | --- |",
        "| 5.3.3 | ⚠️ unknown (1 pass, 1 unknown) · unavailable ≤ 360.0 s "
        "| ❌ fail (1 fail, 1 unknown) · lost 1,585 · unavailable ≤ 3.4 s |",
        "",
        "| scenario | expects | cells met |",
        "| --- | --- | --- |",
        "| no-loss | pass | 0 of 1 (5.3.3 no verdict) |",
        "| lossy-ack | fail | 1 of 1 |",
        "",
        "Runs without a verdict:",
        "",
        "- 5.3.3 no-loss run 2: the cluster did not recover. the controller refused \\<broker-a-1\\>",
        "- 5.3.3 lossy-ack run 2: harness error: \\<script\\>x\\</script\\>",
        "",
        "Every run's directory and report: `matrix.html` and `matrix.json` beside this file.",
        ""])


def test_matrix_json_holds_every_run(tmp_path):
    data = json.loads(render.matrix_json(_two_cells(tmp_path), SETTINGS))
    assert data["exit_code"] == 3 and data["runs_per_cell"] == 2
    lossy = data["cells"][1]
    assert {k: lossy[k] for k in ("scenario", "version", "access", "expected", "verdict", "expectation")} == {
        "scenario": "lossy-ack", "version": "5.3.3", "access": "proxy", "expected": "fail", "verdict": "fail",
        "expectation": "met"}
    assert lossy["runs"][0] == {"verdict": "fail", "valid": False, "run_dir": str(tmp_path / "lossy-ack" / "r1"),
                                "reason": "verdict False", "acknowledged_count": 100, "lost_count": 1585,
                                "lost_in_store_count": 0, "longest_unavailability_s": 3.4, "interrupted": False,
                                "explanation": None, "reused": False}
    assert lossy["runs"][1]["run_dir"] is None and lossy["runs"][1]["valid"] == "unknown"


def test_matrix_html_links_each_report_and_escapes_text(tmp_path):
    out = tmp_path / "matrix" / "t1"
    html = render.matrix_html(_two_cells(tmp_path), SETTINGS, out)
    assert 'href="../../no-loss/r1/report.html"' in html and 'href="../../lossy-ack/r1/report.html"' in html
    assert "<script>" not in html and "&lt;script&gt;x&lt;/script&gt;" in html
    assert "lost 1,585" in html and "Content-Security-Policy" in html
    assert "no-loss run 2: the cluster did not recover. the controller refused &lt;broker-a-1&gt;</li>" in html


def invoke(args: list[str], monkeypatch, tmp_path, fake=None):
    monkeypatch.setenv("CHAOSKIT_STORE", str(tmp_path / "store"))
    made = []

    def make(status):
        made.append(status)
        return fake
    monkeypatch.setattr(live, "make_run_once", make)
    return CliRunner().invoke(main, ["matrix", *args]), made


@pytest.mark.parametrize("args, message", [
    (["no-loss", "--versions", "5.1.4"], "unknown RocketMQ version '5.1.4'"),
    (["no-loss", "--versions", "5.5"], "unknown RocketMQ version '5.5'"),
    (["no-loss", "nope", "--versions", "5.5.0"], "unknown scenario 'nope'"),
    (["no-loss", "--versions", "5.5.0", "--runs", "0"], "--runs must be at least 1, not 0"),
    (["no-loss", "--versions", "5.5.0", "--duration", "0"], "duration must be a number >= 1"),
    (["no-loss", "--versions", "5.5.0", "--access", "carrier-pigeon"], "unknown access mode 'carrier-pigeon'"),
])
def test_bad_input_is_one_line_exit_2_and_starts_nothing(args, message, monkeypatch, tmp_path):
    res, made = invoke(args, monkeypatch, tmp_path)
    assert res.exit_code == 2, res.output
    assert res.output.strip().splitlines() == [res.output.strip()] and message in res.output
    assert made == [] and not (tmp_path / "store").exists()


@pytest.mark.parametrize("lossy_second, code", [(False, 0), (True, 0), ("unknown", 0)])
def test_the_command_writes_its_files_and_exits_by_expectation(lossy_second, code, monkeypatch, tmp_path):
    fake = FakeRuns({("no-loss", "5.5.0"): [results(True), results(True)],
                     ("lossy-ack", "5.5.0"): [results(False, lost=9), results(lossy_second)]}, tmp_path / "runs")
    res, _ = invoke(["no-loss", "lossy-ack", "--versions", "5.5.0", "--runs", "2", "--duration", "90",
                     "--access", "proxy"], monkeypatch, tmp_path, fake)
    assert res.exit_code == code, res.output
    assert [(c[2].duration, c[2].access) for c in fake.calls] == [(90.0, "proxy")] * 4
    (out,) = (tmp_path / "store" / "matrix").iterdir()
    data = json.loads((out / "matrix.json").read_text())
    assert [len(c["runs"]) for c in data["cells"]] == [2, 2] and data["exit_code"] == code
    assert (out / "summary.md").read_text().startswith(f"## chaoskit matrix · exit {code}")
    assert not (tmp_path / "store" / "latest").exists()  # `latest` stays a run's


@pytest.mark.parametrize("no_loss, code", [([True, False], 1), ([True, "unknown"], 3)])
def test_the_command_exits_1_on_a_missed_expectation_and_3_without_a_verdict(no_loss, code, monkeypatch, tmp_path):
    fake = FakeRuns({("no-loss", "5.5.0"): [results(v) for v in no_loss]}, tmp_path / "runs")
    res, _ = invoke(["no-loss", "--versions", "5.5.0", "--runs", "2"], monkeypatch, tmp_path, fake)
    assert res.exit_code == code, res.output


def test_the_display_prints_each_step_when_not_on_a_terminal():
    import io

    from rich.console import Console

    out = io.StringIO()
    with live.Display(2, Console(file=out, force_terminal=False)) as display:
        display.started("no-loss on 5.5.0, run 1/2")
        display.step("fresh cluster: removing any running one")
        display.finished("no-loss on 5.5.0", RunRecord(True, "/store/no-loss/1", "every value received"))
    lines = out.getvalue().splitlines()
    assert "fresh cluster: removing any running one" in lines
    assert "no-loss on 5.5.0: PASS /store/no-loss/1 every value received" in lines
