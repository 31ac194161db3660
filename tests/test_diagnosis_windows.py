"""Lost values -> windows: attribution by acknowledgement time and by commit-log position."""
from __future__ import annotations

from chaoskit.checker.faults import Fault
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
        "stale_master_ack", T + 28, T + 41, "broker-a-1", 2, ("queue/p0-1", "queue/p0-2"), False)
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
    lost = [LostValue("early", T + 14, None), LostValue("cut", T + 16, None), LostValue("late", T + 27.5, None)]
    found = attribute(EVENTS, lost, cut_then_kill, slack=1.0)
    # the kill was on at the promotion (T+29), and the cut was on when the kill began: the window opens at the cut
    assert [(w.kind, w.start_ts, w.end_ts, w.lost_values, w.examples) for w in found.windows] == [
        ("unreplicated_at_failover", T + 15, T + 28, 2, ("cut", "late"))]
    assert found.windows[0].explanation.startswith(
        "acknowledged by broker-a-1 in epoch 1 while faults were on, before broker-a-0 became master of epoch 2 at offset "
        "5,477,495 (00:17:09 UTC-00:17:15 UTC) without them; broker-a-1's log truncated from 7,682,278 to 5,477,495")
    assert found.unexplained == ("early",)


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
