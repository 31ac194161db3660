"""replay and shrink of a run of the user's own files (--config) or through a proxy run the same deployment.

Fake run directories as `chaoskit run` leaves them (no Docker): the scenario
file as given, plan.json, the ledger's meta, and for a --config run the
user's files (user-config/) and rewrites.json.
"""
from __future__ import annotations

import json
import shutil
import sqlite3
import tarfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from diagnosis_support import make_run

from chaoskit import orchestrate
from chaoskit.audit.known_keys import load as load_keys
from chaoskit.audit.run_audit import USER_FILES, record_user_files, write_rewrites
from chaoskit.cli import main
from chaoskit.errors import UsageError
from chaoskit.repro import bundle, recorded, scenario_file
from chaoskit.scenario import Overrides, load

CORRECTED = Path(__file__).parent / "data" / "audit" / "corrected"
SETS = ("broker.flushDiskType=SYNC_FLUSH", "controller.notifyBrokerRoleChanged=true")


@pytest.fixture(scope="module", autouse=True)
def known_keys() -> None:
    load_keys("5.5.0")


def user_files(where: Path) -> Path:
    """The corrected seed files, one of them in a subfolder, beside a file that is no RocketMQ file."""
    where.mkdir(parents=True)
    for f in CORRECTED.iterdir():
        shutil.copy(f, where / f.name)
    (where / "brokers").mkdir()
    shutil.move(where / "broker-n1.conf", where / "brokers" / "broker-n1.conf")
    (where / "notes.txt").write_text("not a RocketMQ file\n")
    return where


def config_run(tmp_path: Path, sets: tuple[str, ...] = SETS) -> tuple[Path, Path]:
    """A --config run directory as orchestrate.run writes it, and the (now deleted) folder it ran."""
    mine = user_files(tmp_path / "mine")
    scenario = load("stale-master", Overrides(config=str(mine), sets=sets))
    run = make_run(tmp_path / "r", overrides=Overrides(config=str(mine), sets=sets))
    record_user_files(run, scenario.config_path)
    write_rewrites(run, scenario.user_config.rewrites)
    return run, mine


def test_a_run_records_the_users_files_byte_for_byte(tmp_path):
    run, mine = config_run(tmp_path)
    copied = sorted(p.relative_to(run / USER_FILES).as_posix() for p in (run / USER_FILES).rglob("*") if p.is_file())
    assert copied == ["broker-n0.conf", "brokers/broker-n1.conf", "namesrv-n0.conf", "namesrv-n1.conf", "namesrv-n2.conf"]
    assert all((run / USER_FILES / c).read_bytes() == (mine / c).read_bytes() for c in copied)


def test_replay_of_a_config_run_runs_the_recorded_files_and_overrides(tmp_path, monkeypatch):
    run, mine = config_run(tmp_path)
    want = load("stale-master", Overrides(config=str(mine), sets=SETS))
    shutil.rmtree(mine)   # replay needs only the run directory
    got = recorded.load_run(run)
    assert got.cluster == want.cluster
    assert got.cluster.overrides == {"broker": {"flushDiskType": "SYNC_FLUSH"},
                                     "controller": {"notifyBrokerRoleChanged": "true"}}
    assert got.cluster.node_overrides["namesrv-2"]["controllerDLegerSelfId"] == "n2"
    assert got.config_path == run / USER_FILES
    assert [r.to_dict() | {"file": Path(r.file).name} for r in got.user_config.rewrites] == [
        r.to_dict() | {"file": Path(r.file).name} for r in want.user_config.rewrites]
    calls = []
    monkeypatch.setattr(orchestrate, "run", lambda sc, **kw: calls.append(sc) or orchestrate.RunResult(
        tmp_path / "new", False, "", None))
    res = CliRunner().invoke(main, ["replay", str(run)])
    assert res.exit_code == 1, res.output
    assert [sc.cluster for sc in calls] == [want.cluster]


def test_a_config_run_of_before_the_files_were_recorded_is_refused(tmp_path, monkeypatch):
    run, _ = config_run(tmp_path)
    shutil.rmtree(run / USER_FILES)
    monkeypatch.setattr(orchestrate, "run", lambda *a, **k: pytest.fail("a run started"))
    for command in ("replay", "shrink"):
        res = CliRunner().invoke(main, [command, str(run)])
        assert res.exit_code == 2
        assert res.output == (f"chaoskit: error: {run} ran your --config files but holds no copy of them (user-config/ is "
                              "missing): run its scenario again with `chaoskit run SCENARIO --config DIR`\n"), res.output


def test_unreadable_recorded_files_are_one_line_and_exit_2(tmp_path, monkeypatch):
    run, _ = config_run(tmp_path)
    (run / USER_FILES / "broker-n0.conf").write_bytes(b"brokerName=a\0\n")
    monkeypatch.setattr(orchestrate, "run", lambda *a, **k: pytest.fail("a run started"))
    res = CliRunner().invoke(main, ["replay", str(run)])
    assert res.exit_code == 2
    assert res.output == (f"chaoskit: error: {run}: the recorded --config files cannot be read: {run / USER_FILES}/broker-n0.conf "
                          "is a binary file, not a RocketMQ configuration file\n"), res.output


def test_a_proxy_run_replays_its_proxy_properties(tmp_path):
    overrides = Overrides(access="proxy", sets=("proxy.grpcThreadPoolNums=8", "broker.minInSyncReplicas=2"))
    run = make_run(tmp_path, overrides=overrides)
    want = load("stale-master", overrides)
    got = recorded.load_run(run)
    assert got.cluster == want.cluster
    assert got.cluster.overrides == {"broker": {"allAckInSyncStateSet": "true", "minInSyncReplicas": "2"},
                                     "proxy": {"grpcThreadPoolNums": "8"}}


def test_a_run_of_before_cluster_overrides_was_recorded_replays_from_broker_and_controller_config(tmp_path):
    run = make_run(tmp_path, overrides=Overrides(sets=("broker.minInSyncReplicas=2", "controller.x.y=1")))
    conn = sqlite3.connect(run / "ledger.db")
    with conn:
        conn.execute("DELETE FROM meta WHERE key = 'cluster_overrides'")
    conn.close()
    assert recorded.load_run(run).cluster.overrides == {"broker": {"allAckInSyncStateSet": "true", "minInSyncReplicas": "2"},
                                                        "controller": {"x.y": "1"}}


def fake_shrink(tmp_path: Path, monkeypatch) -> list:
    """orchestrate.run stand-in: fails whenever a fault step is in the plan."""
    calls = []

    def run(scenario, **kw):
        calls.append(scenario)
        return orchestrate.RunResult(tmp_path / f"try{len(calls)}", not (scenario.plan and scenario.plan.steps), "", None)
    monkeypatch.setattr(orchestrate, "run", run)
    return calls


def test_shrink_of_a_config_run_writes_a_runnable_minimal_scenario_with_the_same_deployment(tmp_path, monkeypatch):
    run, mine = config_run(tmp_path)
    want = load("stale-master", Overrides(config=str(mine), sets=SETS))
    shutil.rmtree(mine)
    calls = fake_shrink(tmp_path, monkeypatch)
    res = CliRunner().invoke(main, ["shrink", str(run)])
    assert res.exit_code == 0, res.output
    assert {sc.cluster == want.cluster for sc in calls} == {True}
    minimal = run / "shrink" / "minimal.toml"
    assert 'config = "user-config"' in minimal.read_text()
    assert sorted(p.name for p in (run / "shrink" / USER_FILES).rglob("*.conf")) == sorted(p.name for p in CORRECTED.iterdir())
    # `chaoskit run minimal.toml` loads it with no options, from anywhere
    monkeypatch.chdir(tmp_path)
    got = load(str(minimal.relative_to(tmp_path)))
    assert got.cluster == want.cluster
    assert [(s.fault, s.duration) for s in got.plan.steps] == [("partition", 3.5)]


def test_shrink_of_a_proxy_run_keeps_access_and_proxy_properties(tmp_path, monkeypatch):
    overrides = Overrides(access="proxy", sets=("proxy.grpcThreadPoolNums=8",))
    run = make_run(tmp_path, overrides=overrides)
    fake_shrink(tmp_path, monkeypatch)
    res = CliRunner().invoke(main, ["shrink", str(run)])
    assert res.exit_code == 0, res.output
    got = load(str(run / "shrink" / "minimal.toml"))
    assert got.cluster == load("stale-master", overrides).cluster
    assert (got.cluster.access, got.cluster.overrides["proxy"]) == ("proxy", {"grpcThreadPoolNums": "8"})


def test_a_written_scenario_of_user_files_round_trips(tmp_path):
    mine = user_files(tmp_path / "mine")
    want = load("stale-master", Overrides(config=str(mine), sets=SETS))
    got = scenario_file.write(want, tmp_path / "out" / "copy.toml")
    assert (got.cluster, got.plan, got.workloads, got.config_path) == (
        want.cluster, want.plan, want.workloads, tmp_path / "out" / USER_FILES)
    assert scenario_file.write(got, tmp_path / "out" / "again.toml").cluster == want.cluster  # its own files: kept


def test_a_scenario_naming_its_own_files_keeps_its_tables_but_config_replaces_them(tmp_path):
    user_files(tmp_path / "mine")
    (tmp_path / "s.toml").write_text(
        '[cluster]\nconfig = "mine"\n[cluster.broker]\nflushDiskType = "SYNC_FLUSH"\n'
        + '[[workloads]]\nkind = "queue"\n')
    assert load(str(tmp_path / "s.toml")).cluster.overrides == {"broker": {"flushDiskType": "SYNC_FLUSH"}}
    assert load(str(tmp_path / "s.toml"), Overrides(config=str(tmp_path / "mine"))).cluster.overrides == {}


def test_recording_unreadable_user_files_is_a_usage_error(tmp_path):
    with pytest.raises(UsageError, match=f"^--config: no such file or folder: {tmp_path / 'gone'}$"):
        record_user_files(tmp_path, tmp_path / "gone")


def test_meta_records_the_role_overrides_alone(tmp_path):
    run, _ = config_run(tmp_path)
    meta = recorded.run_meta(run)
    assert json.loads(meta["cluster_overrides"]) == {"broker": {"flushDiskType": "SYNC_FLUSH"},
                                                     "controller": {"notifyBrokerRoleChanged": "true"}}


def test_the_bundle_of_a_config_run_reproduces_with_its_files(tmp_path):
    run, mine = config_run(tmp_path)
    want = load("stale-master", Overrides(config=str(mine), sets=SETS))
    shutil.rmtree(mine)
    with tarfile.open(bundle.build(run, tmp_path / "b.tar.gz")) as tar:
        tar.extractall(tmp_path / "x")
    [top] = (tmp_path / "x").iterdir()
    assert sorted(p.relative_to(top / USER_FILES).as_posix() for p in (top / USER_FILES).rglob("*")) == [
        "broker-n0.conf", "brokers", "brokers/broker-n1.conf", "namesrv-n0.conf", "namesrv-n1.conf", "namesrv-n2.conf"]
    report = (top / "BUG_REPORT.md").read_text()
    assert "- the deployment's own RocketMQ files as given: `user-config/`; what ran otherwise in Docker: " \
           "`rewrites.json`; broker-a-0 ran with `{\"allAckInSyncStateSet\": \"true\", \"brokerClusterName\"" in report
    assert "broker properties changed from the defaults" not in report
    assert "`.venv/bin/chaoskit run as-run.toml`" in report
    as_run = load(str(top / "as-run.toml"))
    assert (as_run.cluster, as_run.plan, as_run.duration) == (want.cluster, want.plan, want.duration)
    assert json.loads((top / "rewrites.json").read_text()) == json.loads((run / "rewrites.json").read_text())


def test_a_config_run_records_its_files_and_role_overrides_before_the_cluster_starts(tmp_path, monkeypatch):
    from chaoskit.cluster import compose, engine, lifecycle
    from workloads import access

    mine = user_files(tmp_path / "mine")
    scenario = load("stale-master", Overrides(config=str(mine), sets=SETS))
    run_dir = tmp_path / "store" / "run"
    run_dir.mkdir(parents=True)
    monkeypatch.setattr(access, "prepare", lambda mode: None)
    monkeypatch.setattr(engine, "connect", lambda: object())
    monkeypatch.setattr(orchestrate.runstore, "create", lambda name: run_dir)
    monkeypatch.setattr(compose, "down", lambda: None)

    def up(spec, log):  # the cluster never comes up: the run ends at once, its evidence written
        raise lifecycle.ClusterNotReady("namesrv-0", "test", "")
    monkeypatch.setattr(lifecycle, "up", up)
    monkeypatch.setattr(orchestrate, "finish", lambda *a, **k: {"valid": "unknown", "reason": "test"})
    orchestrate.run(scenario, echo=lambda m: None)
    assert sorted(p.name for p in (run_dir / USER_FILES).rglob("*.conf")) == sorted(p.name for p in CORRECTED.iterdir())
    conn = sqlite3.connect(run_dir / "ledger.db")
    [(overrides,)] = conn.execute("SELECT value FROM meta WHERE key = 'cluster_overrides'").fetchall()
    conn.close()
    assert json.loads(overrides) == {"broker": {"flushDiskType": "SYNC_FLUSH"},
                                     "controller": {"notifyBrokerRoleChanged": "true"}}
