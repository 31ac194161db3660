"""Lost values -> windows: attribution by acknowledgement time and by commit-log position."""
from __future__ import annotations

from diagnosis_support import read_recorded, recorded_lost

from chaoskit.checker.faults import Fault
from chaoskit.diagnosis import rundir
from chaoskit.diagnosis.events import Event
from chaoskit.diagnosis.windows import LostValue, attribute

T = 1_000.0
EVENTS = [
    Event("role_change", T + 29, "broker-a-0", epoch=2, detail="to master"),
    Event("master_elected", T + 35, "broker-a-0", epoch=2, to_offset=5_477_495, detail="became master"),
    Event("sync_state_set_local", T + 35, "broker-a-1", detail="local SyncStateSet [1]"),
    Event("sync_state_set_report_failed", T + 35, "broker-a-1", epoch=1, detail="report ... failed (x2)"),
    Event("truncation", T + 40, "broker-a-1", epoch=2, from_offset=7_682_278, to_offset=5_477_495, detail="cut"),
]
CUT = [Fault("partition", "broker-a-1 (master)", T + 15, T + 29)]


def test_values_acknowledged_between_the_promotion_and_the_truncation_are_the_stale_masters():
    lost = [LostValue("queue/p0-1", T + 30, None), LostValue("queue/p0-2", T + 39.5, None),
            LostValue("queue/p0-3", T + 41.5, None), LostValue("queue/p0-4", None, None)]
    found = attribute(EVENTS, lost, CUT, slack=1.0)
    [w] = found.windows
    assert (w.kind, w.start_ts, w.end_ts, w.broker, w.lost_values, w.examples, w.by_position) == (
        "stale_master_ack", T + 29, T + 41, "broker-a-1", 2, ("queue/p0-1", "queue/p0-2"), False)
    assert w.explanation == (
        "acknowledged by broker-a-1 in epoch 1 after broker-a-0 became master of epoch 2 at offset 5,477,495 "
        "(00:17:09 UTC-00:17:15 UTC)"
        "; broker-a-1's log truncated from 7,682,278 to 5,477,495 at 00:17:20 UTC; broker-a-1 set its local "
        "SyncStateSet [1] on its own at 00:17:15 UTC, its report to the controller failed (1 log record(s) from "
        "00:17:15 UTC): 2 values (by acknowledgement time)")
    assert found.unexplained == ("queue/p0-3", "queue/p0-4")


def test_a_commit_log_position_below_the_cut_is_not_the_truncations():
    lost = [LostValue("a", T + 30, 5_477_495), LostValue("b", T + 31, 5_000_000), LostValue("c", T + 32, 6_000_000)]
    found = attribute(EVENTS, lost, CUT, slack=1.0)
    [w] = found.windows
    assert (w.lost_values, w.examples, w.by_position) == (2, ("a", "c"), True)
    assert w.explanation.endswith(": 2 values (commit-log positions at or beyond the cut)")
    assert found.unexplained == ("b",)


def test_values_acknowledged_before_the_promotion_while_the_faults_were_on():
    cut_then_kill = [Fault("partition", "broker-a-1 (master)", T + 15, T + 27), Fault("kill", "broker-a-1 (master)", T + 23, T + 35),
                     Fault("pause", "broker-a-0 (slave)", T + 2, T + 8)]
    lost = [LostValue("early", T + 14, None), LostValue("cut", T + 16, None), LostValue("late", T + 27.5, None),
            LostValue("in-the-second-before", T + 28.9, None)]
    found = attribute(EVENTS, lost, cut_then_kill, slack=1.0)
    # the kill was on at the promotion (T+29), and the cut was on when the kill began: the window opens at the cut;
    # acknowledged before the second the promotion was logged in is before the promotion (lossy-ack on 5.0.0, 7 December)
    assert [(w.kind, w.start_ts, w.end_ts, w.lost_values, w.examples) for w in found.windows] == [
        ("unreplicated_at_failover", T + 15, T + 29, 3, ("cut", "late", "in-the-second-before"))]
    assert found.windows[0].explanation.startswith(
        "acknowledged by broker-a-1 in epoch 1 while faults were on, before broker-a-0 became master of epoch 2 at offset "
        "5,477,495 (00:17:09 UTC-00:17:15 UTC) without them; broker-a-1's log truncated from 7,682,278 to 5,477,495")
    assert found.unexplained == ("early",)


def test_a_truncation_that_cut_nothing_explains_nothing():
    """store/stale-master/20261207T033255 (5.3.3): `log truncated from 2,433,678 to 2,433,678`."""
    events = [*EVENTS[:-1], Event("truncation", T + 40, "broker-a-1", epoch=2, from_offset=5_477_495, to_offset=5_477_495)]
    found = attribute(events, [LostValue("a", T + 30, None)], CUT, slack=1.0)
    assert (found.windows, found.unexplained) == ((), ("a",))


def test_no_truncation_explains_nothing():
    events = [e for e in EVENTS if e.kind != "truncation"]
    found = attribute(events, [LostValue("a", T + 30, None)], CUT, slack=1.0)
    assert (found.windows, found.unexplained) == ((), ("a",))


def test_a_truncation_pairs_with_the_election_at_its_offset_not_merely_the_latest():
    events = [*EVENTS,
              Event("master_elected", T + 38, "broker-a-2", epoch=3, to_offset=9_000_000, detail="became master")]
    found = attribute(events, [LostValue("a", T + 30, None)], CUT, slack=1.0)
    assert [(w.kind, w.lost_values) for w in found.windows] == [("stale_master_ack", 1)]
    assert "broker-a-0 became master of epoch 2" in found.windows[0].explanation


def test_a_value_the_final_read_found_was_not_cut():
    lost = [LostValue("cut", T + 30, None, in_final_read=False, delivered=True),
            LostValue("stored", T + 31, None, in_final_read=True)]
    found = attribute(EVENTS, lost, CUT, slack=1.0)
    assert [(w.kind, w.examples) for w in found.windows] == [("stale_master_ack", ("cut",))]
    assert found.unexplained == ("stored",)


def test_the_old_master_may_acknowledge_after_it_begins_to_change_to_slave():
    """store/stale-master/20261207T030428: broker-a-1 logged `Begin to change to slave` at 03:06:33 and still
    acknowledged 3 values at 03:06:34.03 (commit-log offsets below its log's end), truncated at 03:06:34."""
    events = [*EVENTS[:-1], Event("role_change", T + 37, "broker-a-1", epoch=2, detail="to slave (broker id 1)"), EVENTS[-1]]
    lost = [LostValue("before", T + 37.9, None), LostValue("after", T + 38.5, None)]
    found = attribute(events, lost, CUT, slack=1.0)
    assert [(w.kind, w.start_ts, w.end_ts, w.examples) for w in found.windows] == [
        ("stale_master_ack", T + 29, T + 41, ("before", "after"))]
    assert found.unexplained == ()


def test_the_new_masters_values_at_positions_consumers_had_read_before_the_cut_are_skipped():
    lost = [  # cut after a consumer got them (lost from the store), and one cut before any consumer did
        LostValue("read-then-cut", T + 30, 5_477_495, "broker-a/0", 7, in_final_read=False, delivered=True),
        LostValue("cut-unread", T + 30.5, 5_478_028, "broker-a/1", 7, in_final_read=False, delivered=False),
        # written by the new master, in the store, never delivered
        LostValue("skipped", T + 36, 5_477_495, "broker-a/0", 7, in_final_read=True),
        LostValue("other-queue", T + 36.5, 5_478_028, "broker-a/1", 7, in_final_read=True),
        LostValue("too-early", T + 20, 5_000_000, "broker-a/0", 7, in_final_read=True),
    ]
    found = attribute(EVENTS, lost, CUT, slack=1.0)
    assert [(w.kind, w.start_ts, w.end_ts, w.broker, w.examples, w.by_position) for w in found.windows] == [
        ("stale_master_ack", T + 29, T + 41, "broker-a-1", ("read-then-cut", "cut-unread"), True),
        ("queue_offset_reused", T + 29, T + 36, "broker-a-0", ("skipped",), True)]
    assert found.windows[1].explanation == (
        "acknowledged by the new master after broker-a-0 became master of epoch 2 at offset 5,477,495 "
        "(00:17:09 UTC-00:17:15 UTC), at the queue positions of values the consumers had received before broker-a-1's "
        "log truncated from 7,682,278 to 5,477,495 at 00:17:20 UTC; the consumers' offsets were past those positions, "
        "so these were never delivered (the final read found them): 1 values (each at the queue position of a "
        "delivered value the truncation cut)")
    assert found.unexplained == ("other-queue", "too-early")


def test_a_recorded_stale_master_run_is_explained_whole():
    """store/stale-master/20261207T034228 (5.5.0, remoting): 56 values cut from the old master after consumers had
    read them, and 54 the new master then wrote at the same queue positions, stored but skipped by the consumers.
    Its diagnosis at the time put 27 of the 54 in the stale window by time and left 27 unexplained."""
    fixture = "5.5.0-recorded"
    lost, faults = recorded_lost(fixture)
    found, attribution = rundir.explain(list(read_recorded(fixture).values()), lost, faults)
    t0 = 1796614948  # 03:42:28 UTC, the run's start
    assert [(w.kind, w.start_ts - t0, round(w.end_ts - t0, 3), w.broker, w.lost_values, w.examples[:2], w.by_position)
            for w in attribution.windows] == [
        ("stale_master_ack", 46, 58, "broker-a-0", 56, ("p1-000122", "p0-000123"), True),
        ("queue_offset_reused", 46, 60.416, "broker-a-1", 54, ("p1-000182", "p0-000183"), True)]
    assert attribution.unexplained == ()
    stale, reused = attribution.windows
    assert stale.explanation == (
        "acknowledged by broker-a-0 in epoch 1 after broker-a-1 became master of epoch 2 at offset 130,585 "
        "(03:43:14 UTC-03:43:19 UTC); broker-a-0's log truncated from 160,433 to 130,585 at 03:43:25 UTC; broker-a-0 "
        "set its local SyncStateSet [1] on its own at 03:43:14 UTC, its report to the controller failed (1 log "
        "record(s) from 03:43:17 UTC): 56 values (commit-log positions at or beyond the cut)")
    assert reused.explanation.startswith("acknowledged by the new master after broker-a-1 became master of epoch 2")
    # the cut values: delivered, gone from the store; the skipped ones: stored, never delivered, at the same positions
    cut = {v.position for v in lost if v.delivered and v.in_final_read is False}
    skipped = [v for v in lost if not v.delivered and v.in_final_read]
    assert (len(cut), len(skipped), all(v.position in cut for v in skipped)) == (56, 54, True)
    # the elections, the old master's change to slave and its truncation, in the run's own offsets
    assert [(e.kind, e.ts - t0, e.broker, e.epoch, e.from_offset, e.to_offset) for e in found
            if e.kind in ("master_elected", "truncation") or e.detail.startswith("to slave")] == [
        ("master_elected", 17, "broker-a-0", 1, None, 0),
        ("role_change", 18, "broker-a-1", 1, None, None),
        ("role_change", 50, "broker-a-0", 2, None, None),
        ("master_elected", 51, "broker-a-1", 2, None, 130585),
        ("truncation", 57, "broker-a-0", 2, 160433, 130585)]
