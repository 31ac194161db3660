"""The progress view: plain lines off a terminal, a rich table on one."""
from __future__ import annotations

import io
import time

from workloads import progress
from workloads.stats import Stats
from workloads.tracker import Tracker


def busy_stats() -> Stats:
    stats = Stats(Tracker())
    stats.phase("main")
    for seq in range(10):
        stats.invoked(0.0)
        stats.sent("ok")
        stats.tracker.ack(0, seq)
    stats.invoked(0.5)
    stats.sent("info")
    stats.tracker.receive(0, 1)
    stats.delivered(True)
    return stats


def test_line_shows_rates_and_totals():
    stats = busy_stats()
    cur = stats.snapshot()
    prev = progress.Snapshot(**{**cur.__dict__, "ts": cur.ts - 2.0, "ok": 0, "info": 0, "deliveries": 0})
    text = progress.line(prev, cur, 12.0)
    assert text.startswith("[main    12s] sends/s ok 5 fail 0 info 0 | receives/s 0 |")
    assert "sent 11 acked 10 received 1 unreceived 9 | in flight 0 late 1" in text


def test_plain_view_prints_periodic_lines(monkeypatch):
    monkeypatch.setattr(progress, "PLAIN_EVERY_S", 0.05)
    out = io.StringIO()
    view = progress.ProgressView(busy_stats(), "plain", out).start()
    time.sleep(0.3)
    view.stop()
    lines = out.getvalue().splitlines()
    assert len(lines) >= 2 and all(ln.startswith("[main ") for ln in lines)


def test_live_view_renders_a_table(monkeypatch):
    monkeypatch.setattr(progress, "LIVE_REFRESH_S", 0.05)
    out = io.StringIO()
    view = progress.ProgressView(busy_stats(), "live", out).start()
    time.sleep(0.3)
    view.stop()
    assert "values not yet received" in out.getvalue() and "sends ok" in out.getvalue()
    assert progress.auto_mode(io.StringIO()) == "plain"


def test_off_prints_nothing():
    out = io.StringIO()
    progress.ProgressView(busy_stats(), "off", out).start().stop()
    assert out.getvalue() == ""
