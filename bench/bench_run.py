"""Benchmark (not a test): detection power and overhead of `chaoskit run`.

    flock /tmp/chaoskit-cluster.lock python bench/bench_run.py --runs 5 [--duration 50] [--rate 300]
        [--scenarios lossy-ack]     # one scenario only, e.g. for a sweep over durations and rates

Runs lossy-ack and no-loss K times each (seeds 1..K) at a fixed duration and
reports: the share of lossy-ack runs that found loss, the no-loss runs that
failed or were unknown (a FAIL is a false alarm only if the loss it names is
not real: the run's final read and broker logs say), and the wall time each
run spends beyond its workload duration (cluster up, warm-up, drain, final
read, check, report, teardown). Results go to stdout as JSON and to
bench/results/run-<time>.json.
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


def one(scenario: str, seed: int, duration: float | None, rate: float | None, store: Path) -> dict:
    args = [sys.executable, "-m", "chaoskit", "run", scenario, "--seed", str(seed)]
    if duration is not None:
        args += ["--duration", str(duration)]
    if rate is not None:
        args += ["--rate", str(rate)]
    start = time.monotonic()
    res = subprocess.run(args, capture_output=True, text=True, env={**os.environ, "CHAOSKIT_STORE": str(store)})
    wall = time.monotonic() - start
    run_dir = (store / "latest").resolve()
    results = json.loads((run_dir / "results.json").read_text()) if (run_dir / "results.json").is_file() else {}
    meta = results.get("meta", {})
    run_duration = float(meta.get("duration_s", duration or 0))
    return {"scenario": scenario, "seed": seed, "exit": res.returncode, "valid": results.get("valid"),
            "lost": results.get("lost_count"), "lost_in_store": results.get("lost_in_store_count"),
            "acknowledged": results.get("acknowledged_count"), "wall_s": round(wall, 1),
            "beyond_duration_s": round(wall - run_duration, 1), "run_dir": str(run_dir)}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--duration", type=float, help="override both scenarios' duration")
    ap.add_argument("--rate", type=float)
    ap.add_argument("--scenarios", default="lossy-ack,no-loss", help="comma-separated, run in this order")
    args = ap.parse_args()
    scenarios = args.scenarios.split(",")
    store = Path(tempfile.mkdtemp(prefix="chaoskit-bench-"))
    rows = []
    for seed in range(1, args.runs + 1):
        for scenario in scenarios:
            rows.append(one(scenario, seed, args.duration, args.rate, store))
            print(json.dumps(rows[-1]), flush=True)
    lossy = [r for r in rows if r["scenario"] == "lossy-ack"]
    clean = [r for r in rows if r["scenario"] == "no-loss"]
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
    summary = {
        "commit": commit, "runs_each": args.runs, "duration": args.duration, "rate": args.rate,
        "lossy_ack_detected": sum(r["valid"] is False for r in lossy) / len(lossy) if lossy else None,
        "no_loss_failed": sum(r["valid"] is False for r in clean) if clean else None,
        "no_loss_unknown": sum(r["valid"] == "unknown" for r in clean) if clean else None,
        "beyond_duration_s_max": max(r["beyond_duration_s"] for r in rows),
        "beyond_duration_s_median": sorted(r["beyond_duration_s"] for r in rows)[len(rows) // 2],
        "runs": rows,
    }
    out = Path(__file__).parent / "results" / f"run-{time.strftime('%Y%m%dT%H%M%S')}.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(summary, indent=2))
    print(json.dumps({k: v for k, v in summary.items() if k != "runs"}, indent=2))


if __name__ == "__main__":
    main()
