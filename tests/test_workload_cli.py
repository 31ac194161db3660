"""`chaoskit workload` refuses bad options with one line and exit 2, before sending anything."""
from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from chaoskit.cluster import lifecycle
from chaoskit.cluster.nodes import Node
from chaoskit.commands.workload import command


def run(args: list[str]):
    return CliRunner().invoke(command, args)


def one_error_line(result) -> str:
    lines = [ln for ln in result.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("chaoskit: error: ")
    return lines[0]


def test_workload_is_registered():
    from chaoskit.cli import main

    result = CliRunner().invoke(main, ["workload", "--help"])
    assert result.exit_code == 0
    assert "chaoskit workload --duration 30 --rate 200" in result.output


@pytest.mark.parametrize("args, message", [
    (["--rate", "-5"], "rate must be a number > 0, not -5.0"),
    (["--rate", "fast"], "--rate must be a number, not 'fast'"),
    (["--kind", "delay"], "unknown workload kind 'delay': use queue or fifo"),
    (["--consumer", "pull"], "unknown consumer 'pull'"),
    (["--producers", "1.5"], "--producers must be a whole number, not '1.5'"),
    (["--duration", "0"], "duration must be a number > 0"),
    (["--progress", "loud"], "unknown progress mode 'loud'"),
])
def test_bad_options_exit_2_with_one_line_and_no_run_dir(tmp_path: Path, args: list[str], message: str):
    run_dir = tmp_path / "run"
    result = run([*args, "--run-dir", str(run_dir)])
    assert result.exit_code == 2
    assert message in one_error_line(result)
    assert not run_dir.exists()


@pytest.fixture
def fake_cluster(monkeypatch):
    """Pretend docker answers; `set(cluster)` decides what lifecycle.find returns."""
    monkeypatch.setattr("chaoskit.cluster.engine.connect", lambda: object())

    def set_cluster(cluster):
        monkeypatch.setattr(lifecycle, "find", lambda client: cluster)
    return set_cluster


def test_no_cluster_exits_2(tmp_path: Path, fake_cluster):
    fake_cluster(None)
    result = run(["--run-dir", str(tmp_path / "run")])
    assert result.exit_code == 2
    assert "no running chaoskit cluster" in one_error_line(result)
    assert not (tmp_path / "run").exists()


def test_unreachable_proxy_exits_2(tmp_path: Path, fake_cluster):
    class Unreachable:
        version = "5.5.0"

        def nodes(self):  # TEST-NET-1: never routed
            return [Node("proxy", "proxy", "cid", "192.0.2.1", "running")]

    fake_cluster(Unreachable())
    result = run(["--run-dir", str(tmp_path / "run")])
    assert result.exit_code == 2
    assert "the proxy at 192.0.2.1:8081 is unreachable" in one_error_line(result)
    assert not (tmp_path / "run").exists()
