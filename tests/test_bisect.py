"""`chaoskit bisect`: the binary search over served releases, its stopping rules and the confidence
it prints, with a fake run_once (no Docker); bad input starts nothing."""
from __future__ import annotations

import pytest
from click.testing import CliRunner
from test_matrix import FakeRuns, results

from chaoskit.cli import main
from chaoskit.matrix import bisect as b
from chaoskit.matrix import live
from chaoskit.scenario import Overrides

SHARED = Overrides(duration=100)
P, F, U = results(True), results(False, lost=5), results("unknown")


def script(**by_version) -> dict:
    return {("stale-master", v[1:].replace("_", ".")): runs for v, runs in by_version.items()}


def test_finds_the_first_bad_release_between_good_and_bad(tmp_path):
    # path 5.0.0 5.1.0 5.1.1 5.2.0 5.3.3 5.4.0 5.5.0 (indices 0-6): the bad end runs twice, then
    # mid 3 (5.2.0) passes twice, mid 4 (5.3.3) fails on its second run: 5.4.0 is never needed.
    fake = FakeRuns(script(v5_5_0=[F, P], v5_2_0=[P, P], v5_3_3=[P, F]), tmp_path)
    found = b.run_bisect("stale-master", "5.0.0", "5.5.0", 2, fake, SHARED)
    assert [c[1] for c in fake.calls] == ["5.5.0", "5.5.0", "5.2.0", "5.2.0", "5.3.3", "5.3.3"]
    assert [(s.version, s.verdict, len(s.runs)) for s in found.steps] == [
        ("5.5.0", "bad", 2), ("5.2.0", "good", 2), ("5.3.3", "bad", 2)]
    assert (found.found, found.last_good, found.first_bad) == (True, "5.2.0", "5.3.3")
    assert found.p_observed == 0.5
    assert found.steps[2].runs[1].run_dir == str(tmp_path / "stale-master" / "5.3.3-2")


def test_searches_for_a_fix_when_the_good_end_is_newer(tmp_path):
    fake = FakeRuns(script(v5_3_3=[F], v5_4_0=[P]), tmp_path)
    found = b.run_bisect("stale-master", "5.5.0", "5.3.3", 1, fake, SHARED)
    assert found.path == ("5.5.0", "5.4.0", "5.3.3")
    assert (found.last_good, found.first_bad) == ("5.4.0", "5.3.3")


def test_runs_without_a_verdict_count_for_nothing_and_too_many_leave_it_undecided(tmp_path):
    fake = FakeRuns(script(v5_5_0=[F, F], v5_4_0=[U, P, U, U]), tmp_path)
    found = b.run_bisect("stale-master", "5.3.3", "5.5.0", 2, fake, SHARED)
    assert [(s.version, s.verdict, len(s.runs)) for s in found.steps] == [("5.5.0", "bad", 2),
                                                                           ("5.4.0", "undecided", 4)]
    assert not found.found and found.first_bad is None
    fake = FakeRuns(script(v5_5_0=[F], v5_4_0=[U, P, P]), tmp_path / "again")
    assert b.run_bisect("stale-master", "5.3.3", "5.5.0", 2, fake, SHARED).last_good == "5.4.0"


def test_a_bad_end_that_never_fails_stops_at_once(tmp_path):
    fake = FakeRuns(script(v5_5_0=[P, U]), tmp_path)
    found = b.run_bisect("stale-master", "5.0.0", "5.5.0", 2, fake, SHARED)
    assert [c[1] for c in fake.calls] == ["5.5.0", "5.5.0"] and not found.found
    assert found.p_observed == 0.0
    assert "no boundary: the bad end 5.5.0 did not fail in 2 runs" in b.describe(found, 2, "stale-master")


def test_the_observed_rate_and_its_line_count_only_definite_runs(tmp_path):
    fake = FakeRuns(script(v5_5_0=[F, U]), tmp_path)
    found = b.run_bisect("stale-master", "5.4.0", "5.5.0", 2, fake, SHARED)
    assert found.p_observed == 1.0  # the unknown run is no evidence either way
    assert any(line.startswith("  p = 1.00 (observed at 5.5.0: 1 of 1 definite runs failed)")
               for line in b.describe(found, 2, "stale-master"))


def test_adjacent_releases_need_only_the_bad_end(tmp_path):
    fake = FakeRuns(script(v5_5_0=[F]), tmp_path)
    found = b.run_bisect("stale-master", "5.4.0", "5.5.0", 1, fake, SHARED)
    assert (found.last_good, found.first_bad, len(fake.calls)) == ("5.4.0", "5.5.0", 1)


def test_confidence_model():
    assert b.confidence(0.5, 2) == 0.25
    assert b.confidence(0.25, 3) == pytest.approx(0.421875)
    assert b.confidence(1.0, 1) == 0.0
    assert b.runs_needed(0.5) == 5       # 0.5^5 = 0.031 <= 0.05 < 0.5^4
    assert b.runs_needed(0.1) == 29      # 0.9^29 = 0.047
    assert b.runs_needed(1.0) == 1 and b.runs_needed(0.0) is None


def test_describe_names_the_boundary_the_runs_and_the_confidence(tmp_path):
    fake = FakeRuns(script(v5_5_0=[F, P], v5_4_0=[P, P]), tmp_path)
    found = b.run_bisect("stale-master", "5.3.3", "5.5.0", 2, fake, SHARED)
    lines = b.describe(found, 2, "stale-master")
    assert lines[0] == "stale-master: 5.3.3 -> 5.4.0 -> 5.5.0 (good end 5.3.3 trusted, not run)"
    assert lines[1] == "  5.5.0: bad (1 of 2 runs failed)"
    assert lines[2] == f"    fail    {tmp_path}/stale-master/5.5.0-1  verdict False"
    assert "boundary: 5.4.0 good, 5.5.0 bad" in lines and "runs: 4 fresh, 0 reused" in lines
    assert ("  p = 0.50 (observed at 5.5.0: 1 of 2 definite runs failed): a bad release called good with probability 0.250; "
            "5 passes bring it under 0.05") in lines
    assert ("  p = 0.10 (stated): a bad release called good with probability 0.810; "
            "29 passes bring it under 0.05") in lines


@pytest.mark.parametrize("args, message", [
    (["stale-master", "--good", "5.0.0", "--bad", "5.0.0"], "--good and --bad are the same release (5.0.0)"),
    (["stale-master", "--good", "5.1.4", "--bad", "5.5.0"], "unknown RocketMQ version '5.1.4'"),
    (["stale", "--good", "5.0.0", "--bad", "5.5.0"], "unknown scenario 'stale'"),
    (["stale-master", "--good", "5.0.0", "--bad", "5.5.0", "--runs", "0"], "--runs must be at least 1, not 0"),
])
def test_bad_input_is_one_line_exit_2_and_starts_nothing(args, message, monkeypatch):
    made = []
    monkeypatch.setattr(live, "make_run_once", lambda status: made.append(status))
    res = CliRunner().invoke(main, ["bisect", *args])
    assert res.exit_code == 2 and message in res.output and len(res.output.strip().splitlines()) == 1, res.output
    assert made == []


def test_the_command_prints_the_boundary_and_exits_0(monkeypatch, tmp_path):
    fake = FakeRuns(script(v5_5_0=[F], v5_4_0=[P]), tmp_path)
    monkeypatch.setattr(live, "make_run_once", lambda status: fake)
    res = CliRunner().invoke(main, ["bisect", "stale-master", "--good", "5.3.3", "--bad", "5.5.0", "--runs", "1"])
    assert res.exit_code == 0, res.output
    assert "boundary: 5.4.0 good, 5.5.0 bad" in res.output


def test_an_interrupted_run_stops_the_bisect(monkeypatch, tmp_path):
    interrupted = {**U, "meta": {"failure": "interrupted"}}
    fake = FakeRuns(script(v5_5_0=[F, interrupted]), tmp_path)
    with pytest.raises(KeyboardInterrupt):
        b.run_bisect("stale-master", "5.3.3", "5.5.0", 2, fake, SHARED)
    monkeypatch.setattr(live, "make_run_once", lambda status: FakeRuns(script(v5_5_0=[interrupted]), tmp_path / "cli"))
    res = CliRunner().invoke(main, ["bisect", "stale-master", "--good", "5.3.3", "--bad", "5.5.0"])
    assert res.exit_code == 3 and "interrupted: no boundary" in res.output
