"""Shows a run while it goes: a rich live table on a terminal, plain periodic lines otherwise."""
from __future__ import annotations

import sys
import threading
import time
from collections.abc import Callable
from typing import TextIO

from workloads.stats import Snapshot, Stats

LIVE_REFRESH_S = 1.0
PLAIN_EVERY_S = 5.0


def rates(prev: Snapshot, cur: Snapshot) -> dict[str, float]:
    """Per-second rates between two snapshots."""
    dt = max(cur.ts - prev.ts, 1e-6)
    return {k: (getattr(cur, k) - getattr(prev, k)) / dt for k in ("ok", "fail", "info", "deliveries")}


def line(prev: Snapshot, cur: Snapshot, elapsed: float) -> str:
    """One plain progress line."""
    r = rates(prev, cur)
    return (f"[{cur.phase} {elapsed:5.0f}s] sends/s ok {r['ok']:.0f} fail {r['fail']:.0f} info {r['info']:.0f}"
            f" | receives/s {r['deliveries']:.0f} | sent {cur.sends} acked {cur.acked} received {cur.received}"
            f" unreceived {cur.outstanding} | in flight {cur.in_flight} late {cur.late_sends}"
            f" | errors recv {cur.receive_errors} ack {cur.ack_errors}")


def _table(prev: Snapshot, cur: Snapshot, elapsed: float):
    from rich.table import Table

    r = rates(prev, cur)
    t = Table(title=f"chaoskit workload: {cur.phase}, {elapsed:.0f} s", show_header=True)
    t.add_column("")
    t.add_column("per second", justify="right")
    t.add_column("total", justify="right")
    t.add_row("sends ok", f"{r['ok']:.0f}", str(cur.ok))
    t.add_row("sends fail", f"{r['fail']:.0f}", str(cur.fail))
    t.add_row("sends info", f"{r['info']:.0f}", str(cur.info))
    t.add_row("receives", f"{r['deliveries']:.0f}", f"{cur.deliveries} ({cur.redeliveries} redelivered)")
    t.add_row("values not yet received", "", str(cur.outstanding))
    t.add_row("in flight / producers backlogged", "", f"{cur.in_flight} / {cur.backlogged}")
    t.add_row("late sends (max lag)", "", f"{cur.late_sends} ({cur.max_lag:.2f} s)")
    t.add_row("receive / ack errors", "", f"{cur.receive_errors} / {cur.ack_errors}")
    if cur.foreign:
        t.add_row("other runs' messages skipped", "", str(cur.foreign))
    return t


class ProgressView:
    """A thread that renders `stats` until `stop()`; mode: live, plain or off."""

    def __init__(self, stats: Stats, mode: str, out: TextIO | None = None,
                 clock: Callable[[], float] = time.time) -> None:
        self._stats = stats
        self._mode = mode
        self._out = out or sys.stderr
        self._clock = clock
        self._start = clock()
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._run, name="progress", daemon=True)

    def start(self) -> ProgressView:
        if self._mode != "off":
            self._thread.start()
        return self

    def stop(self) -> None:
        self._done.set()
        if self._thread.is_alive():
            self._thread.join()

    def _run(self) -> None:
        prev = self._stats.snapshot()
        if self._mode == "live":
            from rich.console import Console
            from rich.live import Live

            with Live(_table(prev, prev, 0), console=Console(file=self._out), auto_refresh=False) as live:
                while not self._done.wait(LIVE_REFRESH_S):
                    cur = self._stats.snapshot()
                    live.update(_table(prev, cur, self._clock() - self._start), refresh=True)
                    prev = cur
            return
        while not self._done.wait(PLAIN_EVERY_S):
            cur = self._stats.snapshot()
            print(line(prev, cur, self._clock() - self._start), file=self._out, flush=True)
            prev = cur


def auto_mode(out: TextIO | None = None) -> str:
    """live on a terminal, plain otherwise."""
    return "live" if (out or sys.stderr).isatty() else "plain"
