"""Log lines -> events, on the fixtures of every served release (tests/data/diagnosis/<version>/)."""
from __future__ import annotations

import calendar
from pathlib import Path

import pytest
from diagnosis_support import read_recorded

from chaoskit.diagnosis import events, logline

DATA = Path(__file__).parent / "data" / "diagnosis"
T0 = calendar.timegm((2026, 12, 3, 0, 18, 0))  # 08:18:00 GMT+8, the fixtures' minute
NEW = ("5.2.0", "5.3.3", "5.4.0", "5.5.0")     # releases worded alike since 5.2.0
OLD = ("5.0.0", "5.1.0")


def parse_dir(version: str) -> tuple[list[events.Event], dict[str, events.ParsedLog]]:
    offset = 0 if version == "5.0.0" else 8
    logs = {}
    for path in sorted((DATA / version).glob("*.log")):
        with path.open() as f:
            logs[path.name] = events.parse(path.name.split(".")[0], f, offset)
    return events.merge(logs.values()), logs


def recorded(name: str, t0: int) -> tuple[list[tuple], dict[str, tuple[int, int]]]:
    """A fixture recorded from a real run (tests/record_diagnosis.py): its events as (kind, seconds after t0,
    broker, epoch, from, to, the detail's first 48 characters), and per log file its (lines, matched)."""
    logs = read_recorded(name)
    found = [(e.kind, e.ts - t0, e.broker, e.epoch, e.from_offset, e.to_offset, e.detail[:48]) for e in events.merge(logs.values())]
    return found, {k: (v.lines, v.matched) for k, v in logs.items()}


def compact(found: list[events.Event], whole_seconds: bool) -> list[tuple]:
    """(kind, seconds after T0, broker, epoch, from, to, detail); times to a second for 5.1+."""
    return [(e.kind, round(e.ts - T0, 0 if whole_seconds else 3), e.broker, e.epoch, e.from_offset, e.to_offset, e.detail)
            for e in found]


@pytest.mark.parametrize("version", NEW)
def test_the_stale_master_sequence_of_5_2_and_later(version):
    found, logs = parse_dir(version)
    assert compact(found, True) == [
        ("controller_leader", 10, "namesrv-0", None, None, None, "controller n0 became leader"),
        ("broker_inactive", 27, "namesrv-0", None, None, None,
         "heartbeat expired: BrokerIdentityInfo{clusterName='DefaultCluster', brokerName='broker-a', brokerId=1}"),
        ("controller_elect", 27, "namesrv-0", None, None, None, "elected broker id 2 master of broker-a"),
        ("role_change", 29, "broker-a-0", 2, None, None, "to master"),
        ("sync_state_set_confirmed", 29, "broker-a-0", None, None, None, "SyncStateSet [1, 2] -> [2] (from the controller)"),
        ("ha_connection", 34, "broker-a-0", None, None, None, "AutoSwitchHAClient close connection with master 10.213.7.22:10912"),
        ("master_elected", 35, "broker-a-0", 2, None, 5477495, "became master"),
        ("sync_state_set_report_failed", 35, "broker-a-1", 1, None, None,
         "report of SyncStateSet [1, 2] -> [1] to the controller failed (x2)"),
        ("ha_connection", 35, "broker-a-1", None, None, None, "Read socket < 0"),
        ("ha_error", 35, "broker-a-1", None, None, None, "processReadEvent error"),
        ("sync_state_set_local", 35, "broker-a-1", None, None, None, "local SyncStateSet [1]"),
        ("role_change", 40, "broker-a-1", 2, None, None, "to slave (broker id 1)"),
        ("truncation", 40, "broker-a-1", 2, 7682278, 5477495, "log truncated from 7,682,278 to 5,477,495: 2,204,783 bytes"),
    ]
    # the trace lines under each failed report and one line of no known kind are counted, not parsed
    assert (logs["broker-a-1.log"].lines, logs["broker-a-1.log"].matched, logs["broker-a-1.log"].unknown) == (8, 3, 5)
    # "local epoch entries", "truncate dirty files" and its repeat by the HA client are all known
    assert (logs["broker-a-1.store.log"].matched, logs["broker-a-1.store.log"].unknown) == (6, 0)
    assert all(log.whole_seconds for log in logs.values())


@pytest.mark.parametrize("version", OLD)
def test_the_same_sequence_in_the_wording_of_5_0_and_5_1(version):
    found, _ = parse_dir(version)
    # within a second, one node's events keep their files' order: 5.0.x writes one broker.log, 5.1.x broker.log then store.log
    failed = [("sync_state_set_report_failed", 35, "broker-a-1", 1, None, None,
               "report of SyncStateSet [1, 2] -> [1] to the controller failed (x2)")]
    one_log = version == "5.0.0"
    # the result's wording as the 5.0.0 and 5.1.0 matrix runs recorded it; the detail keeps its first 200 characters
    result = ("ElectMasterResponseHeader{newMasterAddress='10.213.7.21:10911', masterEpoch=2, syncStateSetEpoch=3, " + {
        "5.0.0": "brokerMember=org.apache.rocketmq.common.protocol.body.BrokerMemberGroup@6e5444a6}",
        "5.1.0": "brokerMemberGroup=BrokerMemberGroup{cluster='DefaultCluster', brokerName='broker-a', "
                 "brokerAddrs={1=10.213.7.22:10911, 2=10.213.7.21:10911}}}"}[version])
    assert compact(found, True) == [
        ("controller_leader", 10, "namesrv-0", None, None, None, "controller n0 became leader"),
        ("broker_inactive", 27, "namesrv-0", None, None, None,
         "heartbeat expired: BrokerAddrInfo [clusterName=DefaultCluster, brokerAddr=10.213.7.22:10911]"),
        ("controller_elect", 27, "namesrv-0", 2, None, None, "election for broker-a: " + result[:200]),
        ("role_change", 29, "broker-a-0", 2, None, None, "to master"),
        ("sync_state_set_confirmed", 29, "broker-a-0", None, None, None, "SyncStateSet [1, 2] -> [2] (from the controller)"),
        ("ha_connection", 34, "broker-a-0", None, None, None, "AutoSwitchHAClient close connection with master 10.213.7.22:10912"),
        ("master_elected", 35, "broker-a-0", 2, None, 5477495, "became master"),
        *([] if one_log else failed),
        ("ha_connection", 35, "broker-a-1", None, None, None, "Read socket < 0"),
        ("ha_error", 35, "broker-a-1", None, None, None, "processReadEvent error"),
        *(failed if one_log else []),
        ("role_change", 40, "broker-a-1", None, None, None, "to slave (broker id 1)"),
        ("truncation", 40, "broker-a-1", None, None, 5477495, "log truncated (its previous end not logged)"),
    ]
    assert not any(e.kind == "sync_state_set_local" for e in found)  # 5.0/5.1 have no such line


def test_lines_of_no_known_layout_are_counted_never_fatal():
    lines = ["", "garbage \x00\xff", "2026-13-45 99:99:99 INFO t - Change ha to master success, newMasterEpoch:1, startOffset:0",
             "\tat some.Trace(Trace.java:1)", "2026-12-03 08:00:00 INFO t - Change ha to master success, newMasterEpoch:x"]
    parsed = events.parse("broker-a-0", lines, 8)
    assert (parsed.events, parsed.lines, parsed.matched, parsed.unknown) == ((), 5, 0, 5)


def test_a_truncation_that_cut_nothing_is_dropped():
    lines = ["2026-12-03 08:00:00 INFO t - truncate dirty files to 100",
             "2026-12-03 08:00:00 INFO t - no need to truncate files, truncate offset is 100, max physical offset is 100"]
    parsed = events.parse("broker-a-0", lines, 8)
    assert (parsed.events, parsed.matched) == ((), 2)


def test_proxy_logs_get_no_patterns():
    assert events.patterns_for("proxy-0") == ()
    assert events.patterns_for("broker-a-2") is events.BROKER_PATTERNS
    assert events.patterns_for("namesrv-1") is events.CONTROLLER_PATTERNS


def test_log_line_times_follow_the_runs_offset():
    line = logline.split("2026-12-03 08:18:29 INFO RoleChange - Begin to change to master", 8)
    assert (line.ts, line.level, line.message, line.whole_seconds) == (T0 + 29, "INFO", "Begin to change to master", True)
    line = logline.split("2026-12-03 00:18:29,412 WARN  [main] RocketmqStore - a - b", 0)
    assert (line.ts, line.level, line.message, line.whole_seconds) == (T0 + 29.412, "WARN", "a - b", False)
    assert logline.split("\tat x.y(Z.java:1)", 0) is None


def test_repeats_collapse_only_within_their_interval():
    e = [events.Event("ha_error", t, "broker-a-0", detail="transfer message to slave timeout, offset : 1, request acks: -1")
         for t in (0.0, 1.0, 4.0, 20.0)]
    assert [(x.ts, x.detail[-4:]) for x in events.collapse(e)] == [(0.0, "(x3)"), (20.0, ": -1")]


def test_lines_recorded_from_a_5_5_0_run():
    """store/stale-master/20261207T034228: `chaoskit run stale-master` on 5.5.0 (remoting)."""
    found, counts = recorded("5.5.0-recorded", calendar.timegm((2026, 12, 7, 3, 42, 0)))  # 03:42 UTC
    assert found == [
        ("controller_leader", 44, "namesrv-2", None, None, None, "controller n2 became leader"),
        ("broker_registered", 45, "namesrv-0", None, None, None, "registered with the controller: BrokerIdentityIn"),
        ("broker_registered", 45, "namesrv-1", None, None, None, "registered with the controller: BrokerIdentityIn"),
        ("broker_registered", 45, "namesrv-2", None, None, None, "registered with the controller: BrokerIdentityIn"),
        ("controller_elect", 45, "namesrv-2", None, None, None, "elected broker id 1 master of broker-a"),
        ("role_change", 45, "broker-a-0", 1, None, None, "to master"),
        ("sync_state_set_confirmed", 45, "broker-a-0", None, None, None, "SyncStateSet [] -> [1] (from the controller)"),
        ("master_elected", 45, "broker-a-0", 1, None, 0, "became master"),
        ("broker_registered", 46, "namesrv-0", None, None, None, "registered with the controller: BrokerIdentityIn"),
        ("broker_registered", 46, "namesrv-1", None, None, None, "registered with the controller: BrokerIdentityIn"),
        ("broker_registered", 46, "namesrv-2", None, None, None, "registered with the controller: BrokerIdentityIn"),
        ("ha_connection", 46, "broker-a-0", None, None, None, "HAService receive new connection, /10.213.7.22:5"),
        ("role_change", 46, "broker-a-1", 1, None, None, "to slave (broker id 2)"),
        ("ha_error", 46, "broker-a-1", None, None, None, "AutoSwitchHAClient connect to master null failed"),
        ("ha_connection", 46, "broker-a-1", None, None, None, "AutoSwitchHAClient connect to master 10.213.7.21"),
        ("sync_state_set_confirmed", 52, "broker-a-0", None, None, None, "SyncStateSet [1] -> [1, 2] (from the controller)"),
        ("sync_state_set_local", 52, "broker-a-0", None, None, None, "local SyncStateSet [1, 2]"),
        ("replica_offset", 52, "broker-a-1", None, None, 0, "replica has the log up to 0"),
        ("broker_inactive", 73, "namesrv-1", None, None, None, "heartbeat expired: BrokerIdentityInfo{clusterNam"),
        ("broker_inactive", 74, "namesrv-0", None, None, None, "heartbeat expired: BrokerIdentityInfo{clusterNam"),
        ("controller_elect", 74, "namesrv-2", None, None, None, "elected broker id 2 master of broker-a"),
        ("controller_elect", 74, "namesrv-2", None, None, None, "election for broker-a: RemotingCommand [code=0, "),
        ("ha_connection", 74, "broker-a-0", None, None, None, "Read socket < 0"),
        ("ha_error", 74, "broker-a-0", None, None, None, "processReadEvent error"),
        ("sync_state_set_local", 74, "broker-a-0", None, None, None, "local SyncStateSet [1]"),
        ("role_change", 74, "broker-a-1", 2, None, None, "to master"),
        ("sync_state_set_confirmed", 74, "broker-a-1", None, None, None, "SyncStateSet [] -> [2] (from the controller)"),
        ("ha_error", 74, "broker-a-1", None, None, None, "State not matched, masterState:TRANSFER, slaveSt"),
        ("ha_connection", 74, "broker-a-1", None, None, None, "AutoSwitchHAClient close connection with master "),
        ("broker_inactive", 75, "namesrv-2", None, None, None, "heartbeat expired: BrokerIdentityInfo{clusterNam"),
        ("broker_registered", 77, "namesrv-0", None, None, None, "registered with the controller: BrokerIdentityIn"),
        ("sync_state_set_report_failed", 77, "broker-a-0", 1, None, None, "report of SyncStateSet [1, 2] -> [1] to the cont"),
        ("sync_state_set_refused", 78, "namesrv-2", None, None, None, "SyncStateSet change refused: the current leader "),
        ("role_change", 78, "broker-a-0", 2, None, None, "to slave (broker id 1)"),
        ("ha_error", 78, "broker-a-0", None, None, None, "AutoSwitchHAClient connect to master null failed"),
        ("broker_registered", 79, "namesrv-1", None, None, None, "registered with the controller: BrokerIdentityIn"),
        ("broker_registered", 79, "namesrv-2", None, None, None, "registered with the controller: BrokerIdentityIn"),
        ("master_elected", 79, "broker-a-1", 2, None, 130585, "became master"),
        ("ha_connection", 85, "broker-a-0", None, None, None, "AutoSwitchHAClient connect to master 10.213.7.22"),
        ("truncation", 85, "broker-a-0", 2, 160433, 130585, "log truncated from 160,433 to 130,585: 29,848 by"),
        ("ha_connection", 85, "broker-a-1", None, None, None, "HAService receive new connection, /10.213.7.21:5"),
        ("replica_offset", 90, "broker-a-0", None, None, 130585, "replica has the log up to 130,585"),
        ("sync_state_set_local", 90, "broker-a-1", None, None, None, "local SyncStateSet [1, 2]"),
        ("sync_state_set_confirmed", 91, "broker-a-1", None, None, None, "SyncStateSet [2] -> [1, 2] (from the controller)"),
        ("replica_offset", 95, "broker-a-0", None, None, 162565, "replica has the log up to 162,565"),
    ]
    assert counts == {"broker-a-0.log": (11, 6), "broker-a-0.store.log": (29, 15), "broker-a-1.log": (7, 4),
                      "broker-a-1.store.log": (18, 9), "namesrv-0.log": (8, 4), "namesrv-1.log": (8, 4),
                      "namesrv-2.log": (17, 9)}


def test_lines_recorded_from_a_5_0_0_run():
    """store/stale-master/20261207T041832: `chaoskit run stale-master` on 5.0.0 (remoting), verdict unknown (the
    cluster did not recover), nothing lost. One broker.log per node, whole seconds in UTC; the slave's epoch only
    in `Change ha to slave success`; a failed election is `... elect a new master done, result: ...'null'`."""
    found, counts = recorded("5.0.0-recorded", calendar.timegm((2026, 12, 7, 4, 18, 0)))  # 04:18 UTC
    assert found == [
        ("controller_leader", 43, "namesrv-1", None, None, None, "controller n1 became leader"),
        ("broker_registered", 44, "namesrv-1", None, None, None, "registered with the controller: BrokerAddrInfo ["),
        ("role_change", 44, "broker-a-1", 1, None, None, "to master"),
        ("sync_state_set_confirmed", 44, "broker-a-1", None, None, None, "SyncStateSet [] -> [10.213.7.22:10911] (from the"),
        ("master_elected", 44, "broker-a-1", 1, None, 0, "became master"),
        ("broker_registered", 49, "namesrv-1", None, None, None, "registered with the controller: BrokerAddrInfo ["),
        ("role_change", 49, "broker-a-0", None, None, None, "to slave (broker id 2)"),
        ("ha_error", 49, "broker-a-0", None, None, None, "AutoSwitchHAClient connect to master null failed"),
        ("ha_connection", 49, "broker-a-0", None, None, None, "AutoSwitchHAClient connect to master 10.213.7.22"),
        ("ha_connection", 49, "broker-a-1", None, None, None, "HAService receive new connection, /10.213.7.21:5"),
        ("replica_offset", 54, "broker-a-0", None, None, 0, "replica has the log up to 0"),
        ("sync_state_set_confirmed", 54, "broker-a-1", None, None, None, "SyncStateSet [10.213.7.22:10911] -> [10.213.7.21"),
        ("controller_elect", 94, "namesrv-1", 2, None, None, "election for broker-a: ElectMasterResponseHeader"),
        ("broker_inactive", 94, "namesrv-1", None, None, None, "heartbeat expired: BrokerAddrInfo [clusterName=c"),
        ("role_change", 94, "broker-a-0", 2, None, None, "to master"),
        ("sync_state_set_confirmed", 94, "broker-a-0", None, None, None, "SyncStateSet [] -> [10.213.7.21:10911] (from the"),
        ("ha_error", 94, "broker-a-0", None, None, None, "State not matched, masterState:2, slaveState:SHU"),
        ("ha_connection", 94, "broker-a-0", None, None, None, "AutoSwitchHAClient close connection with master "),
        ("master_elected", 94, "broker-a-0", 2, None, 3030272, "became master"),
        ("ha_connection", 94, "broker-a-1", None, None, None, "Read socket < 0"),
        ("ha_error", 94, "broker-a-1", None, None, None, "processReadEvent error"),
        ("sync_state_set_refused", 95, "namesrv-1", None, None, None, "SyncStateSet change refused: the current leader "),
        ("sync_state_set_report_failed", 95, "broker-a-1", 1, None, None, "report of SyncStateSet [10.213.7.21:10911, 10.21"),
        ("sync_state_set_confirmed", 97, "broker-a-0", None, None, None, "SyncStateSet [10.213.7.21:10911] -> [10.213.7.21"),
        ("ha_error", 97, "broker-a-1", None, None, None, "transfer message to slave timeout, offset : 3030"),
        ("role_change", 97, "broker-a-1", None, None, None, "to slave (broker id 1)"),
        ("ha_connection", 99, "broker-a-0", None, None, None, "HAService receive new connection, /10.213.7.22:3"),
        ("ha_error", 99, "broker-a-1", None, None, None, "AutoSwitchHAClient connect to master null failed"),
        ("ha_connection", 99, "broker-a-1", None, None, None, "AutoSwitchHAClient connect to master 10.213.7.21"),
        ("truncation", 99, "broker-a-1", 2, None, 3030272, "log truncated (its previous end not logged)"),
        ("sync_state_set_refused", 104, "namesrv-1", None, None, None, "SyncStateSet change refused: the replicas {10.21"),
        ("sync_state_set_report_failed", 104, "broker-a-0", 2, None, None, "report of SyncStateSet [10.213.7.21:10911] -> [1"),
        ("replica_offset", 104, "broker-a-1", None, None, 3030272, "replica has the log up to 3,030,272"),
        ("broker_inactive", 124, "namesrv-1", None, None, None, "heartbeat expired: BrokerAddrInfo [clusterName=c"),
        ("controller_elect_failed", 124, "namesrv-1", None, None, None, "no master elected for broker-a"),
        ("sync_state_set_refused", 125, "namesrv-1", None, None, None, "SyncStateSet change refused: the current leader "),
        ("broker_registered", 127, "namesrv-1", None, None, None, "registered with the controller: BrokerAddrInfo ["),
        ("sync_state_set_refused", 127, "namesrv-1", None, None, None, "SyncStateSet change refused: the current master "),
        ("sync_state_set_refused", 127, "namesrv-1", None, None, None, "SyncStateSet change refused: the replicas {10.21"),
        ("role_change", 127, "broker-a-0", 4, None, None, "to master"),
        ("sync_state_set_confirmed", 127, "broker-a-0", None, None, None, "SyncStateSet [10.213.7.21:10911] -> [10.213.7.21"),
        ("sync_state_set_report_failed", 127, "broker-a-0", 4, None, None, "report of SyncStateSet [10.213.7.21:10911] -> [1"),
        ("master_elected", 127, "broker-a-0", 4, None, 6398364, "became master"),
        ("ha_connection", 127, "broker-a-1", None, None, None, "Read socket < 0"),
        ("ha_connection", 127, "broker-a-1", None, None, None, "AutoSwitchHAClient close connection with master "),
        ("role_change", 127, "broker-a-1", None, None, None, "to slave (broker id 1)"),
        ("ha_error", 127, "broker-a-1", None, None, None, "AutoSwitchHAClient connect to master null failed"),
        ("ha_connection", 145, "broker-a-0", None, None, None, "HAService receive new connection, /10.213.7.22:5"),
        ("ha_connection", 145, "broker-a-1", None, None, None, "AutoSwitchHAClient connect to master 10.213.7.21"),
        ("truncation", 145, "broker-a-1", 4, None, 6398364, "log truncated (its previous end not logged)"),
        ("replica_offset", 150, "broker-a-1", None, None, 6398364, "replica has the log up to 6,398,364"),
        ("sync_state_set_report_failed", 152, "broker-a-0", 4, None, None, "report of SyncStateSet [10.213.7.21:10911] -> [1"),
        ("broker_inactive", 154, "namesrv-1", None, None, None, "heartbeat expired: BrokerAddrInfo [clusterName=c"),
        ("controller_elect_failed", 154, "namesrv-1", None, None, None, "no master elected for broker-a"),
        ("sync_state_set_refused", 155, "namesrv-1", None, None, None, "SyncStateSet change refused: the current leader "),
        ("broker_registered", 157, "namesrv-1", None, None, None, "registered with the controller: BrokerAddrInfo ["),
        ("sync_state_set_refused", 157, "namesrv-1", None, None, None, "SyncStateSet change refused: the current master "),
        ("sync_state_set_refused", 157, "namesrv-1", None, None, None, "SyncStateSet change refused: the replicas {10.21"),
        ("role_change", 157, "broker-a-0", 6, None, None, "to master"),
        ("sync_state_set_confirmed", 157, "broker-a-0", None, None, None, "SyncStateSet [10.213.7.21:10911] -> [10.213.7.21"),
        ("ha_error", 157, "broker-a-0", None, None, None, "processReadEvent error"),
        ("master_elected", 157, "broker-a-0", 6, None, 9448852, "became master"),
        ("ha_connection", 157, "broker-a-1", None, None, None, "Read socket < 0"),
        ("ha_connection", 157, "broker-a-1", None, None, None, "AutoSwitchHAClient close connection with master "),
        ("role_change", 157, "broker-a-1", None, None, None, "to slave (broker id 1)"),
        ("ha_error", 157, "broker-a-1", None, None, None, "AutoSwitchHAClient connect to master null failed"),
        ("ha_connection", 175, "broker-a-0", None, None, None, "HAService receive new connection, /10.213.7.22:5"),
        ("ha_connection", 175, "broker-a-1", None, None, None, "AutoSwitchHAClient connect to master 10.213.7.21"),
        ("truncation", 175, "broker-a-1", 6, None, 9448852, "log truncated (its previous end not logged)"),
        ("sync_state_set_refused", 180, "namesrv-1", None, None, None, "SyncStateSet change refused: the replicas {10.21"),
        ("sync_state_set_report_failed", 180, "broker-a-0", 6, None, None, "report of SyncStateSet [10.213.7.21:10911] -> [1"),
        ("replica_offset", 180, "broker-a-1", None, None, 9448852, "replica has the log up to 9,448,852"),
        ("replica_offset", 185, "broker-a-1", None, None, 10389960, "replica has the log up to 10,389,960"),
    ]
    assert counts == {"broker-a-0.log": (73, 39), "broker-a-1.log": (78, 41), "namesrv-1.log": (57, 29)}


def test_lines_recorded_from_a_5_1_0_run():
    """store/stale-master/20261207T043816: `chaoskit run stale-master` on 5.1.0 (remoting), passed: three
    failovers (epochs 2, 4, 5), each old master truncated to the new epoch's start, nothing acknowledged lost.
    GMT+8 whole seconds; store lines in store.log; a slave's epoch only in `Change ha to slave success`."""
    found, counts = recorded("5.1.0-recorded", calendar.timegm((2026, 12, 7, 4, 38, 0)))  # 04:38 UTC
    assert found == [
        ("controller_leader", 31, "namesrv-0", None, None, None, "controller n0 became leader"),
        ("broker_registered", 33, "namesrv-0", None, None, None, "registered with the controller: BrokerAddrInfo ["),
        ("role_change", 33, "broker-a-0", 1, None, None, "to master"),
        ("sync_state_set_confirmed", 33, "broker-a-0", None, None, None, "SyncStateSet [] -> [10.213.7.21:10911] (from the"),
        ("master_elected", 33, "broker-a-0", 1, None, 0, "became master"),
        ("broker_registered", 34, "namesrv-0", None, None, None, "registered with the controller: BrokerAddrInfo ["),
        ("broker_registered", 34, "namesrv-1", None, None, None, "registered with the controller: BrokerAddrInfo ["),
        ("ha_connection", 34, "broker-a-0", None, None, None, "HAService receive new connection, /10.213.7.22:3"),
        ("role_change", 34, "broker-a-1", None, None, None, "to slave (broker id 2)"),
        ("ha_error", 34, "broker-a-1", None, None, None, "AutoSwitchHAClient connect to master null failed"),
        ("ha_connection", 34, "broker-a-1", None, None, None, "AutoSwitchHAClient connect to master 10.213.7.21"),
        ("broker_registered", 35, "namesrv-2", None, None, None, "registered with the controller: BrokerAddrInfo ["),
        ("broker_registered", 36, "namesrv-1", None, None, None, "registered with the controller: BrokerAddrInfo ["),
        ("broker_registered", 36, "namesrv-2", None, None, None, "registered with the controller: BrokerAddrInfo ["),
        ("sync_state_set_confirmed", 40, "broker-a-0", None, None, None, "SyncStateSet [10.213.7.21:10911] -> [10.213.7.21"),
        ("replica_offset", 40, "broker-a-1", None, None, 0, "replica has the log up to 0"),
        ("broker_inactive", 74, "namesrv-2", None, None, None, "heartbeat expired: BrokerAddrInfo [clusterName=c"),
        ("broker_inactive", 77, "namesrv-0", None, None, None, "heartbeat expired: BrokerAddrInfo [clusterName=c"),
        ("controller_elect", 77, "namesrv-0", 2, None, None, "election for broker-a: ElectMasterResponseHeader"),
        ("broker_inactive", 77, "namesrv-1", None, None, None, "heartbeat expired: BrokerAddrInfo [clusterName=c"),
        ("ha_connection", 77, "broker-a-0", None, None, None, "Read socket < 0"),
        ("ha_error", 77, "broker-a-0", None, None, None, "processReadEvent error"),
        ("role_change", 77, "broker-a-1", 2, None, None, "to master"),
        ("sync_state_set_confirmed", 77, "broker-a-1", None, None, None, "SyncStateSet [] -> [10.213.7.22:10911] (from the"),
        ("ha_error", 77, "broker-a-1", None, None, None, "State not matched, masterState:2, slaveState:SHU"),
        ("ha_connection", 77, "broker-a-1", None, None, None, "AutoSwitchHAClient close connection with master "),
        ("sync_state_set_refused", 79, "namesrv-0", None, None, None, "SyncStateSet change refused: the current leader "),
        ("sync_state_set_report_failed", 79, "broker-a-0", 1, None, None, "report of SyncStateSet [10.213.7.21:10911, 10.21"),
        ("broker_registered", 80, "namesrv-0", None, None, None, "registered with the controller: BrokerAddrInfo ["),
        ("broker_registered", 80, "namesrv-1", None, None, None, "registered with the controller: BrokerAddrInfo ["),
        ("broker_registered", 80, "namesrv-2", None, None, None, "registered with the controller: BrokerAddrInfo ["),
        ("ha_error", 80, "broker-a-0", None, None, None, "transfer message to slave timeout, offset : 2872"),
        ("role_change", 81, "broker-a-0", None, None, None, "to slave (broker id 1)"),
        ("ha_error", 81, "broker-a-0", None, None, None, "AutoSwitchHAClient connect to master null failed"),
        ("sync_state_set_confirmed", 82, "broker-a-1", None, None, None, "SyncStateSet [10.213.7.22:10911] -> [10.213.7.22"),
        ("master_elected", 82, "broker-a-1", 2, None, 2872268, "became master"),
        ("ha_connection", 103, "broker-a-0", None, None, None, "AutoSwitchHAClient connect to master 10.213.7.22"),
        ("truncation", 103, "broker-a-0", 2, None, 2872268, "log truncated (its previous end not logged)"),
        ("ha_connection", 103, "broker-a-1", None, None, None, "HAService receive new connection, /10.213.7.21:4"),
        ("broker_inactive", 107, "namesrv-0", None, None, None, "heartbeat expired: BrokerAddrInfo [clusterName=c"),
        ("controller_elect_failed", 107, "namesrv-0", None, None, None, "no master elected for broker-a"),
        ("broker_inactive", 107, "namesrv-1", None, None, None, "heartbeat expired: BrokerAddrInfo [clusterName=c"),
        ("replica_offset", 108, "broker-a-0", None, None, 2872268, "replica has the log up to 2,872,268"),
        ("sync_state_set_refused", 109, "namesrv-0", None, None, None, "SyncStateSet change refused: the current leader "),
        ("broker_inactive", 109, "namesrv-2", None, None, None, "heartbeat expired: BrokerAddrInfo [clusterName=c"),
        ("sync_state_set_report_failed", 109, "broker-a-1", 2, None, None, "report of SyncStateSet [10.213.7.22:10911] -> [1"),
        ("broker_registered", 110, "namesrv-2", None, None, None, "registered with the controller: BrokerAddrInfo ["),
        ("broker_registered", 111, "namesrv-0", None, None, None, "registered with the controller: BrokerAddrInfo ["),
        ("broker_registered", 111, "namesrv-1", None, None, None, "registered with the controller: BrokerAddrInfo ["),
        ("sync_state_set_refused", 112, "namesrv-0", None, None, None, "SyncStateSet change refused: the current master "),
        ("ha_connection", 112, "broker-a-0", None, None, None, "Read socket < 0"),
        ("ha_connection", 112, "broker-a-0", None, None, None, "AutoSwitchHAClient close connection with master "),
        ("role_change", 112, "broker-a-1", 4, None, None, "to master"),
        ("sync_state_set_confirmed", 112, "broker-a-1", None, None, None, "SyncStateSet [10.213.7.22:10911] -> [10.213.7.22"),
        ("master_elected", 112, "broker-a-1", 4, None, 3028144, "became master"),
        ("sync_state_set_confirmed", 113, "broker-a-1", None, None, None, "SyncStateSet [10.213.7.22:10911] -> [10.213.7.21"),
        ("role_change", 116, "broker-a-0", None, None, None, "to slave (broker id 1)"),
        ("ha_error", 116, "broker-a-0", None, None, None, "AutoSwitchHAClient connect to master null failed"),
        ("ha_connection", 116, "broker-a-0", None, None, None, "AutoSwitchHAClient connect to master 10.213.7.22"),
        ("truncation", 116, "broker-a-0", 4, None, 3028144, "log truncated (its previous end not logged)"),
        ("ha_error", 116, "broker-a-1", None, None, None, "transfer message to slave timeout, offset : 3036"),
        ("ha_connection", 116, "broker-a-1", None, None, None, "HAService receive new connection, /10.213.7.21:5"),
        ("replica_offset", 121, "broker-a-0", None, None, 3028144, "replica has the log up to 3,028,144"),
        ("broker_inactive", 137, "namesrv-0", None, None, None, "heartbeat expired: BrokerAddrInfo [clusterName=c"),
        ("controller_elect", 137, "namesrv-0", 5, None, None, "election for broker-a: ElectMasterResponseHeader"),
        ("broker_inactive", 137, "namesrv-1", None, None, None, "heartbeat expired: BrokerAddrInfo [clusterName=c"),
        ("role_change", 137, "broker-a-0", 5, None, None, "to master"),
        ("sync_state_set_confirmed", 137, "broker-a-0", None, None, None, "SyncStateSet [10.213.7.21:10911, 10.213.7.22:109"),
        ("ha_error", 137, "broker-a-0", None, None, None, "State not matched, masterState:2, slaveState:SHU"),
        ("ha_connection", 137, "broker-a-0", None, None, None, "AutoSwitchHAClient close connection with master "),
        ("ha_connection", 137, "broker-a-1", None, None, None, "Read socket < 0"),
        ("ha_error", 137, "broker-a-1", None, None, None, "processReadEvent error"),
        ("sync_state_set_report_failed", 138, "broker-a-1", 4, None, None, "report of SyncStateSet [10.213.7.21:10911, 10.21"),
        ("sync_state_set_refused", 139, "namesrv-0", None, None, None, "SyncStateSet change refused: the current leader "),
        ("broker_inactive", 139, "namesrv-2", None, None, None, "heartbeat expired: BrokerAddrInfo [clusterName=c"),
        ("ha_error", 140, "broker-a-1", None, None, None, "transfer message to slave timeout, offset : 5639"),
        ("broker_registered", 141, "namesrv-0", None, None, None, "registered with the controller: BrokerAddrInfo ["),
        ("broker_registered", 141, "namesrv-1", None, None, None, "registered with the controller: BrokerAddrInfo ["),
        ("broker_registered", 141, "namesrv-2", None, None, None, "registered with the controller: BrokerAddrInfo ["),
        ("sync_state_set_confirmed", 142, "broker-a-0", None, None, None, "SyncStateSet [10.213.7.21:10911] -> [10.213.7.21"),
        ("master_elected", 142, "broker-a-0", 5, None, 5638668, "became master"),
        ("ha_connection", 142, "broker-a-0", None, None, None, "HAService receive new connection, /10.213.7.22:5"),
        ("role_change", 142, "broker-a-1", None, None, None, "to slave (broker id 2)"),
        ("ha_error", 142, "broker-a-1", None, None, None, "AutoSwitchHAClient connect to master null failed"),
        ("ha_connection", 142, "broker-a-1", None, None, None, "AutoSwitchHAClient connect to master 10.213.7.21"),
        ("truncation", 142, "broker-a-1", 5, None, 5638668, "log truncated (its previous end not logged)"),
        ("sync_state_set_confirmed", 147, "broker-a-0", None, None, None, "SyncStateSet [10.213.7.21:10911] -> [10.213.7.21"),
        ("replica_offset", 147, "broker-a-1", None, None, 5638668, "replica has the log up to 5,638,668"),
        ("replica_offset", 155, "broker-a-1", None, None, 6066396, "replica has the log up to 6,066,396"),
    ]
    assert counts == {"broker-a-0.log": (20, 11), "broker-a-0.store.log": (54, 28), "broker-a-1.log": (26, 14),
                      "broker-a-1.store.log": (62, 32), "namesrv-0.log": (43, 22), "namesrv-1.log": (16, 8),
                      "namesrv-2.log": (15, 8)}


def test_lines_recorded_from_a_5_1_1_run():
    """store/lossy-ack/20261207T044931: `chaoskit run lossy-ack` on 5.1.1 (remoting), 1,611 values lost (no
    stale-master run of 5.1.1 finished). 5.1.1 already words its lines as 5.2.0 does: SyncStateSets of broker ids,
    `Notify the syncStateSet`, `local epoch entries` and `truncate dirty files` (so the truncation's size)."""
    found, counts = recorded("5.1.1-recorded", calendar.timegm((2026, 12, 7, 4, 49, 0)))  # 04:49 UTC
    assert found == [
        ("controller_leader", 45, "namesrv-1", None, None, None, "controller n1 became leader"),
        ("broker_registered", 47, "namesrv-0", None, None, None, "registered with the controller: BrokerIdentityIn"),
        ("broker_registered", 47, "namesrv-1", None, None, None, "registered with the controller: BrokerIdentityIn"),
        ("role_change", 47, "broker-a-0", 1, None, None, "to master"),
        ("sync_state_set_confirmed", 47, "broker-a-0", None, None, None, "SyncStateSet [] -> [1] (from the controller)"),
        ("master_elected", 47, "broker-a-0", 1, None, 0, "became master"),
        ("role_change", 48, "broker-a-1", 1, None, None, "to slave (broker id 2)"),
        ("broker_registered", 49, "namesrv-0", None, None, None, "registered with the controller: BrokerIdentityIn"),
        ("broker_registered", 49, "namesrv-1", None, None, None, "registered with the controller: BrokerIdentityIn"),
        ("broker_registered", 49, "namesrv-2", None, None, None, "registered with the controller: BrokerIdentityIn"),
        ("ha_connection", 49, "broker-a-0", None, None, None, "HAService receive new connection, /10.213.7.22:3"),
        ("ha_error", 49, "broker-a-1", None, None, None, "AutoSwitchHAClient connect to master null failed"),
        ("ha_connection", 49, "broker-a-1", None, None, None, "AutoSwitchHAClient connect to master 10.213.7.21"),
        ("broker_registered", 51, "namesrv-2", None, None, None, "registered with the controller: BrokerIdentityIn"),
        ("sync_state_set_confirmed", 54, "broker-a-0", None, None, None, "SyncStateSet [1] -> [1, 2] (from the controller)"),
        ("sync_state_set_local", 54, "broker-a-0", None, None, None, "local SyncStateSet [1, 2]"),
        ("replica_offset", 54, "broker-a-1", None, None, 0, "replica has the log up to 0"),
        ("controller_elect", 88, "namesrv-1", None, None, None, "election for broker-a: RemotingCommand [code=0, "),
        ("role_change", 88, "broker-a-1", 2, None, None, "to master"),
        ("sync_state_set_confirmed", 88, "broker-a-1", None, None, None, "SyncStateSet [] -> [2] (from the controller)"),
        ("ha_connection", 88, "broker-a-1", None, None, None, "AutoSwitchHAClient close connection with master "),
        ("master_elected", 88, "broker-a-1", 2, None, 1362984, "became master"),
        ("broker_registered", 109, "namesrv-0", None, None, None, "registered with the controller: BrokerIdentityIn"),
        ("broker_registered", 109, "namesrv-1", None, None, None, "registered with the controller: BrokerIdentityIn"),
        ("broker_registered", 109, "namesrv-2", None, None, None, "registered with the controller: BrokerIdentityIn"),
        ("role_change", 109, "broker-a-0", 2, None, None, "to slave (broker id 1)"),
        ("ha_error", 109, "broker-a-0", None, None, None, "AutoSwitchHAClient connect to master null failed"),
        ("ha_connection", 109, "broker-a-0", None, None, None, "AutoSwitchHAClient connect to master 10.213.7.22"),
        ("truncation", 109, "broker-a-0", 2, 2220036, 1362984, "log truncated from 2,220,036 to 1,362,984: 857,0"),
        ("ha_connection", 109, "broker-a-1", None, None, None, "HAService receive new connection, /10.213.7.21:4"),
        ("replica_offset", 114, "broker-a-0", None, None, 1362984, "replica has the log up to 1,362,984"),
        ("sync_state_set_confirmed", 114, "broker-a-1", None, None, None, "SyncStateSet [2] -> [1, 2] (from the controller)"),
        ("sync_state_set_local", 114, "broker-a-1", None, None, None, "local SyncStateSet [1, 2]"),
        ("replica_offset", 122, "broker-a-0", None, None, 4421984, "replica has the log up to 4,421,984"),
    ]
    assert counts == {"broker-a-0.log": (7, 4), "broker-a-0.store.log": (22, 11), "broker-a-1.log": (7, 4),
                      "broker-a-1.store.log": (19, 10), "namesrv-0.log": (6, 3), "namesrv-1.log": (10, 5),
                      "namesrv-2.log": (6, 3)}


def test_lines_recorded_from_a_5_3_3_run():
    """store/stale-master/20261207T033255: `chaoskit run stale-master` on 5.3.3 (remoting), passed: three
    failovers; the first truncation cut 34,112 bytes, the next two nothing (the log already ended at the cut)."""
    found, counts = recorded("5.3.3-recorded", calendar.timegm((2026, 12, 7, 3, 33, 0)))  # 03:33 UTC
    assert found == [
        ("controller_leader", 10, "namesrv-1", None, None, None, "controller n1 became leader"),
        ("broker_registered", 11, "namesrv-0", None, None, None, "registered with the controller: BrokerIdentityIn"),
        ("broker_registered", 11, "namesrv-1", None, None, None, "registered with the controller: BrokerIdentityIn"),
        ("controller_elect", 11, "namesrv-1", None, None, None, "elected broker id 1 master of broker-a"),
        ("broker_registered", 11, "namesrv-2", None, None, None, "registered with the controller: BrokerIdentityIn"),
        ("role_change", 11, "broker-a-0", 1, None, None, "to master"),
        ("sync_state_set_confirmed", 11, "broker-a-0", None, None, None, "SyncStateSet [] -> [1] (from the controller)"),
        ("master_elected", 11, "broker-a-0", 1, None, 0, "became master"),
        ("broker_registered", 12, "namesrv-0", None, None, None, "registered with the controller: BrokerIdentityIn"),
        ("broker_registered", 12, "namesrv-1", None, None, None, "registered with the controller: BrokerIdentityIn"),
        ("broker_registered", 12, "namesrv-2", None, None, None, "registered with the controller: BrokerIdentityIn"),
        ("ha_connection", 12, "broker-a-0", None, None, None, "HAService receive new connection, /10.213.7.22:3"),
        ("role_change", 12, "broker-a-1", 1, None, None, "to slave (broker id 2)"),
        ("ha_error", 12, "broker-a-1", None, None, None, "AutoSwitchHAClient connect to master null failed"),
        ("ha_connection", 12, "broker-a-1", None, None, None, "AutoSwitchHAClient connect to master 10.213.7.21"),
        ("sync_state_set_confirmed", 17, "broker-a-0", None, None, None, "SyncStateSet [1] -> [1, 2] (from the controller)"),
        ("sync_state_set_local", 17, "broker-a-0", None, None, None, "local SyncStateSet [1, 2]"),
        ("replica_offset", 17, "broker-a-1", None, None, 0, "replica has the log up to 0"),
        ("broker_inactive", 45, "namesrv-1", None, None, None, "heartbeat expired: BrokerIdentityInfo{clusterNam"),
        ("controller_elect", 45, "namesrv-1", None, None, None, "elected broker id 2 master of broker-a"),
        ("controller_elect", 45, "namesrv-1", None, None, None, "election for broker-a: RemotingCommand [code=0, "),
        ("broker_inactive", 45, "namesrv-2", None, None, None, "heartbeat expired: BrokerIdentityInfo{clusterNam"),
        ("ha_connection", 46, "broker-a-0", None, None, None, "Read socket < 0"),
        ("ha_error", 46, "broker-a-0", None, None, None, "processReadEvent error"),
        ("sync_state_set_local", 46, "broker-a-0", None, None, None, "local SyncStateSet [1]"),
        ("sync_state_set_local", 46, "broker-a-0", None, None, None, "local SyncStateSet [1]"),
        ("role_change", 46, "broker-a-1", 2, None, None, "to master"),
        ("sync_state_set_confirmed", 46, "broker-a-1", None, None, None, "SyncStateSet [] -> [2] (from the controller)"),
        ("ha_error", 46, "broker-a-1", None, None, None, "State not matched, masterState:TRANSFER, slaveSt"),
        ("ha_connection", 46, "broker-a-1", None, None, None, "AutoSwitchHAClient close connection with master "),
        ("broker_inactive", 47, "namesrv-0", None, None, None, "heartbeat expired: BrokerIdentityInfo{clusterNam"),
        ("sync_state_set_refused", 49, "namesrv-1", None, None, None, "SyncStateSet change refused: the current leader "),
        ("sync_state_set_report_failed", 49, "broker-a-0", 1, None, None, "report of SyncStateSet [1, 2] -> [1] to the cont"),
        ("role_change", 49, "broker-a-0", 2, None, None, "to slave (broker id 1)"),
        ("ha_error", 49, "broker-a-0", None, None, None, "transfer message to slave timeout, offset : 2434"),
        ("ha_error", 49, "broker-a-0", None, None, None, "AutoSwitchHAClient connect to master null failed"),
        ("broker_registered", 50, "namesrv-0", None, None, None, "registered with the controller: BrokerIdentityIn"),
        ("master_elected", 51, "broker-a-1", 2, None, 2433678, "became master"),
        ("broker_registered", 52, "namesrv-1", None, None, None, "registered with the controller: BrokerIdentityIn"),
        ("broker_registered", 52, "namesrv-2", None, None, None, "registered with the controller: BrokerIdentityIn"),
        ("ha_connection", 52, "broker-a-0", None, None, None, "AutoSwitchHAClient connect to master 10.213.7.22"),
        ("truncation", 52, "broker-a-0", 2, 2467790, 2433678, "log truncated from 2,467,790 to 2,433,678: 34,11"),
        ("ha_connection", 52, "broker-a-1", None, None, None, "HAService receive new connection, /10.213.7.21:3"),
        ("replica_offset", 57, "broker-a-0", None, None, 2433678, "replica has the log up to 2,433,678"),
        ("sync_state_set_confirmed", 57, "broker-a-1", None, None, None, "SyncStateSet [2] -> [1, 2] (from the controller)"),
        ("sync_state_set_local", 57, "broker-a-1", None, None, None, "local SyncStateSet [1, 2]"),
        ("broker_inactive", 75, "namesrv-1", None, None, None, "heartbeat expired: BrokerIdentityInfo{clusterNam"),
        ("controller_elect", 75, "namesrv-1", None, None, None, "elected broker id 1 master of broker-a"),
        ("controller_elect", 75, "namesrv-1", None, None, None, "election for broker-a: RemotingCommand [code=0, "),
        ("broker_inactive", 75, "namesrv-2", None, None, None, "heartbeat expired: BrokerIdentityInfo{clusterNam"),
        ("role_change", 75, "broker-a-0", 3, None, None, "to master"),
        ("sync_state_set_confirmed", 75, "broker-a-0", None, None, None, "SyncStateSet [1, 2] -> [1] (from the controller)"),
        ("ha_connection", 76, "broker-a-0", None, None, None, "AutoSwitchHAClient close connection with master "),
        ("master_elected", 76, "broker-a-0", 3, None, 2433678, "became master"),
        ("sync_state_set_report_failed", 76, "broker-a-1", 2, None, None, "report of SyncStateSet [1, 2] -> [2] to the cont"),
        ("ha_connection", 76, "broker-a-1", None, None, None, "Read socket < 0"),
        ("ha_error", 76, "broker-a-1", None, None, None, "processReadEvent error"),
        ("sync_state_set_local", 76, "broker-a-1", None, None, None, "local SyncStateSet [2]"),
        ("sync_state_set_local", 76, "broker-a-1", None, None, None, "local SyncStateSet [2]"),
        ("broker_inactive", 77, "namesrv-0", None, None, None, "heartbeat expired: BrokerIdentityInfo{clusterNam"),
        ("sync_state_set_refused", 78, "namesrv-1", None, None, None, "SyncStateSet change refused: the current leader "),
        ("broker_registered", 79, "namesrv-2", None, None, None, "registered with the controller: BrokerIdentityIn"),
        ("broker_registered", 80, "namesrv-0", None, None, None, "registered with the controller: BrokerIdentityIn"),
        ("broker_registered", 80, "namesrv-1", None, None, None, "registered with the controller: BrokerIdentityIn"),
        ("ha_connection", 80, "broker-a-0", None, None, None, "HAService receive new connection, /10.213.7.22:5"),
        ("role_change", 80, "broker-a-1", 3, None, None, "to slave (broker id 2)"),
        ("ha_error", 80, "broker-a-1", None, None, None, "AutoSwitchHAClient connect to master null failed"),
        ("ha_connection", 80, "broker-a-1", None, None, None, "AutoSwitchHAClient connect to master 10.213.7.21"),
        ("truncation", 80, "broker-a-1", 3, 2433678, 2433678, "log truncated from 2,433,678 to 2,433,678: 0 byt"),
        ("sync_state_set_confirmed", 85, "broker-a-0", None, None, None, "SyncStateSet [1] -> [1, 2] (from the controller)"),
        ("sync_state_set_local", 85, "broker-a-0", None, None, None, "local SyncStateSet [1, 2]"),
        ("replica_offset", 85, "broker-a-1", None, None, 2433678, "replica has the log up to 2,433,678"),
        ("broker_inactive", 105, "namesrv-1", None, None, None, "heartbeat expired: BrokerIdentityInfo{clusterNam"),
        ("controller_elect", 105, "namesrv-1", None, None, None, "elected broker id 2 master of broker-a"),
        ("controller_elect", 105, "namesrv-1", None, None, None, "election for broker-a: RemotingCommand [code=0, "),
        ("broker_inactive", 105, "namesrv-2", None, None, None, "heartbeat expired: BrokerIdentityInfo{clusterNam"),
        ("role_change", 105, "broker-a-1", 4, None, None, "to master"),
        ("sync_state_set_confirmed", 105, "broker-a-1", None, None, None, "SyncStateSet [1, 2] -> [2] (from the controller)"),
        ("ha_connection", 106, "broker-a-0", None, None, None, "Read socket < 0"),
        ("ha_error", 106, "broker-a-0", None, None, None, "processReadEvent error"),
        ("sync_state_set_local", 106, "broker-a-0", None, None, None, "local SyncStateSet [1]"),
        ("sync_state_set_local", 106, "broker-a-0", None, None, None, "local SyncStateSet [1]"),
        ("ha_connection", 106, "broker-a-1", None, None, None, "AutoSwitchHAClient close connection with master "),
        ("master_elected", 106, "broker-a-1", 4, None, 2433678, "became master"),
        ("broker_inactive", 107, "namesrv-0", None, None, None, "heartbeat expired: BrokerIdentityInfo{clusterNam"),
        ("sync_state_set_refused", 108, "namesrv-1", None, None, None, "SyncStateSet change refused: the current leader "),
        ("sync_state_set_report_failed", 108, "broker-a-0", 3, None, None, "report of SyncStateSet [1, 2] -> [1] to the cont"),
        ("broker_registered", 109, "namesrv-1", None, None, None, "registered with the controller: BrokerIdentityIn"),
        ("role_change", 109, "broker-a-0", 4, None, None, "to slave (broker id 1)"),
        ("broker_registered", 110, "namesrv-0", None, None, None, "registered with the controller: BrokerIdentityIn"),
        ("ha_error", 110, "broker-a-0", None, None, None, "AutoSwitchHAClient connect to master null failed"),
        ("ha_connection", 110, "broker-a-0", None, None, None, "AutoSwitchHAClient connect to master 10.213.7.22"),
        ("truncation", 110, "broker-a-0", 4, 2433678, 2433678, "log truncated from 2,433,678 to 2,433,678: 0 byt"),
        ("ha_connection", 110, "broker-a-1", None, None, None, "HAService receive new connection, /10.213.7.21:5"),
        ("broker_registered", 112, "namesrv-2", None, None, None, "registered with the controller: BrokerIdentityIn"),
        ("sync_state_set_confirmed", 115, "broker-a-1", None, None, None, "SyncStateSet [2] -> [1, 2] (from the controller)"),
        ("sync_state_set_local", 115, "broker-a-1", None, None, None, "local SyncStateSet [1, 2]"),
    ]
    assert counts == {"broker-a-0.log": (22, 12), "broker-a-0.store.log": (77, 40), "broker-a-1.log": (18, 10),
                      "broker-a-1.store.log": (51, 27), "namesrv-0.log": (16, 8), "namesrv-1.log": (39, 20),
                      "namesrv-2.log": (16, 8)}


def test_lines_recorded_from_a_5_2_0_run():
    """store/stale-master/20261207T052105: `chaoskit run stale-master` on 5.2.0 (remoting), passed: three
    failovers, truncations of 34,112 bytes, none and 34,112 bytes; the old master's waits for its replica time out
    (`transfer message to slave timeout`) instead of acknowledging alone."""
    found, counts = recorded("5.2.0-recorded", calendar.timegm((2026, 12, 7, 5, 21, 0)))  # 05:21 UTC
    assert found == [
        ("controller_leader", 21, "namesrv-1", None, None, None, "controller n1 became leader"),
        ("broker_registered", 22, "namesrv-1", None, None, None, "registered with the controller: BrokerIdentityIn"),
        ("controller_elect", 22, "namesrv-1", None, None, None, "elected broker id 1 master of broker-a"),
        ("broker_registered", 22, "namesrv-2", None, None, None, "registered with the controller: BrokerIdentityIn"),
        ("role_change", 22, "broker-a-0", 1, None, None, "to master"),
        ("sync_state_set_confirmed", 22, "broker-a-0", None, None, None, "SyncStateSet [] -> [1] (from the controller)"),
        ("master_elected", 22, "broker-a-0", 1, None, 0, "became master"),
        ("broker_registered", 24, "namesrv-1", None, None, None, "registered with the controller: BrokerIdentityIn"),
        ("broker_registered", 24, "namesrv-2", None, None, None, "registered with the controller: BrokerIdentityIn"),
        ("ha_connection", 24, "broker-a-0", None, None, None, "HAService receive new connection, /10.213.7.22:5"),
        ("role_change", 24, "broker-a-1", 1, None, None, "to slave (broker id 2)"),
        ("ha_error", 24, "broker-a-1", None, None, None, "AutoSwitchHAClient connect to master null failed"),
        ("ha_connection", 24, "broker-a-1", None, None, None, "AutoSwitchHAClient connect to master 10.213.7.21"),
        ("broker_registered", 29, "namesrv-0", None, None, None, "registered with the controller: BrokerIdentityIn"),
        ("sync_state_set_confirmed", 29, "broker-a-0", None, None, None, "SyncStateSet [1] -> [1, 2] (from the controller)"),
        ("sync_state_set_local", 29, "broker-a-0", None, None, None, "local SyncStateSet [1, 2]"),
        ("replica_offset", 29, "broker-a-1", None, None, 0, "replica has the log up to 0"),
        ("broker_registered", 30, "namesrv-0", None, None, None, "registered with the controller: BrokerIdentityIn"),
        ("controller_elect", 56, "namesrv-1", None, None, None, "elected broker id 2 master of broker-a"),
        ("controller_elect", 56, "namesrv-1", None, None, None, "election for broker-a: RemotingCommand [code=0, "),
        ("ha_connection", 56, "broker-a-0", None, None, None, "Read socket < 0"),
        ("ha_error", 56, "broker-a-0", None, None, None, "processReadEvent error"),
        ("sync_state_set_local", 56, "broker-a-0", None, None, None, "local SyncStateSet [1]"),
        ("sync_state_set_local", 56, "broker-a-0", None, None, None, "local SyncStateSet [1]"),
        ("role_change", 56, "broker-a-1", 2, None, None, "to master"),
        ("sync_state_set_confirmed", 56, "broker-a-1", None, None, None, "SyncStateSet [] -> [2] (from the controller)"),
        ("ha_error", 56, "broker-a-1", None, None, None, "State not matched, masterState:TRANSFER, slaveSt"),
        ("ha_connection", 56, "broker-a-1", None, None, None, "AutoSwitchHAClient close connection with master "),
        ("broker_inactive", 57, "namesrv-1", None, None, None, "heartbeat expired: BrokerIdentityInfo{clusterNam"),
        ("sync_state_set_report_failed", 57, "broker-a-0", 1, None, None, "report of SyncStateSet [1, 2] -> [1] to the cont"),
        ("broker_inactive", 58, "namesrv-0", None, None, None, "heartbeat expired: BrokerIdentityInfo{clusterNam"),
        ("broker_inactive", 59, "namesrv-2", None, None, None, "heartbeat expired: BrokerIdentityInfo{clusterNam"),
        ("ha_error", 59, "broker-a-0", None, None, None, "transfer message to slave timeout, offset : 2538"),
        ("role_change", 60, "broker-a-0", 2, None, None, "to slave (broker id 1)"),
        ("ha_error", 60, "broker-a-0", None, None, None, "AutoSwitchHAClient connect to master null failed"),
        ("broker_registered", 61, "namesrv-0", None, None, None, "registered with the controller: BrokerIdentityIn"),
        ("broker_registered", 61, "namesrv-2", None, None, None, "registered with the controller: BrokerIdentityIn"),
        ("master_elected", 61, "broker-a-1", 2, None, 2537613, "became master"),
        ("broker_registered", 63, "namesrv-1", None, None, None, "registered with the controller: BrokerIdentityIn"),
        ("ha_connection", 64, "broker-a-0", None, None, None, "AutoSwitchHAClient connect to master 10.213.7.22"),
        ("truncation", 64, "broker-a-0", 2, 2571725, 2537613, "log truncated from 2,571,725 to 2,537,613: 34,11"),
        ("ha_connection", 64, "broker-a-1", None, None, None, "HAService receive new connection, /10.213.7.21:5"),
        ("replica_offset", 69, "broker-a-0", None, None, 2537613, "replica has the log up to 2,537,613"),
        ("sync_state_set_confirmed", 69, "broker-a-1", None, None, None, "SyncStateSet [2] -> [1, 2] (from the controller)"),
        ("sync_state_set_local", 69, "broker-a-1", None, None, None, "local SyncStateSet [1, 2]"),
        ("controller_elect", 86, "namesrv-1", None, None, None, "elected broker id 1 master of broker-a"),
        ("controller_elect", 86, "namesrv-1", None, None, None, "election for broker-a: RemotingCommand [code=0, "),
        ("role_change", 86, "broker-a-0", 3, None, None, "to master"),
        ("sync_state_set_confirmed", 86, "broker-a-0", None, None, None, "SyncStateSet [1, 2] -> [1] (from the controller)"),
        ("broker_inactive", 87, "namesrv-1", None, None, None, "heartbeat expired: BrokerIdentityInfo{clusterNam"),
        ("ha_connection", 87, "broker-a-0", None, None, None, "AutoSwitchHAClient close connection with master "),
        ("master_elected", 87, "broker-a-0", 3, None, 2537613, "became master"),
        ("ha_connection", 87, "broker-a-1", None, None, None, "Read socket < 0"),
        ("ha_error", 87, "broker-a-1", None, None, None, "processReadEvent error"),
        ("sync_state_set_local", 87, "broker-a-1", None, None, None, "local SyncStateSet [2]"),
        ("sync_state_set_local", 87, "broker-a-1", None, None, None, "local SyncStateSet [2]"),
        ("broker_inactive", 88, "namesrv-0", None, None, None, "heartbeat expired: BrokerIdentityInfo{clusterNam"),
        ("sync_state_set_report_failed", 89, "broker-a-1", 2, None, None, "report of SyncStateSet [1, 2] -> [2] to the cont"),
        ("sync_state_set_refused", 90, "namesrv-1", None, None, None, "SyncStateSet change refused: the current leader "),
        ("broker_inactive", 90, "namesrv-2", None, None, None, "heartbeat expired: BrokerIdentityInfo{clusterNam"),
        ("broker_registered", 92, "namesrv-0", None, None, None, "registered with the controller: BrokerIdentityIn"),
        ("broker_registered", 92, "namesrv-1", None, None, None, "registered with the controller: BrokerIdentityIn"),
        ("broker_registered", 92, "namesrv-2", None, None, None, "registered with the controller: BrokerIdentityIn"),
        ("ha_connection", 92, "broker-a-0", None, None, None, "HAService receive new connection, /10.213.7.22:4"),
        ("role_change", 92, "broker-a-1", 3, None, None, "to slave (broker id 2)"),
        ("ha_error", 92, "broker-a-1", None, None, None, "AutoSwitchHAClient connect to master null failed"),
        ("ha_connection", 92, "broker-a-1", None, None, None, "AutoSwitchHAClient connect to master 10.213.7.21"),
        ("truncation", 92, "broker-a-1", 3, 2537613, 2537613, "log truncated from 2,537,613 to 2,537,613: 0 byt"),
        ("sync_state_set_confirmed", 97, "broker-a-0", None, None, None, "SyncStateSet [1] -> [1, 2] (from the controller)"),
        ("sync_state_set_local", 97, "broker-a-0", None, None, None, "local SyncStateSet [1, 2]"),
        ("replica_offset", 97, "broker-a-1", None, None, 2537613, "replica has the log up to 2,537,613"),
        ("broker_inactive", 117, "namesrv-1", None, None, None, "heartbeat expired: BrokerIdentityInfo{clusterNam"),
        ("controller_elect", 117, "namesrv-1", None, None, None, "elected broker id 2 master of broker-a"),
        ("controller_elect", 117, "namesrv-1", None, None, None, "election for broker-a: RemotingCommand [code=0, "),
        ("ha_connection", 117, "broker-a-0", None, None, None, "Read socket < 0"),
        ("ha_error", 117, "broker-a-0", None, None, None, "processReadEvent error"),
        ("sync_state_set_local", 117, "broker-a-0", None, None, None, "local SyncStateSet [1]"),
        ("sync_state_set_local", 117, "broker-a-0", None, None, None, "local SyncStateSet [1]"),
        ("role_change", 117, "broker-a-1", 4, None, None, "to master"),
        ("sync_state_set_confirmed", 117, "broker-a-1", None, None, None, "SyncStateSet [1, 2] -> [2] (from the controller)"),
        ("ha_error", 117, "broker-a-1", None, None, None, "State not matched, masterState:TRANSFER, slaveSt"),
        ("ha_connection", 117, "broker-a-1", None, None, None, "AutoSwitchHAClient close connection with master "),
        ("broker_inactive", 118, "namesrv-0", None, None, None, "heartbeat expired: BrokerIdentityInfo{clusterNam"),
        ("broker_inactive", 119, "namesrv-2", None, None, None, "heartbeat expired: BrokerIdentityInfo{clusterNam"),
        ("sync_state_set_report_failed", 120, "broker-a-0", 3, None, None, "report of SyncStateSet [1, 2] -> [1] to the cont"),
        ("ha_error", 120, "broker-a-0", None, None, None, "transfer message to slave timeout, offset : 6184"),
        ("role_change", 122, "broker-a-0", 4, None, None, "to slave (broker id 1)"),
        ("ha_error", 122, "broker-a-0", None, None, None, "AutoSwitchHAClient connect to master null failed"),
        ("ha_connection", 122, "broker-a-0", None, None, None, "AutoSwitchHAClient connect to master 10.213.7.22"),
        ("truncation", 122, "broker-a-0", 4, 6218511, 6184399, "log truncated from 6,218,511 to 6,184,399: 34,11"),
        ("master_elected", 122, "broker-a-1", 4, None, 6184399, "became master"),
        ("ha_connection", 122, "broker-a-1", None, None, None, "HAService receive new connection, /10.213.7.21:3"),
        ("broker_registered", 123, "namesrv-0", None, None, None, "registered with the controller: BrokerIdentityIn"),
        ("broker_registered", 123, "namesrv-1", None, None, None, "registered with the controller: BrokerIdentityIn"),
        ("broker_registered", 123, "namesrv-2", None, None, None, "registered with the controller: BrokerIdentityIn"),
        ("replica_offset", 127, "broker-a-0", None, None, 6184399, "replica has the log up to 6,184,399"),
        ("sync_state_set_local", 127, "broker-a-1", None, None, None, "local SyncStateSet [1, 2]"),
        ("sync_state_set_confirmed", 128, "broker-a-1", None, None, None, "SyncStateSet [2] -> [1, 2] (from the controller)"),
    ]
    assert counts == {"broker-a-0.log": (22, 12), "broker-a-0.store.log": (87, 45), "broker-a-1.log": (18, 10),
                      "broker-a-1.store.log": (50, 26), "namesrv-0.log": (16, 8), "namesrv-1.log": (33, 17),
                      "namesrv-2.log": (16, 8)}


def test_lines_recorded_from_a_5_4_0_run():
    """store/stale-master/20261207T055001: `chaoskit run stale-master` on 5.4.0 (remoting), failed: 2,010 values
    missing from the final read, 555 never delivered. Its diagnosis at the time left 325 unexplained; recomputed,
    stale_master_ack 1,484 + 526 and queue_offset_reused 29 + 526, none unexplained (docs/diagnosis.md)."""
    found, counts = recorded("5.4.0-recorded", calendar.timegm((2026, 12, 7, 5, 50, 0)))  # 05:50 UTC
    assert found == [
        ("controller_leader", 18, "namesrv-2", None, None, None, "controller n2 became leader"),
        ("broker_registered", 22, "namesrv-0", None, None, None, "registered with the controller: BrokerIdentityIn"),
        ("broker_registered", 22, "namesrv-1", None, None, None, "registered with the controller: BrokerIdentityIn"),
        ("broker_registered", 22, "namesrv-2", None, None, None, "registered with the controller: BrokerIdentityIn"),
        ("controller_elect", 22, "namesrv-2", None, None, None, "elected broker id 1 master of broker-a"),
        ("role_change", 22, "broker-a-0", 1, None, None, "to slave (broker id 2)"),
        ("ha_error", 22, "broker-a-0", None, None, None, "AutoSwitchHAClient connect to master null failed"),
        ("role_change", 22, "broker-a-1", 1, None, None, "to master"),
        ("sync_state_set_confirmed", 22, "broker-a-1", None, None, None, "SyncStateSet [] -> [1] (from the controller)"),
        ("master_elected", 22, "broker-a-1", 1, None, 0, "became master"),
        ("broker_registered", 23, "namesrv-0", None, None, None, "registered with the controller: BrokerIdentityIn"),
        ("broker_registered", 23, "namesrv-1", None, None, None, "registered with the controller: BrokerIdentityIn"),
        ("broker_registered", 23, "namesrv-2", None, None, None, "registered with the controller: BrokerIdentityIn"),
        ("ha_connection", 23, "broker-a-0", None, None, None, "AutoSwitchHAClient connect to master 10.213.7.22"),
        ("ha_connection", 23, "broker-a-1", None, None, None, "HAService receive new connection, /10.213.7.21:3"),
        ("replica_offset", 28, "broker-a-0", None, None, 0, "replica has the log up to 0"),
        ("sync_state_set_confirmed", 28, "broker-a-1", None, None, None, "SyncStateSet [1] -> [1, 2] (from the controller)"),
        ("sync_state_set_local", 28, "broker-a-1", None, None, None, "local SyncStateSet [1, 2]"),
        ("broker_inactive", 54, "namesrv-1", None, None, None, "heartbeat expired: BrokerIdentityInfo{clusterNam"),
        ("broker_inactive", 56, "namesrv-2", None, None, None, "heartbeat expired: BrokerIdentityInfo{clusterNam"),
        ("controller_elect", 56, "namesrv-2", None, None, None, "elected broker id 2 master of broker-a"),
        ("broker_inactive", 57, "namesrv-0", None, None, None, "heartbeat expired: BrokerIdentityInfo{clusterNam"),
        ("controller_elect", 57, "namesrv-2", None, None, None, "election for broker-a: RemotingCommand [code=0, "),
        ("role_change", 57, "broker-a-0", 2, None, None, "to master"),
        ("sync_state_set_confirmed", 57, "broker-a-0", None, None, None, "SyncStateSet [] -> [2] (from the controller)"),
        ("ha_error", 57, "broker-a-0", None, None, None, "State not matched, masterState:TRANSFER, slaveSt"),
        ("ha_connection", 57, "broker-a-0", None, None, None, "AutoSwitchHAClient close connection with master "),
        ("ha_connection", 57, "broker-a-1", None, None, None, "Read socket < 0"),
        ("ha_error", 57, "broker-a-1", None, None, None, "processReadEvent error"),
        ("sync_state_set_local", 57, "broker-a-1", None, None, None, "local SyncStateSet [1]"),
        ("broker_registered", 60, "namesrv-0", None, None, None, "registered with the controller: BrokerIdentityIn"),
        ("sync_state_set_report_failed", 60, "broker-a-1", 1, None, None, "report of SyncStateSet [1, 2] -> [1] to the cont"),
        ("broker_registered", 62, "namesrv-1", None, None, None, "registered with the controller: BrokerIdentityIn"),
        ("broker_registered", 62, "namesrv-2", None, None, None, "registered with the controller: BrokerIdentityIn"),
        ("master_elected", 62, "broker-a-0", 2, None, 2890992, "became master"),
        ("sync_state_set_refused", 65, "namesrv-2", None, None, None, "SyncStateSet change refused: the current leader "),
        ("ha_connection", 65, "broker-a-0", None, None, None, "HAService receive new connection, /10.213.7.22:5"),
        ("role_change", 65, "broker-a-1", 2, None, None, "to slave (broker id 1)"),
        ("ha_error", 65, "broker-a-1", None, None, None, "AutoSwitchHAClient connect to master null failed"),
        ("ha_connection", 65, "broker-a-1", None, None, None, "AutoSwitchHAClient connect to master 10.213.7.21"),
        ("truncation", 65, "broker-a-1", 2, 3681964, 2890992, "log truncated from 3,681,964 to 2,890,992: 790,9"),
        ("sync_state_set_confirmed", 71, "broker-a-0", None, None, None, "SyncStateSet [2] -> [1, 2] (from the controller)"),
        ("sync_state_set_local", 71, "broker-a-0", None, None, None, "local SyncStateSet [1, 2]"),
        ("replica_offset", 71, "broker-a-1", None, None, 2890992, "replica has the log up to 2,890,992"),
        ("broker_inactive", 86, "namesrv-2", None, None, None, "heartbeat expired: BrokerIdentityInfo{clusterNam"),
        ("controller_elect", 86, "namesrv-2", None, None, None, "elected broker id 1 master of broker-a"),
        ("controller_elect", 86, "namesrv-2", None, None, None, "election for broker-a: RemotingCommand [code=0, "),
        ("role_change", 86, "broker-a-1", 3, None, None, "to master"),
        ("sync_state_set_confirmed", 86, "broker-a-1", None, None, None, "SyncStateSet [1, 2] -> [1] (from the controller)"),
        ("broker_inactive", 87, "namesrv-0", None, None, None, "heartbeat expired: BrokerIdentityInfo{clusterNam"),
        ("sync_state_set_report_failed", 87, "broker-a-0", 2, None, None, "report of SyncStateSet [1, 2] -> [2] to the cont"),
        ("ha_connection", 87, "broker-a-0", None, None, None, "Read socket < 0"),
        ("ha_error", 87, "broker-a-0", None, None, None, "processReadEvent error"),
        ("sync_state_set_local", 87, "broker-a-0", None, None, None, "local SyncStateSet [2]"),
        ("ha_connection", 87, "broker-a-1", None, None, None, "AutoSwitchHAClient close connection with master "),
        ("master_elected", 87, "broker-a-1", 3, None, 2890992, "became master"),
        ("broker_inactive", 89, "namesrv-1", None, None, None, "heartbeat expired: BrokerIdentityInfo{clusterNam"),
        ("broker_registered", 91, "namesrv-0", None, None, None, "registered with the controller: BrokerIdentityIn"),
        ("broker_registered", 91, "namesrv-1", None, None, None, "registered with the controller: BrokerIdentityIn"),
        ("sync_state_set_refused", 91, "namesrv-2", None, None, None, "SyncStateSet change refused: the current leader "),
        ("role_change", 91, "broker-a-0", 3, None, None, "to slave (broker id 2)"),
        ("ha_error", 91, "broker-a-0", None, None, None, "AutoSwitchHAClient connect to master null failed"),
        ("ha_connection", 91, "broker-a-0", None, None, None, "AutoSwitchHAClient connect to master 10.213.7.22"),
        ("ha_connection", 91, "broker-a-1", None, None, None, "HAService receive new connection, /10.213.7.21:5"),
        ("broker_registered", 94, "namesrv-2", None, None, None, "registered with the controller: BrokerIdentityIn"),
        ("replica_offset", 96, "broker-a-0", None, None, 2890992, "replica has the log up to 2,890,992"),
        ("sync_state_set_local", 96, "broker-a-1", None, None, None, "local SyncStateSet [1, 2]"),
        ("sync_state_set_local", 96, "broker-a-1", None, None, None, "local SyncStateSet [1, 2]"),
        ("sync_state_set_confirmed", 97, "broker-a-1", None, None, None, "SyncStateSet [1] -> [1, 2] (from the controller)"),
        ("sync_state_set_report_failed", 97, "broker-a-1", 3, None, None, "report of SyncStateSet [1, 2] -> [1, 2] to the c"),
        ("sync_state_set_local", 97, "broker-a-1", None, None, None, "local SyncStateSet [1, 2]"),
        ("broker_inactive", 116, "namesrv-2", None, None, None, "heartbeat expired: BrokerIdentityInfo{clusterNam"),
        ("controller_elect", 116, "namesrv-2", None, None, None, "elected broker id 2 master of broker-a"),
        ("controller_elect", 116, "namesrv-2", None, None, None, "election for broker-a: RemotingCommand [code=0, "),
        ("role_change", 116, "broker-a-0", 4, None, None, "to master"),
        ("sync_state_set_confirmed", 116, "broker-a-0", None, None, None, "SyncStateSet [1, 2] -> [2] (from the controller)"),
        ("ha_error", 116, "broker-a-0", None, None, None, "State not matched, masterState:TRANSFER, slaveSt"),
        ("ha_connection", 116, "broker-a-0", None, None, None, "AutoSwitchHAClient close connection with master "),
        ("ha_connection", 116, "broker-a-1", None, None, None, "Read socket < 0"),
        ("ha_error", 116, "broker-a-1", None, None, None, "processReadEvent error"),
        ("sync_state_set_local", 116, "broker-a-1", None, None, None, "local SyncStateSet [1]"),
        ("broker_inactive", 117, "namesrv-0", None, None, None, "heartbeat expired: BrokerIdentityInfo{clusterNam"),
        ("sync_state_set_refused", 118, "namesrv-2", None, None, None, "SyncStateSet change refused: the current leader "),
        ("sync_state_set_report_failed", 118, "broker-a-1", 3, None, None, "report of SyncStateSet [1, 2] -> [1] to the cont"),
        ("broker_registered", 119, "namesrv-0", None, None, None, "registered with the controller: BrokerIdentityIn"),
        ("broker_registered", 119, "namesrv-2", None, None, None, "registered with the controller: BrokerIdentityIn"),
        ("role_change", 120, "broker-a-1", 4, None, None, "to slave (broker id 1)"),
        ("ha_error", 120, "broker-a-1", None, None, None, "AutoSwitchHAClient connect to master null failed"),
        ("master_elected", 121, "broker-a-0", 4, None, 6038890, "became master"),
        ("ha_connection", 122, "broker-a-0", None, None, None, "HAService receive new connection, /10.213.7.22:5"),
        ("ha_connection", 122, "broker-a-1", None, None, None, "AutoSwitchHAClient connect to master 10.213.7.21"),
        ("truncation", 122, "broker-a-1", 4, 6319248, 6038890, "log truncated from 6,319,248 to 6,038,890: 280,3"),
        ("sync_state_set_confirmed", 127, "broker-a-0", None, None, None, "SyncStateSet [2] -> [1, 2] (from the controller)"),
        ("sync_state_set_local", 127, "broker-a-0", None, None, None, "local SyncStateSet [1, 2]"),
        ("replica_offset", 127, "broker-a-1", None, None, 6038890, "replica has the log up to 6,038,890"),
        ("replica_offset", 135, "broker-a-1", None, None, 6927401, "replica has the log up to 6,927,401"),
    ]
    assert counts == {"broker-a-0.log": (18, 10), "broker-a-0.store.log": (47, 24), "broker-a-1.log": (27, 15),
                      "broker-a-1.store.log": (61, 32), "namesrv-0.log": (16, 8), "namesrv-1.log": (12, 6),
                      "namesrv-2.log": (37, 19)}


def test_every_kind_a_pattern_yields_is_documented():
    doc = (Path(__file__).parents[1] / "docs" / "diagnosis.md").read_text()
    produced = {kind for kind, _, _ in events.BROKER_PATTERNS + events.CONTROLLER_PATTERNS}
    assert produced == set(events.KINDS)
    assert [k for k in events.KINDS if f"| `{k}` |" not in doc] == []
