"""The nightly workflow is valid GitHub Actions, runs `chaoskit matrix` over the shipped scenarios and
every served release, and makes the matrix table its job summary."""
from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from chaoskit.scenario import SCENARIO_DIR

WORKFLOW = Path(__file__).resolve().parents[1] / ".github" / "workflows" / "nightly.yml"


@pytest.mark.skipif(shutil.which("actionlint") is None, reason="actionlint is not installed (./setup.sh installs it)")
def test_actionlint_accepts_the_nightly_workflow():
    res = subprocess.run(["actionlint", str(WORKFLOW)], capture_output=True, text=True)
    assert res.returncode == 0, res.stdout + res.stderr


def test_the_matrix_runs_every_scenario_on_every_served_release():
    flow = yaml.safe_load(WORKFLOW.read_text())
    assert "schedule" in flow[True] and "workflow_dispatch" in flow[True]  # `on:` parses as True
    job = flow["jobs"]["matrix"]
    assert job["env"]["VERSIONS"] == "${{ github.event.inputs.versions || 'all' }}"
    runs = [str(s.get("run", "")) for s in job["steps"]]
    (command,) = [r for r in runs if "chaoskit matrix" in r]
    scenarios = command.split("chaoskit matrix", 1)[1].split("--", 1)[0].split()
    assert sorted(scenarios) == sorted(p.stem for p in SCENARIO_DIR.glob("*.toml"))
    assert '--versions "$VERSIONS"' in command and '--runs "$RUNS"' in command
    assert any("./setup.sh" in r for r in runs)
    (summary,) = [r for r in runs if "GITHUB_STEP_SUMMARY" in r]
    assert "store/matrix" in summary and "summary.md" in summary
