"""`chaoskit faults plan|run` and `chaoskit heal` without Docker: dry runs and bad input."""
from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from chaoskit.cli import main
from chaoskit.cluster import engine
from faults.plan import Plan, generate


@pytest.fixture
def no_docker(monkeypatch):
    """Any attempt to reach Docker fails the test: bad plans must stop before it."""
    def connect():
        raise AssertionError("Docker was asked for")
    monkeypatch.setattr(engine, "connect", connect)


def invoke(*args: str):
    return CliRunner().invoke(main, list(args))


def test_plan_prints_the_same_plan_for_the_same_seed(no_docker):
    args = ["faults", "plan", "--faults", "kill,pause,partition", "--interval", "20", "--duration", "120",
            "--seed", "42"]
    first, second = invoke(*args), invoke(*args)
    assert first.exit_code == 0, first.output
    assert first.output == second.output
    assert first.output.startswith("fault plan: seed 42, a fault every 20s for 10s, 120s in all")


def test_plan_json_is_the_generated_plan_and_replays(no_docker, tmp_path):
    res = invoke("faults", "plan", "--faults", "kill,loss", "--seed", "9", "--json")
    assert res.exit_code == 0
    assert res.output == generate(9, 20, 120, ["kill", "loss"]).to_json()
    path = tmp_path / "plan.json"
    path.write_text(res.output)
    again = invoke("faults", "plan", "--plan", str(path), "--json")
    assert again.output == res.output
    assert Plan.from_json(again.output).seed == 9


def test_a_random_seed_is_printed(no_docker):
    res = invoke("faults", "plan", "--json")
    assert res.exit_code == 0 and isinstance(json.loads(res.output)["seed"], int)


@pytest.mark.parametrize("command", ["plan", "run"])
@pytest.mark.parametrize("args, message", [
    (["--faults", "kill,mangle"], "unknown fault 'mangle'"),
    (["--targets", "mastr"], "unknown target 'mastr'"),
    (["--interval", "0"], "--interval must be > 0"),
    (["--interval", "-3"], "--interval must be > 0"),
    (["--duration", "0"], "--duration must be > 0"),
    (["--fault-duration", "25"], "must not exceed --interval"),
    (["--faults", "clock"], "unknown fault 'clock'"),
    (["--plan", "/nonexistent/plan.json"], "cannot read plan"),
])
def test_bad_plans_exit_2_with_one_line_before_anything_is_touched(no_docker, command, args, message):
    res = CliRunner().invoke(main, ["faults", command, "--seed", "1", *args])
    assert res.exit_code == 2, res.output
    assert message in res.output
    assert len(res.output.strip().splitlines()) == 1
    assert res.output.startswith("chaoskit: error: ")


def test_a_bad_plan_file_exits_2(no_docker, tmp_path):
    plan = json.loads(generate(1, 20, 60, ["partition"]).to_json())
    plan["steps"][0]["params"]["shape"] = "triangle"
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(plan))
    res = invoke("faults", "run", "--plan", str(path))
    assert res.exit_code == 2 and "unknown partition shape 'triangle'" in res.output


@pytest.mark.parametrize("args", [["faults"], ["faults", "plan"], ["faults", "run"], ["heal"]])
def test_every_command_is_documented_with_an_example(args):
    res = invoke(*args, "--help")
    assert res.exit_code == 0 and "Example: chaoskit" in res.output
