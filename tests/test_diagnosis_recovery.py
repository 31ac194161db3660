"""Why a cluster did not recover: the controller's refusals, expiries and registrations, and the replica's
progress, on lines recorded from a real 5.0.0 run (tests/data/diagnosis/5.0.0-norecovery/, its README)."""
from __future__ import annotations

import calendar
import csv
import json
import shutil
import sqlite3
from pathlib import Path

import pytest

from chaoskit import checker
from chaoskit.checker.faults import Fault
from chaoskit.diagnosis import events, recovery, rundir
from chaoskit.ledger import LedgerWriter
from reports.html import render
from reports.run import load_run
from reports.summary import summary_md

DATA = Path(__file__).parent / "data" / "diagnosis" / "5.0.0-norecovery"
T0 = calendar.timegm((2026, 12, 7, 4, 18, 0))  # the run's minute, UTC
META = json.loads((DATA / "meta.json").read_text())
FAULTS = [Fault(r["name"], r["target"], float(r["start_ts"]), float(r["end_ts"]))
          for r in csv.DictReader((DATA / "faults.csv").open())]
EXPLANATION = (
    "from 04:19:44 UTC on, the controller refused 41 times to take broker-a-1 back into "
    "the SyncStateSet (namesrv-1's log: 'the replicas {10.213.7.22:10911} don't alive'), although broker-a-1 had the "
    "master's log up to offset 10,389,960 (its HA client's report from 04:21:05 UTC on). The controller had taken "
    "broker-a-1 for dead at 04:19:34 UTC (its heartbeat expired; the partition of broker-a-1 (master) was on from "
    "04:19:20 UTC to 04:19:34 UTC), and broker-a-1 never registered with it again; 2 elections after that found no "
    "master (04:20:04 UTC, 04:20:34 UTC).")


def recorded() -> tuple[list[events.Event], dict[str, events.ParsedLog]]:
    logs = {}
    for path in sorted(DATA.glob("*.log")):
        with path.open() as f:
            logs[path.stem] = events.parse(path.stem, f, 0)
    return events.merge(logs.values()), logs


def test_the_recorded_lines_give_the_controllers_refusals_and_the_replicas_progress():
    found, logs = recorded()
    new = ("broker_registered", "broker_inactive", "sync_state_set_refused", "replica_offset", "controller_elect_failed")
    assert [(e.kind, e.ts - T0, e.broker, e.to_offset, e.detail) for e in found if e.kind in new] == [
        ("broker_registered", 44, "namesrv-1", None,
         "registered with the controller: BrokerAddrInfo [clusterName=chaoskit, brokerAddr=10.213.7.22:10911], broker id 0"),
        ("broker_inactive", 94, "namesrv-1", None,
         "heartbeat expired: BrokerAddrInfo [clusterName=chaoskit, brokerAddr=10.213.7.22:10911]"),
        ("sync_state_set_refused", 104, "namesrv-1", None,
         "SyncStateSet change refused: the replicas {10.213.7.22:10911} don't alive (x3)"),
        ("replica_offset", 104, "broker-a-1", 3030272, "replica has the log up to 3,030,272"),
        ("broker_inactive", 124, "namesrv-1", None,
         "heartbeat expired: BrokerAddrInfo [clusterName=chaoskit, brokerAddr=10.213.7.21:10911]"),
        ("controller_elect_failed", 124, "namesrv-1", None, "no master elected for broker-a"),
        ("broker_registered", 127, "namesrv-1", None,
         "registered with the controller: BrokerAddrInfo [clusterName=chaoskit, brokerAddr=10.213.7.21:10911], broker id 0"),
        ("sync_state_set_refused", 127, "namesrv-1", None,
         "SyncStateSet change refused: the current master epoch is:{4}, not {2}"),
        ("sync_state_set_refused", 127, "namesrv-1", None,
         "SyncStateSet change refused: the replicas {10.213.7.22:10911} don't alive (x3)"),
        ("replica_offset", 150, "broker-a-1", 6398364, "replica has the log up to 6,398,364"),
        ("broker_inactive", 154, "namesrv-1", None,
         "heartbeat expired: BrokerAddrInfo [clusterName=chaoskit, brokerAddr=10.213.7.21:10911]"),
        ("controller_elect_failed", 154, "namesrv-1", None, "no master elected for broker-a"),
        ("broker_registered", 157, "namesrv-1", None,
         "registered with the controller: BrokerAddrInfo [clusterName=chaoskit, brokerAddr=10.213.7.21:10911], broker id 0"),
        ("sync_state_set_refused", 157, "namesrv-1", None,
         "SyncStateSet change refused: the replicas {10.213.7.22:10911} don't alive"),
        ("sync_state_set_refused", 180, "namesrv-1", None,  # 23 s after the one before: a fold of its own
         "SyncStateSet change refused: the replicas {10.213.7.22:10911} don't alive (x34)"),
        ("replica_offset", 180, "broker-a-1", 9448852, "replica has the log up to 9,448,852"),
        ("replica_offset", 185, "broker-a-1", 10389960, "replica has the log up to 10,389,960"),
    ]
    # 36 offset reports, 4 offsets: a repeated offset is matched, never an event; the NameServer's own
    # "new broker registered ... HAService: ..." (route registration) is no controller registration
    assert {k: (v.lines, v.matched, v.unknown) for k, v in logs.items()} == {
        "broker-a-0": (2, 1, 1), "broker-a-1": (39, 39, 0), "namesrv-1": (52, 51, 1)}


def test_the_recorded_run_is_explained_by_the_controller_keeping_the_replica_out():
    found, _ = recorded()
    stuck = recovery.explain(found, META, FAULTS)
    assert stuck.explanation == EXPLANATION
    assert stuck.as_dict()["refused"] == [{
        "broker": "broker-a-1", "replica": "10.213.7.22:10911", "controller": "namesrv-1",
        "reason": "the replicas {10.213.7.22:10911} don't alive", "refusals": 41, "first_ts": T0 + 104,
        "expired_ts": T0 + 94, "expired_during": "the partition of broker-a-1 (master) was on from 04:19:20 UTC to 04:19:34 UTC",
        "registered_ts": None, "replicated_to": 10389960, "replicated_ts": T0 + 185,
        "no_master_ts": [T0 + 124, T0 + 154]}]


def test_a_run_that_recovered_or_recorded_nothing_has_no_explanation():
    found, _ = recorded()
    assert recovery.explain(found, {**META, "recovery_complete": "true"}, FAULTS) is None
    assert recovery.explain(found, {k: v for k, v in META.items() if k != "recovery_complete"}, FAULTS) is None


def test_no_refusal_in_the_logs_is_said_so():
    found, _ = recorded()
    stuck = recovery.explain([e for e in found if e.kind != "sync_state_set_refused"], META, FAULTS)
    assert (stuck.explanation, stuck.refused) == ("the logs read show no refusal by the controller that explains it", ())


T4 = calendar.timegm((2026, 12, 7, 4, 0, 0))  # 12:00:00 GMT+8


def _line(second: int, message: str) -> str:
    return f"2026-12-07 12:{second // 60:02}:{second % 60:02} INFO t - {message}"  # 5.1+ layout, GMT+8


def test_5_2_names_the_replica_by_broker_id_and_a_heartbeat_registers_it_again():
    # the format strings of 5.2.0-5.5.0 (DefaultBrokerHeartbeatManager, ReplicasInfoManager)
    info = "BrokerIdentityInfo{clusterName='chaoskit', brokerName='broker-a', brokerId=2}"
    lines = [_line(10, f"The broker channel [id: 0x1] expired, brokerInfo {info}, expired 10000ms"),
             _line(30, "Rejecting alter syncStateSet request because the replicas {2} don't alive"),
             _line(31, "Rejecting alter syncStateSet request because the replicas {2} don't alive"),
             _line(40, f"new broker registered, {info}, brokerId:2"),
             _line(50, "Rejecting alter syncStateSet request because the replicas {2} don't alive")]
    found = events.merge([events.parse("namesrv-0", lines, 8)])
    assert [(e.kind, e.ts - T4, e.detail) for e in found] == [
        ("broker_inactive", 10, f"heartbeat expired: {info}"),
        ("sync_state_set_refused", 30, "SyncStateSet change refused: the replicas {2} don't alive (x2)"),
        ("broker_registered", 40, f"registered with the controller: {info}, broker id 2"),
        ("sync_state_set_refused", 50, "SyncStateSet change refused: the replicas {2} don't alive"),
    ]
    stuck = recovery.explain(found, {"recovery_complete": "false"}, [])
    assert stuck.explanation == (
        "from 04:00:30 UTC on, the controller refused 3 times to take broker id 2 back into "
        "the SyncStateSet (namesrv-0's log: 'the replicas {2} don't alive'). The controller had taken broker id 2 for "
        "dead at 04:00:10 UTC (its heartbeat expired); broker id 2 registered with it again at 04:00:40 UTC.")


def test_refusals_without_an_expiry_in_the_logs_say_only_what_the_logs_hold():
    lines = [_line(5, "Rejecting alter syncStateSet request because the replicas {10.0.0.2:10911} don't alive"),
             _line(6, "new broker registered, BrokerAddrInfo [clusterName=c, brokerAddr=10.0.0.2:10911], brokerId:1")]
    found = events.merge([events.parse("namesrv-0", lines, 8)])
    stuck = recovery.explain(found, {"recovery_complete": "false", "topology": '{"broker-a-1": "10.0.0.2"}'}, FAULTS)
    assert stuck.explanation == ("from 04:00:05 UTC on, the controller refused 1 time to take broker-a-1 back into the "
                                 "SyncStateSet (namesrv-0's log: 'the replicas {10.0.0.2:10911} don't alive').")
    assert (stuck.refused[0].expired_ts, stuck.refused[0].registered_ts, stuck.refused[0].no_master_ts) == (None, None, ())


ON = "the partition of broker-a-1 (master) was on from 04:01:26 UTC to 04:01:40 UTC"


@pytest.mark.parametrize(("healed", "named"), [(100.7, ON), (100.0, ON), (99.9, "")])
def test_the_fault_named_is_the_one_on_in_the_expirys_logged_second(healed, named):
    found = [events.Event("broker_inactive", T4 + 100, "namesrv-0",
                          detail="heartbeat expired: BrokerAddrInfo [clusterName=c, brokerAddr=10.0.0.2:10911]"),
             events.Event("sync_state_set_refused", T4 + 110, "namesrv-0",
                          detail="SyncStateSet change refused: the replicas {10.0.0.2:10911} don't alive")]
    cut = Fault("partition", "broker-a-1 (master)", T4 + 86, T4 + healed)
    stuck = recovery.explain(found, {"recovery_complete": "false"}, [cut])
    assert stuck.refused[0].expired_during == named


def test_refusals_of_different_replicas_never_fold_together():
    lines = [_line(s, "Rejecting alter syncStateSet request because the replicas {" + who + "} don't alive")
             for s, who in ((1, "10.0.0.2:10911"), (2, "10.0.0.3:10911"), (3, "10.0.0.2:10911"), (4, "10.0.0.3:10911"))]
    found = events.merge([events.parse("namesrv-0", lines, 8)])
    assert [(e.detail, events.repeats(e)) for e in found] == [
        ("SyncStateSet change refused: the replicas {10.0.0.2:10911} don't alive (x2)", 2),
        ("SyncStateSet change refused: the replicas {10.0.0.3:10911} don't alive (x2)", 2)]
    stuck = recovery.explain(found, {"recovery_complete": "false", "topology": '{"broker-a-1": "10.0.0.2"}'}, [])
    assert [(r.broker, r.refusals) for r in stuck.refused] == [("broker-a-1", 2), ("10.0.0.3:10911", 2)]


def make_run(tmp_path: Path) -> Path:
    """A run directory of the recorded run: its lines, meta and faults, one value sent and received."""
    run = tmp_path / "run"
    (run / "logs").mkdir(parents=True)
    for path in DATA.glob("*.log"):
        shutil.copy(path, run / "logs" / path.name)
    writer = LedgerWriter(run / "ledger.db")
    for key, value in {**META, "ledger_complete": "false", "drain_complete": "true",
                       "final_read_complete": "true", "started_at": str(T0)}.items():
        writer.set_meta(key, value)
    writer.close()
    conn = sqlite3.connect(run / "ledger.db")
    with conn:
        conn.execute("INSERT INTO sends(value, process, invoke_ts, complete_ts, outcome) VALUES ('queue/v1', 'p0', ?, ?, 'ok')",
                     (T0 + 50, T0 + 50.01))
        conn.execute("INSERT INTO receives(value, process, ts) VALUES ('queue/v1', 'c0', ?)", (T0 + 51,))
        conn.execute("INSERT INTO final_reads(value, ts) VALUES ('queue/v1', ?)", (T0 + 300,))
        conn.executemany("INSERT INTO faults(name, target, start_ts, end_ts) VALUES (?, ?, ?, ?)",
                         [(f.name, f.target, f.start_ts, f.end_ts) for f in FAULTS])
    conn.close()
    checker.write_results(run)
    return run


def test_results_json_the_runs_line_the_report_and_summary_md_say_why(tmp_path):
    run = make_run(tmp_path)
    line = rundir.run_step(run)
    assert line == ("diagnosis: 22 events, 0 window(s) explain 0 lost value(s), 0 unexplained; "
                    f"the cluster did not recover: {EXPLANATION}")
    results = json.loads((run / "results.json").read_text())
    assert results["valid"] == "unknown"
    assert results["diagnosis"]["no_recovery"]["explanation"] == EXPLANATION
    assert results["diagnosis"]["no_recovery"]["refused"][0]["refusals"] == 41
    page = render(load_run(run))
    why = page[page.index('<section id="why">'):page.index('<section id="timeline">')]
    assert ("<b>Why the cluster did not recover</b> (from the brokers' and controllers' own logs): "
            "from 04:19:44 UTC on, the controller refused 41 times") in why
    assert "(namesrv-1&#39;s log: &#39;the replicas {10.213.7.22:10911} don&#39;t alive&#39;)" in why  # escaped
    md = summary_md(results, META, "stale-master")
    assert md.splitlines()[4] == ("**Why the cluster did not recover:** from 04:19:44 UTC on, "
                                  "the controller refused 41 times to take broker-a-1 back into the SyncStateSet "
                                  "(namesrv-1's log: 'the replicas {10.213.7.22:10911} don't alive'), although "
                                  "broker-a-1 had the master's log up to offset 10,389,960 (its HA client's report from "
                                  "04:21:05 UTC on). The controller had taken broker-a-1 for dead at 04:19:34 UTC (its "
                                  "heartbeat expired; the partition of broker-a-1 (master) was on from 04:19:20 UTC to "
                                  "04:19:34 UTC), and broker-a-1 never registered with it again; 2 elections after that "
                                  "found no master (04:20:04 UTC, 04:20:34 UTC).")


@pytest.mark.parametrize("diagnosis", [None, [], {"no_recovery": None}, {"no_recovery": "text"}])
def test_summary_md_without_an_explanation_has_no_why_line(diagnosis):
    md = summary_md({"valid": "unknown", "reason": "r", "diagnosis": diagnosis}, {}, "stale-master")
    assert "Why the cluster did not recover" not in md
