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
    (["--consumer", "pull", "--access", "proxy"], "unknown consumer 'pull'"),
    (["--consumer", "push"], "--consumer chooses a gRPC consumer, which only makes sense with --access proxy"),
    (["--access", "grpc"], "unknown access mode 'grpc': use remoting or proxy"),
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


@pytest.mark.parametrize("access, node, message", [
    # 127.0.0.2: loopback, where nothing listens (the cluster's proxy port is published on 127.0.0.1 only)
    ("remoting", Node("namesrv-0", "namesrv", "cid", "127.0.0.2", "running"), "127.0.0.2:9876 is unreachable"),
    ("proxy", Node("proxy", "proxy", "cid", "127.0.0.2", "running"), "127.0.0.2:8081 is unreachable"),
    ("proxy", Node("namesrv-0", "namesrv", "cid", "127.0.0.2", "running"), "no running chaoskit cluster to reach over proxy"),
])
def test_unreachable_cluster_exits_2(tmp_path: Path, fake_cluster, access: str, node: Node, message: str):
    class Unreachable:
        version = "5.5.0"

        def nodes(self):
            return [node]

    fake_cluster(Unreachable())
    result = run(["--access", access, "--run-dir", str(tmp_path / "run")])
    assert result.exit_code == 2
    assert message in one_error_line(result)
    assert not (tmp_path / "run").exists()
