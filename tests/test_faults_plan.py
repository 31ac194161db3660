"""Fault plans (pure): determinism per seed, the mix, JSON round trip, validation."""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chaoskit.errors import UsageError
from faults import kinds
from faults.plan import Plan, Step, describe, generate, needs, validate

MIX = ["kill", "pause", "partition"]


def test_same_seed_same_bytes_other_seed_other_plan():
    a = generate(42, 20, 120, MIX).to_json()
    assert generate(42, 20, 120, MIX).to_json() == a
    assert generate(43, 20, 120, MIX).to_json() != a


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 2**31), interval=st.floats(1, 60), extra=st.floats(0, 600),
       faults=st.lists(st.sampled_from(sorted(kinds.KINDS)), min_size=1, max_size=4))
def test_generation_is_deterministic_and_fits(seed, interval, extra, faults):
    duration = interval * 1.5 + extra
    plan = generate(seed, interval, duration, faults)
    assert generate(seed, interval, duration, faults).to_json() == plan.to_json()
    assert Plan.from_json(plan.to_json()) == plan
    for i, step in enumerate(plan.steps):
        assert step.index == i
        assert step.start == pytest.approx(interval * (i + 1))
        assert step.start + step.duration <= duration
        assert step.fault in faults
        kinds.check_params(kinds.KINDS[step.fault], step.params)


def test_steps_are_one_per_interval_and_heal_before_the_end():
    plan = generate(42, 20, 120, MIX)
    assert [(s.start, s.duration) for s in plan.steps] == [(20, 10), (40, 10), (60, 10), (80, 10), (100, 10)]


def test_every_kind_appears_in_each_round():
    plan = generate(7, 10, 200, MIX, fault_duration=5)
    for r in range(0, len(plan.steps) - 2, 3):
        assert sorted(s.fault for s in plan.steps[r:r + 3]) == sorted(MIX)


def test_targets_come_from_the_mix_given_or_the_kinds_own():
    own = generate(5, 10, 300, ["partition"])
    assert {s.target for s in own.steps} <= set(kinds.KINDS["partition"].targets)
    assert {s.params["shape"] for s in own.steps} <= set(kinds.SHAPES)
    given_mix = generate(5, 10, 300, MIX, ["master+controller-leader", "broker-a-0"])
    assert {s.target for s in given_mix.steps} == {"master+controller-leader", "broker-a-0"}


@pytest.mark.parametrize("kwargs, message", [
    (dict(faults=["kill", "mangle"]), "unknown fault 'mangle'"),
    (dict(faults=["clock"]), "unknown fault 'clock' (the containers share"),
    (dict(faults=["disk-full"]), "unknown fault 'disk-full' (/data is a bind mount"),
    (dict(targets=["mastr"]), "unknown target 'mastr'"),
    (dict(targets=["master+leader"]), "unknown target 'leader' in 'master+leader'"),
    (dict(interval=0), "--interval must be > 0"),
    (dict(interval=-5), "--interval must be > 0"),
    (dict(duration=0), "--duration must be > 0"),
    (dict(fault_duration=0), "--fault-duration must be > 0"),
    (dict(fault_duration=30), "must not exceed --interval"),
    (dict(duration=25), "no step fits"),
    (dict(faults=[]), "no faults given"),
])
def test_bad_options_are_usage_errors(kwargs, message):
    args = dict(seed=1, interval=20, duration=120, faults=MIX) | kwargs
    with pytest.raises(UsageError) as exc:
        generate(**args)
    assert message in str(exc.value)
    assert "\n" not in str(exc.value)


def test_netem_kinds_need_the_capability():
    plan = generate(3, 20, 120, ["kill", "delay"])
    assert needs(plan) == {kinds.NETEM}
    assert needs(generate(3, 20, 120, MIX)) == set()
    validate(plan)                      # no probe: not checked
    validate(plan, {kinds.NETEM})
    with pytest.raises(UsageError, match="fault 'delay' is not supported on this kernel"):
        validate(plan, set())


def test_node_names_are_checked_against_the_live_cluster():
    plan = generate(3, 20, 60, MIX, ["broker-a-2"])
    validate(plan)
    with pytest.raises(UsageError, match="unknown target 'broker-a-2'"):
        validate(plan, node_names=["namesrv-0", "broker-a-0", "broker-a-1", "proxy"])


def _hand_plan(**step) -> str:
    base = dict(index=0, start=1.0, duration=2.0, fault="partition", target="master", params={"shape": "isolate"})
    plan = Plan(1, 20.0, 60.0, 10.0, ("partition",), (), (Step(**(base | step)),))
    return plan.to_json()


@pytest.mark.parametrize("step, message", [
    (dict(params={"shape": "triangle"}), "unknown partition shape 'triangle'"),
    (dict(params={}), "lacks parameter(s) shape"),
    (dict(fault="kill", params={"shape": "isolate"}), "takes no parameter 'shape'"),
    (dict(index=3), "index 3, expected 0"),
    (dict(duration=0), "duration must be a number > 0"),
    (dict(start=-1), "start must be a number >= 0"),
    (dict(target="everyone"), "unknown target 'everyone'"),
    (dict(fault="loss", params={"probability": 2}), "probability must be in (0, 1]"),
    (dict(fault="bandwidth", params={"rate": "fast"}), "bad rate 'fast'"),
])
def test_bad_plan_files_are_rejected(step, message):
    with pytest.raises(UsageError) as exc:
        Plan.from_json(_hand_plan(**step))
    assert message in str(exc.value)


@pytest.mark.parametrize("text", ["", "[]", '{"seed": 1}', '{"format": 9, "steps": []}'])
def test_not_a_plan(text):
    with pytest.raises(UsageError, match="not a fault plan"):
        Plan.from_json(text)


def test_describe_lists_every_step():
    plan = generate(42, 20, 120, MIX)
    text = describe(plan)
    assert text.splitlines()[0].startswith("fault plan: seed 42, a fault every 20s for 10s, 120s in all")
    assert len(text.splitlines()) == 2 + len(plan.steps)
    for step in plan.steps:
        assert step.target in text
