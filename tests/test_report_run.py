"""Hand-built run directories for the report tests, and tests of loading them.

`make_run` writes a ledger.db (through the project's schema) and a
results.json shaped like the checker's, so the report tests never depend on
the checker. The other tests/test_report_*.py files import it from here.
"""
from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from chaoskit import ledger
from reports.run import ReportInputError, load_run, meta_duration, parse_time

T0 = 1_796_083_200.0  # 2026-12-01 00:00:00 UTC
HOSTILE = "<script>alert(1)</script>"
KINDS = ("pass", "fail", "unknown", "hostile")


def _sends(kind: str) -> list[dict]:
    """60 s at 20 sends/s; a kill at t+20..30 fails some sends and leaves some unknown."""
    rows = []
    for i in range(1200):
        invoke = T0 + 1 + i * 0.05
        outcome, error = "ok", None
        if 21 <= invoke - T0 < 23:
            outcome, error = "fail", "InternalErrorException 50001 connect to 10.0.0.2 failed"
        elif 23 <= invoke - T0 < 23.5:
            outcome, error = "info", "DEADLINE_EXCEEDED"
        if kind == "hostile" and i % 100 == 0:
            error = HOSTILE
        rows.append({
            "value": f"p0-{i:06d}" if kind != "hostile" or i % 50 else f"{HOSTILE}-{i}",
            "process": "p0", "group_key": f"g{i % 4}", "invoke_ts": invoke,
            "complete_ts": invoke + (0.004 if outcome == "ok" else 1.5),
            "outcome": outcome, "message_id": f"MSG{i:08X}", "error": error,
        })
    return rows


def _lost(kind: str, sends: list[dict]) -> set[str]:
    """Values sent (ok) just before the kill that the fail/unknown runs never receive."""
    if kind not in ("fail", "unknown", "hostile"):
        return set()
    return {s["value"] for s in sends if 19 <= s["invoke_ts"] - T0 < 20.85 and s["outcome"] == "ok"}


def make_run(root: Path, kind: str = "pass", logs: bool = True) -> Path:
    """A run directory with ledger.db, results.json and (optionally) node logs."""
    assert kind in KINDS
    run = root / f"run-{kind}"
    run.mkdir(parents=True)
    sends = _sends(kind)
    lost = _lost(kind, sends)
    target = f"broker-a-0 (master) {HOSTILE}" if kind == "hostile" else "broker-a-0 (master)"
    faults = [
        {"name": "kill", "target": target, "start_ts": T0 + 20, "end_ts": T0 + 30, "step": 1, "detail": "SIGKILL"},
        {"name": HOSTILE if kind == "hostile" else "pause", "target": "n1 (controller leader)",
         "start_ts": T0 + 40, "end_ts": T0 + 44, "step": 2, "detail": None},
    ]
    events = [
        {"ts": T0 + 24.2, "kind": "master_change",
         "detail": f"broker-a-1 is master (epoch 2){HOSTILE if kind == 'hostile' else ''}"},
        {"ts": T0 + 41.5, "kind": "controller_leader_change", "detail": "n2 is controller leader"},
    ]
    receives = [
        {"value": s["value"], "process": "c0", "group_key": s["group_key"], "ts": s["invoke_ts"] + 0.02,
         "message_id": s["message_id"]}
        for s in sends if s["value"] not in lost and (s["outcome"] == "ok" or (s["outcome"] == "info" and
                                                                            int(s["value"][-1]) % 2))
    ]
    meta = {
        "scenario": f"kill-master-{kind}" + (f" {HOSTILE}" if kind == "hostile" else ""),
        "expected_verdict": "pass",
        "rocketmq_version": "5.5.0",
        "replicas": "2",
        "topology": json.dumps({"controllers": ["n0", "n1", "n2"], "brokers": {"broker-a": ["broker-a-0", "broker-a-1"]}}),
        "broker_config": json.dumps({"allAckInSyncStateSet": "true", "flushDiskType": "ASYNC_FLUSH",
                                     "brokerRole": "SLAVE", "enableControllerMode": "true", "listenPort": "10911"}),
        "controller_config": json.dumps({"enableElectUncleanMaster": "false"}),
        "workload": json.dumps({"producers": 1, "rate": 20, "fifo_groups": 4}),
        "fault_plan": json.dumps([{"at_s": 20, "fault": "kill", "role": "master", "heal_after_s": 10},
                                  {"at_s": 40, "fault": "pause", "role": "controller leader", "heal_after_s": 4}]),
        "seed": "42",
        "duration_s": "62",
        "image_id": "sha256:0123abcd",
        "started_at": "2026-12-01T00:00:00+00:00",
        "ended_at": "2026-12-01T00:01:02+00:00",
        "drain_complete": "false" if kind == "unknown" else "true",
        "final_read_complete": "true",
        "ledger_complete": "true",
        "operator_note": HOSTILE if kind == "hostile" else "none",
    }
    # The store keeps every acknowledged value: the lost ones were only never delivered.
    stored = sorted({x["value"] for x in sends if x["outcome"] == "ok"} | {r["value"] for r in receives})
    _write_ledger(run / "ledger.db", sends, receives, faults, events, meta, stored)
    results = results_for(kind, sends, receives, faults, lost, meta)
    (run / "results.json").write_text(json.dumps(results, indent=1))
    if logs:
        _write_logs(run / "logs", kind)
    return run


def _write_ledger(path: Path, sends, receives, faults, events, meta, stored) -> None:
    ledger.create(path)
    conn = sqlite3.connect(path)
    with conn:
        for table, rows in (("sends", sends), ("receives", receives), ("faults", faults), ("events", events)):
            cols = list(rows[0])
            conn.executemany(f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})",
                             [[r[c] for c in cols] for r in rows])
        conn.executemany("INSERT INTO meta (key, value) VALUES (?, ?)", meta.items())
        conn.executemany("INSERT INTO final_reads (value, ts) VALUES (?, ?)", [(v, T0 + 70) for v in stored])
    conn.close()


def results_for(kind, sends, receives, faults, lost, meta) -> dict:
    """A results.json like the checker's for the hand-built ledger."""
    acked = {s["value"] for s in sends if s["outcome"] == "ok"}
    received = {r["value"] for r in receives}
    attempted = {s["value"] for s in sends}
    by_value = {s["value"]: s for s in sends}
    timeline: dict[int, dict] = {}
    for s in sends:
        p = timeline.setdefault(int(s["invoke_ts"]), {"t": float(int(s["invoke_ts"])), "sends_ok": 0, "sends_fail": 0,
                                                       "sends_info": 0, "receives": 0})
        p[f"sends_{s['outcome']}"] += 1
    for r in receives:
        timeline.setdefault(int(r["ts"]), {"t": float(int(r["ts"])), "sends_ok": 0, "sends_fail": 0,
                                           "sends_info": 0, "receives": 0})["receives"] += 1
    per_second = [{"t": p["t"], "send_p50": 0.004 if p["sends_ok"] else 1.5, "send_p99": 0.012 if not p["sends_fail"] else 2.1,
                   "e2e_p50": 0.02, "e2e_p99": 0.05} for p in timeline.values()]
    fault_dict = {k: faults[0][k] for k in ("name", "target", "start_ts", "end_ts")}
    examples = {"lost": [{"value": v, "invoke_ts": by_value[v]["invoke_ts"], "outcome": "ok",
                          "message_id": by_value[v]["message_id"], "error": by_value[v]["error"],
                          "nearest_fault": fault_dict} for v in sorted(lost)[:10]]}
    drained = meta["drain_complete"] == "true"
    valid = (False if lost and drained else "unknown" if not drained else True)
    order = []
    if kind == "fail":
        order = [{"group": "g1", "a": "p0-000101", "b": "p0-000105", "a_invoke_ts": T0 + 6.05, "b_invoke_ts": T0 + 6.25,
                  "a_first_receive_ts": T0 + 6.5, "b_first_receive_ts": T0 + 6.3}]
        valid = False
    reason = {True: "Every acknowledged value was received.",
              False: f"{len(lost)} acknowledged values were never received.",
              "unknown": f"The drain did not complete, so {len(lost)} acknowledged values are only unseen."}[valid]
    return {
        "valid": valid, "reason": reason,
        "attempt_count": len(attempted), "acknowledged_count": len(acked), "ok_count": len(received & attempted),
        "received_count": len(received), "lost_count": len(lost), "unexpected_count": 0,
        "recovered_count": len((received & attempted) - acked), "failed_delivered_count": 0,
        "lost_in_store_count": 0, "duplicated_count": 0, "duplicate_deliveries": 0,
        "order_violation_count": len(order),
        "lost": sorted(lost), "unexpected": [], "failed_delivered": [], "lost_in_store": [], "duplicated": [],
        "drain_complete": drained, "final_read_complete": True, "ledger_complete": True,
        "examples": examples, "order_violations": order,
        "availability": {
            "faults": [{**fault_dict, "unavailable_s": 2.5, "max_s": 2.5, "median_s": 2.5, "window_count": 1,
                        "windows": [[T0 + 21, T0 + 23.5]]},
                       {**{k: faults[1][k] for k in ("name", "target", "start_ts", "end_ts")},
                        "unavailable_s": 0.0, "max_s": None, "median_s": None, "window_count": 0, "windows": []}],
            "outside_faults": {"total_s": 0.0, "max_s": None, "median_s": None, "window_count": 0, "windows": []},
        },
        "latency": {"send": {"count": len(acked), "p50": 0.004, "p95": 0.009, "p99": 0.012, "max": 2.1},
                    "end_to_end": {"count": len(received), "p50": 0.02, "p95": 0.04, "p99": 0.05, "max": 3.0},
                    "per_second": per_second},
        "timeline": sorted(timeline.values(), key=lambda p: p["t"]),
        "meta": meta,
    }


def _write_logs(logs: Path, kind: str) -> None:
    """broker-a-0.log with RocketMQ-style stamps; proxy.log without any."""
    logs.mkdir()
    lines = []
    for s in range(0, 62, 1):
        stamp = f"2026-12-01 00:00:{s:02d},{(s * 37) % 1000:03d}"
        text = "INFO Store - flush commitlog"
        if s == 20:
            text = "WARN HAService - slave broker-a-1 disconnected"
        if s == 29 and kind == "hostile":
            text = f"ERROR {HOSTILE} -->"
        lines.append(f"{stamp} {text}")
        if s == 21:
            lines.append("java.net.ConnectException: Connection refused")
    (logs / "broker-a-0.log").write_text("\n".join(lines) + "\n")
    (logs / "proxy.log").write_text("".join(f"proxy line {i}\n" for i in range(40)) +
                                    (f"{HOSTILE}\n" if kind == "hostile" else ""))


def test_load_run_reads_ledger_and_results(tmp_path: Path) -> None:
    run = load_run(make_run(tmp_path, "fail"))
    assert run.start_ts == T0
    assert run.end_ts == T0 + 62
    assert [f.name for f in run.faults] == ["kill", "pause"]
    assert [e.kind for e in run.events] == ["master_change", "controller_leader_change"]
    assert set(run.send_times) == set(run.results["lost"]) and run.results["lost"]
    assert [p.name for p in run.log_files] == ["broker-a-0.log", "proxy.log"]
    assert run.name == "kill-master-fail"


def test_load_run_tolerates_a_minimal_foreign_ledger(tmp_path: Path) -> None:
    """Only LEDGER.md's required tables and columns, and a results.json with just a verdict."""
    conn = sqlite3.connect(tmp_path / "ledger.db")
    conn.executescript("""
        CREATE TABLE sends(value TEXT, process TEXT, group_key TEXT, invoke_ts REAL, complete_ts REAL,
                           outcome TEXT, message_id TEXT, error TEXT);
        CREATE TABLE receives(value TEXT, process TEXT, group_key TEXT, ts REAL, message_id TEXT);
        CREATE TABLE faults(name TEXT, target TEXT, start_ts REAL, end_ts REAL);
        CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT);
        INSERT INTO sends VALUES ('v1', 'p', NULL, 100.0, 100.1, 'ok', NULL, NULL);
        INSERT INTO faults VALUES ('kill', NULL, 101.0, NULL);
    """)
    conn.commit()
    conn.close()
    (tmp_path / "results.json").write_text('{"valid": "unknown"}')
    run = load_run(tmp_path)
    assert run.events == [] and run.start_ts == 100.0 and run.end_ts == 101.0
    assert run.faults[0].target == "" and run.faults[0].end_ts is None


@pytest.mark.parametrize("missing, message", [("dir", "no run directory"), ("ledger.db", "no ledger"),
                                              ("results.json", "no results.json")])
def test_load_run_names_what_is_missing(tmp_path: Path, missing: str, message: str) -> None:
    run = make_run(tmp_path, "pass", logs=False)
    if missing == "dir":
        run = tmp_path / "nothing-here"
    else:
        (run / missing).unlink()
    with pytest.raises(ReportInputError, match=message):
        load_run(run)


def test_times_parse_from_epoch_and_iso() -> None:
    assert parse_time("1796083200.5") == T0 + 0.5
    assert parse_time("2026-12-01T00:00:00Z") == T0
    assert parse_time("2026-12-01 00:00:00") == T0  # naive means UTC
    assert parse_time("yesterday") is None and parse_time(None) is None
    assert meta_duration({"started_at": "2026-12-01T00:00:00Z", "ended_at": "2026-12-01T00:01:00Z"}) == 60.0
    assert meta_duration({"duration_s": "12.5"}) == 12.5


def test_a_repeated_event_is_one_mark_with_its_count():
    """A broker re-reporting its SyncStateSet every few milliseconds is one row, not a hundred."""
    import json as _json
    import sqlite3 as _sqlite3

    from reports.run import _read_events

    conn = _sqlite3.connect(":memory:")
    conn.execute("CREATE TABLE events (ts REAL, kind TEXT, detail TEXT)")
    same = _json.dumps({"broker": "broker-a-1", "detail": "local SyncStateSet [1, 2]"})
    rows = [(1.0, "diagnosis.sync_state_set_local", same), (1.1, "diagnosis.sync_state_set_local", same),
            (1.2, "diagnosis.sync_state_set_local", same), (1.3, "master_change", "broker-a-1 is master (epoch 2)"),
            (1.4, "diagnosis.sync_state_set_local", same), (1.5, "phase", "drain")]
    conn.executemany("INSERT INTO events VALUES (?, ?, ?)", rows)
    assert [(e.ts, e.detail) for e in _read_events(conn)] == [
        (1.0, "broker-a-1: local SyncStateSet [1, 2] (x3)"), (1.3, "broker-a-1 is master (epoch 2)"),
        (1.4, "broker-a-1: local SyncStateSet [1, 2]")]
