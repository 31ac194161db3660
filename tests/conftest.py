"""Shared fixtures. `cluster` is the one real RocketMQ cluster of this machine."""
from __future__ import annotations

import os

import pytest

from chaoskit.cluster.spec import DEFAULT_VERSION, ClusterSpec


def suite_spec() -> ClusterSpec:
    """The suite's cluster: a Proxy beside the brokers, so both access paths can be tested."""
    return ClusterSpec(version=os.environ.get("CHAOSKIT_TEST_VERSION", DEFAULT_VERSION), replicas=2, access="proxy")


@pytest.fixture(scope="session")
def cluster():
    """A ready cluster (started or reused by `up`), with a Proxy so both access paths can be
    tested; left running for the next test.

    Tests that break it (faults) must heal it before they end.
    CHAOSKIT_TEST_VERSION selects the RocketMQ version under test.
    """
    from chaoskit.cluster.lifecycle import up

    return up(suite_spec(), timeout=300, log=lambda m: print(f"cluster: {m}"))


@pytest.fixture
def restores_cluster(cluster):
    """For a test that replaces the suite's cluster (a `chaoskit run` starts its own): bring it back after."""
    from chaoskit.cluster.lifecycle import up

    yield cluster
    up(suite_spec(), timeout=300, log=lambda m: print(f"cluster: {m}"))


@pytest.fixture
def nothing_started(tmp_path, monkeypatch):
    """No Docker engine reachable for the test (and its subprocesses).

    A command that answers bad input with its own one-line message under this
    fixture started nothing: any attempt would have ended in "docker is unreachable".
    """
    monkeypatch.setenv("DOCKER_HOST", f"unix://{tmp_path}/no-docker.sock")


def assert_usage_error(res, message: str) -> None:
    """A CLI result that is bad input: exit 2 and exactly one line naming the problem."""
    assert res.returncode == 2, res.stderr
    assert len(res.stderr.strip().splitlines()) == 1 and message in res.stderr, res.stderr


@pytest.fixture
def book(tmp_path):
    """A fresh file ledger in a run directory, meta saying the run ended cleanly (test_checker_support.Ledger)."""
    from test_checker_support import Ledger

    return Ledger(tmp_path / "ledger.db")
