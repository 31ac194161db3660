"""Shared fixtures. `cluster` is the one real RocketMQ cluster of this machine."""
from __future__ import annotations

import os

import pytest

from chaoskit.cluster.image import DEFAULT_VERSION
from chaoskit.cluster.spec import ClusterSpec


@pytest.fixture(scope="session")
def cluster():
    """A ready cluster (started or reused by `up`); left running for the next test.

    Tests that break it (faults) must heal it before they end.
    CHAOSKIT_TEST_VERSION selects the RocketMQ version under test.
    """
    from chaoskit.cluster.lifecycle import up

    version = os.environ.get("CHAOSKIT_TEST_VERSION", DEFAULT_VERSION)
    return up(ClusterSpec(version=version, replicas=2), timeout=300, log=lambda m: print(f"cluster: {m}"))
