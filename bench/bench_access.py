"""Benchmark of both access paths side by side: a script, not a test.

    .venv/bin/python bench/bench_access.py [--rate 1200] [--seconds 30]

One run on a fresh full cluster (NameServers+controllers, brokers and a
Proxy: `up` with access proxy after `down`): for each access mode
(remoting: the Java client straight to the brokers; proxy: the gRPC client
through the Proxy) the whole workload (producers on the open-loop schedule,
consumers, drain, final read) runs twice at the same offered rate:
- bare: every ledger write is dropped (a writer that records nothing), so
  only the clients and the harness's own bookkeeping run;
- recording: the real ledger records every send, outcome and delivery.
It reports acknowledged sends/s (ok sends over the sending window) and
deliveries/s (deliveries over the sending window plus the drain), the
recording/bare ratio of acknowledged sends/s, and writes the figures to
bench/results/access-<time>.json (docs/workloads.md keeps the last table).
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from chaoskit.ledger import LedgerWriter  # noqa: E402
from workloads.spec import WorkloadSpec  # noqa: E402

RESULTS = Path(__file__).with_name("results")


class NullWriter:
    """A LedgerWriter that records nothing: the bare runs' ledger."""

    path = None

    def add(self, table: str, row: dict) -> None:
        pass

    def amend(self, table: str, key: dict, values: dict) -> None:
        pass

    def add_now(self, table: str, row: dict) -> int:
        return 0

    def update_now(self, table: str, rowid: int, values: dict) -> None:
        pass

    def set_meta(self, key: str, value: Any) -> None:
        pass

    def flush(self) -> None:
        pass

    def close(self) -> None:
        pass


def one_run(cluster, mode: str, record: bool, rate: float, seconds: float) -> dict:
    """One full workload; its acknowledged sends/s and deliveries/s."""
    from workloads.runner import run_workload

    spec = WorkloadSpec(rate=rate, duration=seconds, producers=2, consumers=2, drain_quiet=20, drain_limit=30)
    with tempfile.TemporaryDirectory() as tmp:
        writer = LedgerWriter(Path(tmp) / "ledger.db") if record else NullWriter()
        try:
            s = run_workload(spec, cluster.access(mode), writer, cluster.nodes(), progress="off")
        finally:
            writer.close()
    return {"mode": mode, "recording": record, "offered_per_s": rate, "seconds": seconds,
            "acked": s.acked, "acked_per_s": round(s.ok / seconds, 1), "deliveries": s.deliveries,
            "deliveries_per_s": round(s.deliveries / (seconds + s.drain.seconds), 1),
            "late_sends": s.late_sends, "max_lag_s": round(s.max_lag, 2), "info": s.info, "fail": s.fail,
            "unreceived": s.unreceived, "drain": s.drain.reason}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rate", type=float, default=1200.0, help="offered sends/s of every run")
    ap.add_argument("--seconds", type=float, default=30.0, help="sending window of every run")
    ap.add_argument("--modes", default="remoting,proxy")
    args = ap.parse_args()
    from chaoskit.cluster import compose, lifecycle
    from chaoskit.cluster.spec import ClusterSpec

    compose.down()  # a fresh cluster, as every run has
    cluster = lifecycle.up(ClusterSpec(access="proxy"), log=lambda m: print(f"up: {m}", flush=True))
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
    print(f"RocketMQ {cluster.version}, {os.cpu_count()} cores, load {os.getloadavg()[0]:.1f}, commit {commit}",
          flush=True)
    runs = []
    for mode in args.modes.split(","):
        for record in (False, True):
            r = one_run(cluster, mode, record, args.rate, args.seconds)
            print(json.dumps(r), flush=True)
            runs.append(r)
    print("\n| access | ledger | acked sends/s | deliveries/s | late sends | drain |\n|---|---|---:|---:|---:|---|")
    for r in runs:
        print(f"| {r['mode']} | {'recording' if r['recording'] else 'bare'} | {r['acked_per_s']:.0f} | "
              f"{r['deliveries_per_s']:.0f} | {r['late_sends']} | {r['drain']} |")
    for mode in args.modes.split(","):
        bare, rec = (next(r for r in runs if r["mode"] == mode and r["recording"] is k) for k in (False, True))
        ratio = rec["acked_per_s"] / bare["acked_per_s"] if bare["acked_per_s"] else 0.0
        print(f"{mode}: recording/bare {ratio:.2f}")
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / f"access-{time.strftime('%Y%m%dT%H%M%S')}.json"
    out.write_text(json.dumps({"commit": commit, "load": os.getloadavg(), "args": vars(args), "runs": runs},
                              indent=2))
    print(f"results: {out}")


if __name__ == "__main__":
    main()
