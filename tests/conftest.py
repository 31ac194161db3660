"""Shared fixtures. `cluster` is the one real RocketMQ cluster of this machine."""
from __future__ import annotations

import os

import pytest

from chaoskit.cluster.image import DEFAULT_VERSION
from chaoskit.cluster.spec import ClusterSpec


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
def nothing_started():
    """Fails the test if it created or removed any container (bad input must start nothing)."""
    import docker

    client = docker.from_env()
    before = {c.id for c in client.containers.list(all=True)}
    yield
    assert {c.id for c in client.containers.list(all=True)} == before


def assert_usage_error(res, message: str) -> None:
    """A CLI result that is bad input: exit 2 and exactly one line naming the problem."""
    assert res.returncode == 2, res.stderr
    assert len(res.stderr.strip().splitlines()) == 1 and message in res.stderr, res.stderr
