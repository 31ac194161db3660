"""Layers: loading scenarios and fault plans is pure (no Docker SDK, no click), and the
CLI turns the plain UsageError those modules raise into one line and exit 2."""
from __future__ import annotations

import json
import subprocess
import sys

from click.testing import CliRunner

from chaoskit.cli import main
from chaoskit.errors import UsageError


def test_scenarios_and_fault_plans_load_without_the_docker_sdk_or_click():
    code = ("import sys, faults.plan, chaoskit.scenario; chaoskit.scenario.load('no-loss'); "
            "print(__import__('json').dumps(sorted(m for m in sys.modules if m.split('.')[0] in ('docker', 'click'))))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert json.loads(out) == []


def test_usage_error_is_a_plain_exception():
    assert UsageError.__mro__[1:] == (Exception, BaseException, object)


def test_the_cli_shows_a_pure_modules_usage_error_as_one_line_and_exit_2():
    res = CliRunner().invoke(main, ["run", "no-loss", "--rocketmq-version", "4.9.7", "--dry-run"])
    assert res.exit_code == 2
    assert res.stderr == ("chaoskit: error: unknown RocketMQ version '4.9.7': expected a served 5.x.y release "
                          "(5.0.0, 5.1.0, 5.1.1, 5.2.0, 5.3.3, 5.4.0, 5.5.0)\n")
