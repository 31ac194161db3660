"""`chaoskit bisect --reuse DIR`: recorded runs (a matrix's, a run directory's) of the same scenario,
release and settings count as the bisect's runs before any fresh one; others are left out with a
note; bad DIRs are one line, exit 2, nothing started. Fake run and matrix directories, no Docker."""
from __future__ import annotations

import dataclasses
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from test_matrix import FakeRuns, results

from chaoskit import scenario as scenario_mod
from chaoskit.cli import main
from chaoskit.matrix import bisect as b
from chaoskit.matrix import live, render, reuse
from chaoskit.matrix.cells import Cell, RunRecord
from chaoskit.run_meta import scenario_meta
from chaoskit.scenario import Overrides
from reports.summary import escape

SHARED = live.overrides(None, None)   # the bisect's default: the scenario's own duration and access
RUNNABLE = ("5.1.0", "5.1.1", "5.2.0", "5.3.3", "5.4.0", "5.5.0")  # 5.0.0 -> 5.5.0 without the trusted good end
P, F, U = results(True), results(False, lost=5), results("unknown")


def meta(of: str, version: str, shared: Overrides = SHARED, **changes: str) -> dict[str, str]:
    """The ledger meta a run of scenario `of` on `version` with `shared` records (as the ledger stores it: text)."""
    sc = scenario_mod.load(of, dataclasses.replace(shared, rocketmq_version=version))
    return {**{k: str(v) for k, v in scenario_meta(sc).items()}, **changes}


def recorded_run(root: Path, name: str, version: str, answer: dict, of: str = "stale-master",
                 shared: Overrides = SHARED, **changes: str) -> Path:
    """A finished run directory of scenario `of`: results.json with the checker's keys and the run's meta."""
    run_dir = root / of / name
    run_dir.mkdir(parents=True)
    (run_dir / "results.json").write_text(json.dumps({**answer, "meta": meta(of, version, shared, **changes)}))
    return run_dir


def matrix_dir(root: Path, cells: dict[tuple[str, str], list]) -> Path:
    """store/matrix/<time>/ as `chaoskit matrix` writes it (render.write), its runs under root/<scenario>/."""
    made = []
    for (scenario, version), answers in cells.items():
        records = [RunRecord.crashed(RuntimeError("docker went away")) if a is None else
                   RunRecord.from_results(a, recorded_run(root, f"{version}-{i}", version, a, scenario))
                   for i, a in enumerate(answers, 1)]
        made.append(Cell(scenario, version, "remoting", "pass", records))
    out = root / "matrix" / "20261207T040841"
    out.mkdir(parents=True)
    render.write(made, {"started": "2026-12-07T04:08:41+0000", "runs_per_cell": 2, "duration": None,
                        "access": None, "versions": list(RUNNABLE), "scenarios": ["no-loss", "stale-master"]}, out)
    return out


def collect(*dirs: Path) -> reuse.Recorded:
    return reuse.collect([str(d) for d in dirs], reuse.wanted("stale-master", RUNNABLE, SHARED))


def never() -> None:
    raise AssertionError("a fresh run was made")


def test_recorded_runs_that_decide_every_step_need_no_fresh_run(tmp_path):
    # path 5.0.0 ... 5.5.0: the bad end's 2 runs, then 5.2.0 (2 passes: good), 5.3.3 (fails on its 2nd: bad);
    # 5.4.0's runs are not needed, no-loss's are another scenario.
    m = matrix_dir(tmp_path, {("no-loss", "5.5.0"): [P, P], ("stale-master", "5.5.0"): [F, P],
                              ("stale-master", "5.2.0"): [P, P], ("stale-master", "5.3.3"): [P, F],
                              ("stale-master", "5.4.0"): [F, F]})
    recorded = collect(m)
    assert recorded.notes == []
    assert {v: len(r) for v, r in recorded.runs.items()} == {"5.5.0": 2, "5.2.0": 2, "5.3.3": 2, "5.4.0": 2}
    run_once = reuse.Reuse(recorded.runs, never)
    found = b.run_bisect("stale-master", "5.0.0", "5.5.0", 2, run_once, SHARED)
    assert [(s.version, s.verdict, [r.verdict for r in s.runs]) for s in found.steps] == [
        ("5.5.0", "bad", ["fail", "pass"]), ("5.2.0", "good", ["pass", "pass"]), ("5.3.3", "bad", ["pass", "fail"])]
    assert (found.last_good, found.first_bad) == ("5.2.0", "5.3.3")
    lines = b.describe(found, 2, "stale-master", run_once.reused)
    assert lines[1:4] == ["  5.5.0: bad (1 of 2 runs failed)",
                          f"    fail    reused {tmp_path}/stale-master/5.5.0-1  verdict False",
                          f"    pass    reused {tmp_path}/stale-master/5.5.0-2  verdict True"]
    assert "runs: 0 fresh, 6 reused" in lines


def test_a_fresh_run_is_made_only_where_the_recorded_ones_do_not_decide(tmp_path):
    # The matrix holds one bad-end run (N = 2 are needed) and an unknown and a pass of 5.2.0 (2 passes needed).
    m = matrix_dir(tmp_path / "store", {("stale-master", "5.5.0"): [F], ("stale-master", "5.2.0"): [U, P]})
    fake = FakeRuns({("stale-master", "5.5.0"): [P], ("stale-master", "5.2.0"): [P],
                     ("stale-master", "5.3.3"): [F]}, tmp_path / "fresh")
    made = []
    run_once = reuse.Reuse(collect(m).runs, lambda: made.append("run_once") or fake)
    found = b.run_bisect("stale-master", "5.0.0", "5.5.0", 2, run_once, SHARED)
    assert [c[1] for c in fake.calls] == ["5.5.0", "5.2.0", "5.3.3"] and made == ["run_once"]
    assert all(c[2] is SHARED for c in fake.calls)
    assert [(s.version, s.verdict, [r.verdict for r in s.runs]) for s in found.steps] == [
        ("5.5.0", "bad", ["fail", "pass"]), ("5.2.0", "good", ["unknown", "pass", "pass"]),
        ("5.3.3", "bad", ["fail"])]
    lines = b.describe(found, 2, "stale-master", run_once.reused)
    assert lines[2:4] == [f"    fail    reused {tmp_path}/store/stale-master/5.5.0-1  verdict False",
                          f"    pass    {tmp_path}/fresh/stale-master/5.5.0-1  verdict True"]
    assert "runs: 3 fresh, 3 reused" in lines


def test_a_run_of_other_settings_or_another_scenario_file_is_not_reused(tmp_path):
    rate = json.loads(meta("stale-master", "5.5.0")["workload"])
    same = recorded_run(tmp_path, "same", "5.5.0", F)
    # The same scenario, its rate written 200.0 (as `chaoskit shrink` writes it): one rate, reused.
    float_rate = recorded_run(tmp_path, "float-rate", "5.5.0", P,
                              workload=json.dumps([{**w, "rate": float(w["rate"])} for w in rate]))
    short = recorded_run(tmp_path, "short", "5.5.0", F, shared=live.overrides(95, None))
    proxy = recorded_run(tmp_path, "proxy", "5.5.0", F, access="proxy")
    shrunk = recorded_run(tmp_path, "shrunk", "5.5.0", F, workload=json.dumps([{**w, "rate": 12.5} for w in rate]))
    seed = recorded_run(tmp_path, "seed", "5.5.0", F, seed="12")
    renamed = recorded_run(tmp_path, "renamed", "5.5.0", F, scenario="stale-master-copy")
    interrupted = recorded_run(tmp_path, "interrupted", "5.5.0", F, failure="interrupted")
    good_end = recorded_run(tmp_path, "good-end", "5.0.0", P)
    unfinished = tmp_path / "stale-master" / "unfinished"
    unfinished.mkdir()
    (unfinished / "ledger.db").write_bytes(b"")
    recorded = collect(same, short, proxy, shrunk, seed, renamed, interrupted, good_end, unfinished, float_rate)
    assert recorded.runs == {"5.5.0": [(json.loads((d / "results.json").read_text()), d) for d in (same, float_rate)]}
    assert recorded.notes == [
        f"not reused: {short}: duration 95.0, not 100.0",
        f"not reused: {proxy}: access proxy, not remoting",
        f"not reused: {shrunk}: another workload (the scenario differs)",
        f"not reused: {seed}: seed 12, not 11",
        f"not reused: {renamed}: scenario stale-master-copy, not stale-master",
        f"not reused: {interrupted}: interrupted, not a whole run",
        f"not reused: {good_end}: release 5.0.0, not one this bisect runs ({', '.join(RUNNABLE)})",
        f"not reused: {unfinished}: no results.json (the run did not finish)"]
    # With --duration 95 the short run is the one that counts.
    want = reuse.wanted("stale-master", RUNNABLE, live.overrides(95, None))
    assert [d for _, d in reuse.collect([str(same), str(short)], want).runs["5.5.0"]] == [short]


def test_a_matrix_gives_its_runs_in_recorded_order_once_and_notes_runs_without_a_directory(tmp_path):
    m = matrix_dir(tmp_path, {("stale-master", "5.5.0"): [F, None, P], ("stale-master", "5.0.0"): [P]})
    first, third = tmp_path / "stale-master" / "5.5.0-1", tmp_path / "stale-master" / "5.5.0-3"
    shutil.rmtree(tmp_path / "stale-master" / "5.0.0-1")  # the good end's: passed over, gone or not
    recorded = collect(m, first)
    assert [d for _, d in recorded.runs["5.5.0"]] == [first, third]
    assert recorded.notes == [
        f"not reused: a 5.5.0 run in {m / 'matrix.json'}: no run directory (the harness failed)",
        f"not reused: {first}: listed twice, counted once"]
    shutil.rmtree(third)
    assert collect(m).notes[1:] == [f"not reused: {third}: no such directory"]
    assert recorded.summary() == "reuse: recorded runs kept per release: 5.5.0 2"
    assert reuse.Recorded().summary() == "reuse: recorded runs kept per release: none"


def invoke(args: list[str], monkeypatch, fake=None):
    made = []

    def make(status):
        made.append(status)
        return fake
    monkeypatch.setattr(live, "make_run_once", make)
    return CliRunner().invoke(main, ["bisect", "stale-master", "--good", "5.0.0", "--bad", "5.5.0", *args]), made


def test_the_command_takes_every_step_from_a_matrix_without_a_fresh_run(monkeypatch, tmp_path):
    m = matrix_dir(tmp_path, {("stale-master", "5.5.0"): [F, F], ("stale-master", "5.2.0"): [P, P],
                              ("stale-master", "5.3.3"): [P, P], ("stale-master", "5.4.0"): [F]})
    res, made = invoke(["--runs", "2", "--reuse", str(m)], monkeypatch)
    assert res.exit_code == 0, res.output
    assert made == []
    assert "reuse: recorded runs kept per release: 5.5.0 2, 5.2.0 2, 5.3.3 2, 5.4.0 1" in res.output
    assert res.output.count("stale-master on 5.5.0 (reused): FAIL") == 2  # the live lines
    assert f"    fail    reused {tmp_path}/stale-master/5.4.0-1  verdict False" in res.output
    assert "boundary: 5.3.3 good, 5.4.0 bad" in res.output and "runs: 0 fresh, 7 reused" in res.output


@pytest.mark.parametrize("make, message", [
    (lambda d: d / "nowhere", "--reuse {d}/nowhere: no such directory"),
    (lambda d: d, "--reuse {d}: neither a matrix directory (matrix.json) nor a run directory "
                  "(results.json, ledger.db, end.json)"),
    (lambda d: (d / "matrix.json").write_text('{"cells": [') and d,
     "--reuse {d}: cannot read matrix.json: JSONDecodeError: Expecting value: line 1 column 12 (char 11)"),
    (lambda d: (d / "matrix.json").write_text('{"cells": 3}') and d,
     "--reuse {d}: cannot read matrix.json: TypeError: 'int' object is not iterable"),
])
def test_a_bad_reuse_directory_is_one_line_exit_2_and_starts_nothing(make, message, monkeypatch, tmp_path):
    res, made = invoke(["--reuse", str(make(tmp_path))], monkeypatch)
    assert res.exit_code == 2, res.output
    assert res.output.strip().splitlines() == [f"chaoskit: error: {message.format(d=tmp_path)}"]
    assert made == []


def test_a_bisect_its_recorded_runs_decide_never_imports_the_docker_sdk(tmp_path):
    m = matrix_dir(tmp_path, {("stale-master", "5.5.0"): [F], ("stale-master", "5.4.0"): [P]})
    code = ("import sys; from chaoskit.matrix import bisect as b, live, reuse; "
            "want = reuse.wanted('stale-master', ('5.4.0', '5.5.0'), live.overrides(None, None)); "
            "run_once = reuse.Reuse(reuse.collect([sys.argv[1]], want).runs, lambda: 1 / 0); "
            "found = b.run_bisect('stale-master', '5.3.3', '5.5.0', 1, run_once, live.overrides(None, None)); "
            "print(__import__('json').dumps([found.first_bad, sorted(m for m in sys.modules if m.startswith('docker'))]))")
    out = subprocess.run([sys.executable, "-c", code, str(m)], capture_output=True, text=True, check=True).stdout
    assert json.loads(out) == ["5.5.0", []]


def test_a_resumed_matrix_reuses_recorded_runs_and_runs_only_what_is_missing(tmp_path, monkeypatch):
    # an interrupted matrix: stale-master on 5.4.0 ran twice, on 5.5.0 once; resuming it runs 5.5.0's second only
    old = matrix_dir(tmp_path, {("stale-master", "5.4.0"): [P, P], ("stale-master", "5.5.0"): [F]})
    fake = FakeRuns({("stale-master", "5.5.0"): [P]}, tmp_path / "fresh")
    monkeypatch.setenv("CHAOSKIT_STORE", str(tmp_path / "store"))
    monkeypatch.setattr(live, "make_run_once", lambda status: fake)
    res = CliRunner().invoke(main, ["matrix", "stale-master", "--versions", "5.4.0,5.5.0", "--runs", "2",
                                    "--resume", str(old)])
    assert res.exit_code == 1, res.output  # 5.5.0 failed: stale-master's expectation (pass) is not met
    assert [c[1] for c in fake.calls] == ["5.5.0"]
    (out,) = (tmp_path / "store" / "matrix").iterdir()
    data = json.loads((out / "matrix.json").read_text())
    assert [[(r["verdict"], r["reused"]) for r in c["runs"]] for c in data["cells"]] == [
        [("pass", True), ("pass", True)], [("fail", True), ("pass", False)]]
    assert data["resumed_from"] == [str(old)]
    assert f"3 of 4 runs reused from {escape(str(old))}." in (out / "summary.md").read_text()
    assert "run 1: fail (reused)" in (out / "matrix.html").read_text()


def test_a_resume_dir_that_is_no_matrix_is_one_line_and_starts_nothing(tmp_path, monkeypatch):
    monkeypatch.setenv("CHAOSKIT_STORE", str(tmp_path / "store"))
    monkeypatch.setattr(live, "make_run_once", lambda status: pytest.fail("a run started"))
    (tmp_path / "empty").mkdir()
    res = CliRunner().invoke(main, ["matrix", "stale-master", "--versions", "5.5.0", "--resume", str(tmp_path / "empty")])
    assert res.exit_code == 2 and res.output.count("\n") == 1
    assert res.output.startswith(f"chaoskit: error: --resume {tmp_path / 'empty'}: neither a matrix directory")
    assert not (tmp_path / "store").exists()
