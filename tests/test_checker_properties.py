"""Property tests (hypothesis).

1. Random histories, including re-sends, duplicates, ties and foreign-looking
   meta, give exactly what the reference checker (chaoskit/checker/reference.py,
   LEDGER.md read literally) gives; availability, timeline and latency exactly
   what the naive models below give.
2. Clean histories with anomalies injected at known values report exactly
   those values; with none injected they are valid.
"""
from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st
from test_checker_support import Ledger

from chaoskit.checker import latency, reference

VALUES = [f"v{i}" for i in range(8)]
GHOSTS = ["x0", "x1"]
QUARTERS = st.integers(0, 40).map(lambda n: n / 4)  # coarse times, so ties happen
WHOLE = st.integers(0, 10).map(float)  # coarser still, for equal receive times
SETTINGS = settings(max_examples=150, deadline=None)


@dataclass
class History:
    sends: list[tuple] = field(default_factory=list)  # (value, outcome, invoke, complete, group)
    receives: list[tuple] = field(default_factory=list)  # (value, ts)
    faults: list[tuple] = field(default_factory=list)  # (name, start, end)
    final_reads: list[str] = field(default_factory=list)
    meta: dict = field(default_factory=dict)

    def ledger(self, path: Path | None = None) -> Ledger:
        book = Ledger(path).meta(**self.meta)
        for value, outcome, invoke, complete, group in self.sends:
            book.send(value, outcome, invoke=invoke, complete=complete, group=group)
        for value, ts in self.receives:
            book.receive(value, ts)
        for name, start, end in self.faults:
            book.fault(name, start, end)
        return book.final_reads(*self.final_reads)

    def check(self) -> dict:
        return self.ledger().check()


@st.composite
def histories(draw) -> History:
    size = draw(st.integers(0, 30))  # drawn apart: hypothesis's own list sizes stay tiny
    sends = []
    for value, outcome, invoke, took, group in draw(st.lists(st.tuples(
        st.sampled_from(VALUES), st.sampled_from(["ok", "fail", "info"]), QUARTERS,
        st.one_of(st.none(), st.integers(-1, 8).map(lambda n: n / 4)), st.sampled_from([None, "g0", "g0", "g1"]),
    ), min_size=size, max_size=size)):
        sends.append((value, outcome, invoke, None if took is None else invoke + took, group))
    faults = [
        (name, start, None if length is None else start + length)
        for name, start, length in draw(st.lists(st.tuples(
            st.sampled_from(["kill", "pause"]), QUARTERS, st.one_of(st.none(), st.integers(0, 30).map(lambda n: n / 4)),
        ), max_size=3))
    ]
    flags = st.sampled_from(["true", "false", None])
    # Most sent values are received, at whole seconds (so order pairs and ties exist),
    # then a few random receives on top.
    receives = [(v, draw(WHOLE)) for v in sorted({s[0] for s in sends}) if draw(st.integers(0, 3))]
    receives += draw(st.lists(st.tuples(st.sampled_from(VALUES + GHOSTS), st.one_of(QUARTERS, WHOLE)), max_size=10))
    return History(
        sends=sends,
        receives=draw(st.permutations(receives)),
        faults=faults,
        final_reads=draw(st.lists(st.sampled_from(VALUES + GHOSTS), max_size=12)),
        meta={"drain_complete": draw(flags), "ledger_complete": draw(flags), "final_read_complete": draw(flags)},
    )


def availability_model(h: History) -> tuple:
    """Walk every distinct invoke instant: unavailable if no send at it ended ok."""
    instants = sorted({s[2] for s in h.sends})
    up = {t: any(s[1] == "ok" for s in h.sends if s[2] == t) for t in instants}
    gaps, start = [], None
    for t in instants:
        if not up[t] and start is None:
            start = t
        elif up[t] and start is not None:
            gaps.append([start, t])
            start = None
    if start is not None:
        gaps.append([start, instants[-1]])
    faults = sorted(h.faults, key=lambda f: (f[1], math.inf if f[2] is None else f[2], f[0]))
    inside = [[g for g in gaps if s <= g[0] <= (math.inf if e is None else e)] for _, s, e in faults]
    outside = [g for g in gaps if not any(g in windows for windows in inside)]
    return [w for w in inside], outside


def timeline_model(h: History) -> list[dict]:
    rows = defaultdict(lambda: {"sends_ok": 0, "sends_fail": 0, "sends_info": 0, "receives": 0})
    for _, outcome, invoke, _, _ in h.sends:
        rows[math.floor(invoke)][f"sends_{outcome}"] += 1
    for _, ts in h.receives:
        rows[math.floor(ts)]["receives"] += 1
    return [{"t": t, **rows[t]} for t in sorted(rows)]


def latency_model(h: History) -> dict:
    """Raw microseconds recorded one by one into HdrHistograms, overall and per second."""
    invoked = defaultdict(list)
    for value, _, invoke, _, _ in h.sends:
        invoked[value].append(invoke)
    first = {v: min(ts for w, ts in h.receives if w == v) for v, _ in h.receives}
    samples = {"send": [], "e2e": []}
    for _, outcome, invoke, complete, _ in h.sends:
        if outcome == "ok" and complete is not None:
            samples["send"].append((math.floor(invoke), int((complete - invoke) * 1_000_000)))
    for v, received in first.items():
        if v in invoked:
            invoke = min(invoked[v])
            samples["e2e"].append((math.floor(invoke), int((received - invoke) * 1_000_000)))

    def histogram(values):
        hist = latency.new_histogram()
        for us in values:
            hist.record_value(min(max(us, 0), latency.HIGHEST_US))
        return hist

    out = {}
    for name, key in (("send", "send"), ("e2e", "end_to_end")):
        hist = histogram(us for _, us in samples[name])
        if hist.get_total_count():
            pct = hist.get_percentile_to_value_dict([50.0, 95.0, 99.0])
            out[key] = {"count": hist.get_total_count(), "p50": pct[50.0] / 1e6, "p95": pct[95.0] / 1e6,
                        "p99": pct[99.0] / 1e6, "max": hist.get_max_value() / 1e6}
        else:
            out[key] = {"count": 0, "p50": None, "p95": None, "p99": None, "max": None}
    seconds = sorted({t for kind in samples.values() for t, _ in kind})
    per_second = []
    for t in seconds:
        row = {"t": t}
        for name in ("send", "e2e"):
            hist = histogram(us for s, us in samples[name] if s == t)
            pct = hist.get_percentile_to_value_dict([50.0, 99.0]) if hist.get_total_count() else {50.0: None, 99.0: None}
            row.update({f"{name}_p50": pct[50.0] and pct[50.0] / 1e6, f"{name}_p99": pct[99.0] and pct[99.0] / 1e6})
        per_second.append(row)
    out["per_second"] = per_second
    return out


@given(histories())
@SETTINGS
def test_random_histories_match_the_reference(h: History) -> None:
    book = h.ledger()
    got, want = book.check(), reference.check(book.conn)
    for key in ("attempt_count", "acknowledged_count", "received_count", "ok_count", "lost", "unexpected",
                "recovered", "failed_delivered", "lost_in_store", "duplicated", "duplicate_deliveries",
                "order_violations", "valid"):
        assert got[key] == want[key], key
    assert got["lost_count"] == len(want["lost"]) and got["order_violation_count"] == len(want["order_violations"])
    assert got["lost_in_store_count"] == (None if want["lost_in_store"] is None else len(want["lost_in_store"]))
    for name in ("lost", "unexpected", "recovered", "failed_delivered", "duplicated"):
        assert [e["value"] for e in got["examples"][name]] == want[name][:10]
    inside, outside = availability_model(h)
    assert [f["windows"] for f in got["availability"]["faults"]] == inside
    assert got["availability"]["outside_faults"]["windows"] == outside
    assert got["timeline"] == timeline_model(h)
    assert got["latency"] == latency_model(h)


@st.composite
def injected(draw) -> tuple[History, dict[str, set]]:
    """A clean FIFO-and-plain history (value i sent at i s, acked at +0.5 s, received at +0.75 s),
    then disjoint sets of values made lost, recovered, failed-delivered, missing from the store,
    duplicated, received out of order, plus values received that were never sent."""
    n = draw(st.integers(2, 40))
    names = [f"v{i:02d}" for i in range(n)]
    group_of = {v: draw(st.sampled_from([None, "g0", "g1"])) for v in names}
    kinds = ("lost", "recovered", "failed_delivered", "lost_in_store", "order")
    role = {v: draw(st.sampled_from(kinds + ("clean",) * 5)) for v in names}
    pick = {kind: {v for v in names if role[v] == kind} for kind in kinds}
    duplicated = set(draw(st.lists(st.sampled_from(names), max_size=5))) - pick["lost"]
    unexpected = {f"u{i}" for i in range(draw(st.integers(0, 3)))}

    h = History(meta={"drain_complete": "true", "ledger_complete": "true", "final_read_complete": "true"})
    first = {}
    for i, v in enumerate(names):
        outcome = {"recovered": "info", "failed_delivered": "fail"}.get(role[v], "ok")
        h.sends.append((v, outcome, float(i), None if outcome == "info" else i + 0.5, group_of[v]))
        if role[v] != "lost":
            first[v] = i + 0.75
    # Order: b of a pair (a, b) of consecutive acked, received values of a group is first received
    # just before a. Only b's time moves, so exactly the chosen pairs are violations.
    expected_order = []
    for g in ("g0", "g1"):
        sequence = [v for v in names if group_of[v] == g and v in first and role[v] not in ("recovered", "failed_delivered")]
        for a, b in pairwise(sequence):
            if role[b] == "order":
                first[b] = first[a] - 0.1
                expected_order.append((g, a, b))
    h.receives = [(v, ts) for v, ts in first.items()] + [(v, first[v] + 100) for v in duplicated]
    h.receives += [(u, 5.0) for u in unexpected]
    acked = [v for v in names if role[v] not in ("recovered", "failed_delivered")]
    h.final_reads = [v for v in acked if role[v] != "lost_in_store"]
    expected = {
        "lost": pick["lost"], "unexpected": unexpected, "recovered": pick["recovered"] | pick["failed_delivered"],
        "failed_delivered": pick["failed_delivered"], "lost_in_store": pick["lost_in_store"], "duplicated": duplicated,
        "order": expected_order,
    }
    return h, expected


@given(injected())
@SETTINGS
def test_injected_anomalies_are_reported_exactly(case: tuple[History, dict]) -> None:
    h, expected = case
    book = h.ledger()
    got = book.check()
    ref = reference.check(book.conn)
    for name in ("lost", "unexpected", "recovered", "failed_delivered", "lost_in_store", "duplicated"):
        assert got[name] == ref[name] == sorted(expected[name]), name
        assert got[f"{name}_count"] == len(expected[name]), name
    assert [(v["group"], v["a"], v["b"]) for v in got["order_violations"]] == expected["order"]
    assert [(v["group"], v["a"], v["b"]) for v in ref["order_violations"]] == expected["order"]
    assert got["order_violation_count"] == len(expected["order"])
    assert ref["valid"] == got["valid"]
    assert got["duplicate_deliveries"] == len(expected["duplicated"])
    harmful = ("lost", "unexpected", "failed_delivered", "lost_in_store", "order")
    if any(expected[k] for k in harmful):
        assert got["valid"] is False
    elif got["acknowledged_count"]:
        assert got["valid"] is True, got["reason"]


@given(st.integers(1, 60), st.sampled_from([None, "g0"]))
@SETTINGS
def test_clean_histories_are_valid(n: int, group: str | None) -> None:
    h = History(meta={"drain_complete": "true", "ledger_complete": "true", "final_read_complete": "true"})
    for i in range(n):
        h.sends.append((f"v{i}", "ok", float(i), i + 0.5, group))
        h.receives.append((f"v{i}", i + 0.75))
    h.final_reads = [f"v{i}" for i in range(n)]
    got = h.check()
    assert (got["valid"], got["ok_count"], got["attempt_count"]) == (True, n, n)
