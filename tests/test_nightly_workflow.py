"""The nightly workflow is valid GitHub Actions and runs both scenarios on 5.0.0 and the newest release."""
from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from chaoskit.cluster.spec import DEFAULT_VERSION

WORKFLOW = Path(__file__).resolve().parents[1] / ".github" / "workflows" / "nightly.yml"


@pytest.mark.skipif(shutil.which("actionlint") is None, reason="actionlint is not installed (./setup.sh installs it)")
def test_actionlint_accepts_the_nightly_workflow():
    res = subprocess.run(["actionlint", str(WORKFLOW)], capture_output=True, text=True)
    assert res.returncode == 0, res.stdout + res.stderr


def test_matrix_covers_both_scenarios_and_versions():
    flow = yaml.safe_load(WORKFLOW.read_text())
    assert "schedule" in flow[True] and "workflow_dispatch" in flow[True]  # `on:` parses as True
    matrix = flow["jobs"]["scenario"]["strategy"]["matrix"]
    assert set(matrix["scenario"]) == {"no-loss", "lossy-ack"}
    assert {"5.0.0", DEFAULT_VERSION} <= set(matrix["rocketmq"])
    steps = "\n".join(str(s.get("run", "")) for s in flow["jobs"]["scenario"]["steps"])
    assert "./setup.sh" in steps and "GITHUB_STEP_SUMMARY" in steps
