"""Scenario files and `chaoskit run` options: bad input is one line, exit 2, and starts nothing."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from conftest import assert_usage_error

from chaoskit.errors import UsageError
from chaoskit.scenario import Overrides, load


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "chaoskit", "run", *args], capture_output=True, text=True, timeout=60)


def test_shipped_scenarios_load_with_their_expectations():
    no_loss, lossy = load("no-loss"), load("lossy-ack")
    assert no_loss.expected_verdict == "pass" and lossy.expected_verdict == "fail"
    assert no_loss.cluster.overrides["broker"]["allAckInSyncStateSet"] == "true"
    assert lossy.cluster.overrides["broker"]["allAckInSyncStateSet"] == "false"
    assert {w.kind for w in no_loss.workloads} == {"queue", "fifo"}
    assert {s.fault for s in no_loss.plan.steps} == {"kill", "pause", "partition"}
    assert {s.fault for s in lossy.plan.steps} == {"partition", "kill"}
    # the seed's deployment (remoting, no proxy) by default; the proxy path kept verified by its own scenario
    assert (no_loss.cluster.access, lossy.cluster.access, load("no-loss-proxy").cluster.access) == (
        "remoting", "remoting", "proxy")
    assert load("no-loss-proxy").plan == no_loss.plan
    stale = load("stale-master")
    assert stale.cluster.access == "remoting"
    assert stale.expected_verdict == "pass" and stale.cluster.overrides["broker"]["allAckInSyncStateSet"] == "true"
    assert [(s.start, s.params["shape"]) for s in stale.plan.steps] == [(15, "from-controllers"), (45, "from-controllers"),
                                                                        (75, "from-controllers")]


def test_overrides_replace_scenario_values():
    sc = load("no-loss", Overrides(duration=60, rate=100, faults=("kill",), interval=20, seed=3,
                                   rocketmq_version="5.3.3", replicas=3, sets=("broker.flushDiskType=SYNC_FLUSH",)))
    assert sc.duration == 60 and all(w.duration == 60 for w in sc.workloads)
    assert sum(w.rate for w in sc.workloads) == pytest.approx(100)
    assert {s.fault for s in sc.plan.steps} == {"kill"} and sc.plan.interval == 20 and sc.plan.seed == 3
    assert sc.cluster.version == "5.3.3" and sc.cluster.replicas == 3
    assert sc.cluster.overrides["broker"]["flushDiskType"] == "SYNC_FLUSH"
    assert load("no-loss", Overrides(faults=())).plan is None


def test_same_seed_same_plan():
    assert load("no-loss", Overrides(seed=9)).plan == load("no-loss", Overrides(seed=9)).plan


@pytest.mark.parametrize("text, message", [
    ('expected_verdict = "pass"\n[run]\nduraton = 5\n', "unknown key 'duraton' (did you mean 'duration'?)"),
    ('[faults]\nkinds = ["kil"]\n[[workloads]]\nkind = "queue"\n', "kil"),
    ('[[workloads]]\nkind = "queue"\nrat = 5\n', "unknown key 'rat' (did you mean 'rate'?)"),
    ('[[workloads]]\nkind = "queues"\n', "unknown workload kind 'queues'"),
    ('expected_verdict = "maybe"\n[[workloads]]\nkind = "queue"\n', "expected_verdict must be 'pass' or 'fail'"),
    ('[cluster]\nreplicas = 7\n[[workloads]]\nkind = "queue"\n', "--replicas must be 2 or 3"),
    ('[cluster]\nrocketmq_version = "4.9"\n[[workloads]]\nkind = "queue"\n', "unknown RocketMQ version"),
    ('[run\n', "not valid TOML"),
    ('description = "no workloads"\n', "at least one [[workloads]]"),
    ('[cluster]\naccess = "grpc"\n[[workloads]]\nkind = "queue"\n', "unknown access mode 'grpc': use remoting or proxy"),
    ('[cluster.proxy]\ngrpcServerPort = 9\n[[workloads]]\nkind = "queue"\n',
     "proxy properties were given, but access mode 'remoting' runs no proxy"),
    ('[[workloads]]\nkind = "queue"\nconsumer = "push"\n', "consumer only make sense through a proxy"),
    ('[cluster]\naccess = "remoting"\n[[workloads]]\nkind = "queue"\ninvisible_duration = 30\n',
     "invisible_duration only make sense through a proxy"),
])
def test_bad_scenario_files(tmp_path: Path, text: str, message: str):
    path = tmp_path / "typo.toml"
    path.write_text(text)
    with pytest.raises(UsageError) as err:
        load(str(path))
    assert message in str(err.value)
    assert_usage_error(run_cli(str(path)), message)


@pytest.mark.parametrize("args, message", [
    (["no-los"], "unknown scenario 'no-los' (did you mean 'no-loss'?)"),
    (["no-loss", "--rate", "-5"], "--rate must be a number > 0"),
    (["no-loss", "--faults", "kill,explode"], "explode"),
    (["no-loss", "--interval", "0"], "interval"),
    (["no-loss", "--replicas", "7"], "--replicas must be 2 or 3"),
    (["no-loss", "--set", "broker.flushDiskType"], "bad --set"),
    (["no-loss", "--rocketmq-version", "six"], "unknown RocketMQ version 'six'"),
    (["no-loss", "--access", "grpc"], "unknown access mode 'grpc'"),
    (["no-loss", "--set", "proxy.grpcServerPort=9"], "access mode 'remoting' runs no proxy"),
])
def test_bad_options_are_one_line_exit_2_and_start_nothing(args, message, nothing_started):
    assert_usage_error(run_cli(*args), message)


def test_missing_remoting_client_says_how_to_install_it_and_starts_nothing(tmp_path: Path):
    """A remoting run with no client jars in the cache: one line naming the fix, exit 2, no run directory."""
    env = {**__import__("os").environ, "CHAOSKIT_CACHE": str(tmp_path / "empty-cache"),
           "CHAOSKIT_STORE": str(tmp_path / "store")}
    res = subprocess.run([sys.executable, "-m", "chaoskit", "run", "no-loss"],
                         capture_output=True, text=True, timeout=60, env=env)
    assert_usage_error(res, "the RocketMQ remoting client is not installed")
    assert "run ./setup.sh" in res.stderr
    assert not (tmp_path / "store").exists()
