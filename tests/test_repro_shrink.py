"""The shrink search, driven by a fake `run_once` whose failures follow a known rule."""
from __future__ import annotations

import itertools

import pytest

from chaoskit.repro.shrink import Candidate, as_plan, shrink
from faults.plan import Plan, Step

STALE = [Step(0, 15, 14, "partition", "master", {"shape": "from-controllers"}),
         Step(1, 45, 14, "partition", "master", {"shape": "from-controllers"}),
         Step(2, 75, 14, "partition", "master", {"shape": "from-controllers"})]
START = Candidate(tuple(STALE), 100.0, 200.0)


def loses(c: Candidate) -> str:
    """Fails when a cut outlasts the election (>= 10 s) at >= 40/s, and the run goes on 5 s past it."""
    ok = c.rate >= 40 and any(s.duration >= 10 and s.start + s.duration + 5 <= c.duration for s in c.steps)
    return "fail" if ok else "pass"


def test_the_stale_master_run_shrinks_to_one_step():
    seen = []
    out = shrink(START, loses, tries=1, on_try=seen.append)
    assert out.minimal == Candidate((Step(2, 10, 14, "partition", "master", {"shape": "from-controllers"}),), 34.0, 50.0)
    assert [(t.reduction, t.kept) for t in out.tries] == [
        ("drop step 1", True),            # chunks of one (3 // 2): steps 1, then 2 go; 3 alone is left
        ("drop step 2", True),
        ("drop step 3", False),
        ("step 3 for 7 s", False),        # the cut must outlast the election
        ("rate 100/s", True), ("rate 50/s", True), ("rate 25/s", False),
        ("steps 65 s earlier, run 35 s", True),
        ("run 34 s", True),
    ]
    assert seen == list(out.tries)
    assert out.runs == 9
    assert out.reduction() == ("3 -> 1 fault step(s), 100 -> 34 s, 200 -> 50/s, fault seconds 42 -> 14; 9 run(s) spent")


def test_a_flaky_failure_is_kept_if_any_of_k_tries_fails():
    flips = itertools.cycle(["pass", "unknown", "fail"])  # fails one time in three, whatever the candidate
    out = shrink(Candidate((STALE[0],), 40.0, 20.0), lambda c: next(flips), tries=3)
    assert [(t.reduction, t.verdicts, t.kept) for t in out.tries] == [
        ("drop step 1", ("pass", "unknown", "fail"), True),
        ("rate 10/s", ("pass", "unknown", "fail"), True),
        ("run 10 s", ("pass", "unknown", "fail"), True),
    ]
    assert out.minimal == Candidate((), 10.0, 10.0)


def test_one_try_is_not_enough_for_a_flaky_failure():
    flips = itertools.cycle(["pass", "fail"])
    out = shrink(Candidate((STALE[0],), 40.0, 20.0), lambda c: next(flips), tries=1)
    assert [(t.reduction, t.kept) for t in out.tries] == [
        ("drop step 1", False), ("step 1 for 7 s", True), ("step 1 for 3.5 s", False), ("rate 10/s", True),
        ("steps 5 s earlier, run 35 s", False), ("run 32 s", True)]
    assert out.minimal == Candidate((Step(0, 15, 7, "partition", "master", {"shape": "from-controllers"}),), 32.0, 10.0)


def test_tries_below_one_are_refused():
    with pytest.raises(ValueError):
        shrink(START, loses, tries=0)


def test_a_candidate_becomes_a_plan_with_steps_numbered_afresh():
    base = Plan(11, 30.0, 100.0, 15.0, ("partition",), (), tuple(STALE))
    plan = as_plan(base, Candidate((STALE[2],), 34.0, 50.0))
    assert (plan.duration, [(s.index, s.start) for s in plan.steps], plan.seed) == (34.0, [(0, 75)], 11)
