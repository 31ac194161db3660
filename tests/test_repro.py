"""replay, shrink and bundle on a recorded run directory, with `chaoskit.orchestrate.run` faked (no Docker)."""
from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from diagnosis_support import make_run

from chaoskit import orchestrate
from chaoskit.cli import main
from chaoskit.diagnosis import rundir as diagnosis
from chaoskit.repro import bundle, recorded, scenario_file
from chaoskit.scenario import Overrides, load


def test_a_run_directory_gives_back_the_scenario_as_it_ran(tmp_path):
    run = make_run(tmp_path, overrides=Overrides(rate=100, rocketmq_version="5.3.3", sets=("broker.minInSyncReplicas=2",)))
    got = recorded.load_run(run)
    want = load("stale-master", Overrides(rate=100, rocketmq_version="5.3.3", sets=("broker.minInSyncReplicas=2",)))
    assert got.name == "stale-master"
    assert (got.cluster, got.workloads, got.plan, got.duration, got.seed) == (
        want.cluster, want.workloads, want.plan, want.duration, want.seed)
    assert got.cluster.overrides["broker"] == {"allAckInSyncStateSet": "true", "minInSyncReplicas": "2"}


def test_a_scenario_file_round_trips(tmp_path):
    want = load("lossy-ack")
    got = scenario_file.write(want, tmp_path / "copy.toml", header="a copy\nof lossy-ack")
    assert (got.name, got.cluster, got.workloads, got.plan, got.duration, got.seed, got.expected_verdict) == (
        want.name, want.cluster, want.workloads, want.plan, want.duration, want.seed, want.expected_verdict)
    assert (tmp_path / "copy.toml").read_text().startswith("# a copy\n# of lossy-ack\n")


def members(path: Path) -> dict[str, bytes]:
    with tarfile.open(path) as tar:
        return {m.name.split("/", 1)[1]: tar.extractfile(m).read() for m in tar.getmembers()}


def test_the_bundle_holds_the_evidence_and_a_bug_report(tmp_path):
    run = make_run(tmp_path)
    out = bundle.build(run, tmp_path / "b.tar.gz")
    assert out.stat().st_size < bundle.MAX_BYTES
    files = members(out)
    assert sorted(files) == ["BUG_REPORT.md", "as-run.toml", "config/broker-a-0/broker.conf", "excerpts/broker-a-0.log",
                             "excerpts/broker-a-0.store.log", "excerpts/broker-a-1.log", "excerpts/broker-a-1.store.log",
                             "excerpts/namesrv-0.log", "lost.csv", "plan.json", "results.json", "scenario.toml"]
    rows = list(csv.DictReader(io.StringIO(files["lost.csv"].decode())))
    assert [(r["value"], r["ack_utc"], r["message_id"], r["delivered"], r["in_final_read"]) for r in rows] == [
        ("queue/v2", "2026-12-03T00:18:30.000Z", "ID-v2", "no", "no"),
        ("queue/v3", "2026-12-03T00:18:38.000Z", "ID-v3", "yes", "no"),
        ("queue/v4", "2026-12-03T00:18:50.000Z", "ID-v4", "no", "no")]
    report = files["BUG_REPORT.md"].decode()
    assert report.startswith("# RocketMQ 5.5.0: acknowledged messages lost (stale-master)\n")
    for part in ("## Environment", '- broker properties changed from the defaults: `{"allAckInSyncStateSet": "true"}`',
                 "## Steps to reproduce",
                 "`.venv/bin/chaoskit run as-run.toml` (`as-run.toml` from this archive, the scenario as this run ran it)",
                 "## Expected",
                 "(controller mode, `allAckInSyncStateSet=true`)", "## Actual",
                 "## Evidence", "- **stale_master_ack** (00:18:29 UTC-00:18:41 UTC): acknowledged by broker-a-1 in epoch 1",
                 "- unexplained lost values: 1", "| 00:18:40 UTC | broker-a-1 | truncation | 2 | 7,682,278 -> 5,477,495 |",
                 "## Code path", "AutoSwitchHAService.removeConnection (AutoSwitchHAService.java:101-119)"):
        assert part in report, part
    excerpt = files["excerpts/broker-a-1.store.log"].decode()
    assert "=== around truncation of broker-a-1 at 00:18:40 UTC" in excerpt
    assert "truncate dirty files to 5477495" in excerpt


def test_a_queue_offset_reused_window_brings_its_code_path(tmp_path):
    run = make_run(tmp_path)
    diagnosis.write(run)  # results.json gains the diagnosis, as a run's end step writes it
    results = json.loads((run / "results.json").read_text())
    window = {**results["diagnosis"]["windows"][0], "kind": "queue_offset_reused"}
    results["diagnosis"]["windows"] = [window]
    (run / "results.json").write_text(json.dumps(results))
    report = members(bundle.build(run, tmp_path / "b.tar.gz"))["BUG_REPORT.md"].decode()
    assert "its queue\noffsets repeat those of the values the old master cut" in report
    assert "AutoSwitchHAService.removeConnection" not in report  # only the windows found bring their code paths


def test_bundle_names_shrinks_minimal_scenario_when_there_is_one(tmp_path):
    run = make_run(tmp_path)
    (run / "shrink").mkdir()
    (run / "shrink" / "minimal.toml").write_text("# minimal\n")
    files = members(bundle.build(run, tmp_path / "b.tar.gz"))
    assert files["minimal.toml"] == b"# minimal\n"
    assert "`.venv/bin/chaoskit run minimal.toml`" in files["BUG_REPORT.md"].decode()


@pytest.mark.parametrize("args, message", [
    (["bundle", "{missing}"], "no run directory"),
    (["bundle", "{bare}"], "holds no broker or controller logs"),
    (["replay", "{bare}"], "holds no broker or controller logs"),
    (["shrink", "{bare}"], "holds no broker or controller logs"),
    (["shrink", "{run}", "--tries", "0"], "--tries must be at least 1, not 0"),
    (["shrink", "{passed}"], "did not fail (verdict pass): nothing to shrink"),
])
def test_bad_input_is_one_line_and_exit_2(tmp_path, monkeypatch, args, message):
    monkeypatch.setattr(orchestrate, "run", lambda *a, **k: pytest.fail("a run started"))
    dirs = {"missing": tmp_path / "nope", "bare": make_run(tmp_path / "b", with_logs=False), "run": make_run(tmp_path / "r")}
    passed = make_run(tmp_path / "p")
    results = json.loads((passed / "results.json").read_text())
    (passed / "results.json").write_text(json.dumps({**results, "valid": True}))
    dirs["passed"] = passed
    res = CliRunner().invoke(main, [a.format(**dirs) for a in args])
    assert res.exit_code == 2
    assert len(res.output.strip().splitlines()) == 1 and message in res.output, res.output


def test_a_run_directory_shrink_cannot_write_to_is_one_line_and_starts_nothing(tmp_path, monkeypatch):
    monkeypatch.setattr(orchestrate, "run", lambda *a, **k: pytest.fail("a run started"))
    run = make_run(tmp_path)
    (run / "shrink").write_text("a file where shrink's folder goes\n")  # root ignores modes; this it cannot
    res = CliRunner().invoke(main, ["shrink", str(run)])
    assert res.exit_code == 2
    assert res.output.startswith(f"chaoskit: error: cannot write {run / 'shrink'}: ") and res.output.count("\n") == 1


def fake_runs(tmp_path: Path, verdict_of):
    """orchestrate.run stand-in: records each call, answers verdict_of(scenario)."""
    calls = []

    def run(scenario, keep_cluster=False, echo=print, progress="auto", origin=None):
        calls.append((scenario, origin, keep_cluster))
        verdict = verdict_of(scenario)
        return orchestrate.RunResult(tmp_path / f"try{len(calls)}", verdict, "", None)
    return calls, run


def test_replay_runs_the_recorded_scenario_naming_its_origin(tmp_path, monkeypatch):
    run = make_run(tmp_path)
    calls, fake = fake_runs(tmp_path, lambda s: False)
    monkeypatch.setattr(orchestrate, "run", fake)
    res = CliRunner().invoke(main, ["replay", str(run)])
    assert res.exit_code == 1
    [(scenario, origin, keep)] = calls
    assert (scenario.name, scenario.plan, origin, keep) == (
        "stale-master", recorded.load_run(run).plan, {"replay_of": str(run.resolve())}, False)


def test_shrink_ends_with_one_step_and_writes_the_minimal_scenario(tmp_path, monkeypatch):
    run = make_run(tmp_path)
    # the fake cluster loses data whenever a cut of 10 s or more is in the plan
    calls, fake = fake_runs(tmp_path, lambda s: not (s.plan and any(st.duration >= 10 for st in s.plan.steps)))
    monkeypatch.setattr(orchestrate, "run", fake)
    (run / "shrink").mkdir()
    (run / "shrink" / "try-099.toml").write_text("# an earlier shrink's\n")
    res = CliRunner().invoke(main, ["shrink", str(run), "--tries", "2"])
    assert res.exit_code == 0, res.output
    minimal = load(str(run / "shrink" / "minimal.toml"))
    assert [(s.start, s.duration, s.fault) for s in minimal.plan.steps] == [(10.0, 14.0, "partition")]
    assert (minimal.duration, sum(w.rate for w in minimal.workloads)) == (34.0, 12.5)
    assert {origin["shrink_of"] for _, origin, _ in calls} == {str(run.resolve())}
    assert f"fault seconds 42 -> 14; {len(calls)} run(s) spent" in res.output
    assert len(list((run / "shrink").glob("try-*.toml"))) == len(calls)


def test_a_run_of_one_event_on_one_node_is_one_row_of_the_bug_report():
    from chaoskit.repro.bundle import bug_report

    def event(ts: float, broker: str, detail: str) -> dict:
        return {"kind": "sync_state_set_local", "ts": ts, "broker": broker, "epoch": None, "from_offset": None,
                "to_offset": None, "detail": detail}

    events = [event(1.0, "broker-a-1", "local SyncStateSet [1, 2]"), event(1.1, "broker-a-1", "local SyncStateSet [1, 2]"),
              event(1.2, "broker-a-1", "local SyncStateSet [1, 2]"), event(1.3, "broker-a-0", "local SyncStateSet [1, 2]"),
              event(1.4, "broker-a-1", "local SyncStateSet [2]")]
    text = bug_report({"access": "remoting"}, {"diagnosis": {"events": events, "windows": []}}, [], [])
    rows = [line for line in text.splitlines() if "| sync_state_set_local |" in line]
    assert [r.split("|")[2].strip() + " " + r.split("|")[6].strip() for r in rows] == [
        "broker-a-1 local SyncStateSet [1, 2] (x3)", "broker-a-0 local SyncStateSet [1, 2]",
        "broker-a-1 local SyncStateSet [2]"]
    assert "the official Java remoting client" in text and "Proxy" not in text


@pytest.mark.parametrize("ts, iso", [(1796611825.0471616, "2026-12-07T02:50:25.047Z"),
                                     (1796611825.9996, "2026-12-07T02:50:26.000Z"), (None, "")])
def test_times_in_the_bundle_are_utc_to_the_millisecond(ts, iso):
    assert bundle._iso(ts) == iso


@pytest.mark.parametrize("content", ["{not json", "[1, 2]", '{"reason": "no verdict"}'])
def test_an_unreadable_results_json_is_one_line_and_exit_2(tmp_path, monkeypatch, content):
    monkeypatch.setattr(orchestrate, "run", lambda *a, **k: pytest.fail("a run started"))
    run = make_run(tmp_path)
    (run / "results.json").write_text(content)
    for command in ("shrink", "bundle"):
        res = CliRunner().invoke(main, [command, str(run)])
        assert res.exit_code == 2
        assert res.output.startswith(f"chaoskit: error: {run} has no readable results.json (")
        assert res.output.endswith(f"): run `chaoskit check {run}` first\n") and res.output.count("\n") == 1
    assert not (run / "bundle.tar.gz").exists()


def test_repro_and_audit_load_and_run_without_the_docker_sdk():
    corrected = Path(__file__).parent / "data" / "audit" / "corrected"
    code = ("import sys, pathlib, chaoskit.repro.recorded, chaoskit.repro.scenario_file, chaoskit.repro.shrink, "
            "chaoskit.repro.bundle, chaoskit.audit.run_audit, chaoskit.audit.known_keys, chaoskit.cluster.jars, "
            "chaoskit.audit.deployment as d; "
            f"d.audit(d.read_files([pathlib.Path({str(corrected)!r})]), '5.5.0'); "
            "print(sorted(m for m in sys.modules if m.split('.')[0] == 'docker'))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out == "[]\n"
