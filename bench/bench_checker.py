"""Benchmark the checker against a bare scan of the same ledger (a script, not a test).

Generates a ledger of N sends and N receives (default one million each, half
of them FIFO, three faults with failed and unknown sends inside them,
recovered values and duplicates) the way chaoskit writes one: created by
`chaoskit.ledger.create`, so with the same schema and indexes, maintained
as the rows go in. Then, in this process and alternately:

  scan   SELECT value FROM sends; SELECT value FROM receives, every row read once
  check  chaoskit.checker.write_results(ledger) (what `chaoskit check` runs)

Reports the median wall and CPU time of each and their ratio. Peak memory is
measured on a separate `chaoskit check` subprocess (its ru_maxrss from
wait4, started from a small wrapper process), with its wall time.

    python bench/bench_checker.py                 # 1M + 1M, three rounds
    python bench/bench_checker.py --sends 200000 --rounds 1
    python bench/bench_checker.py --foreign       # the same rows without chaoskit's indexes
"""
from __future__ import annotations

import argparse
import os
import random
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from chaoskit import ledger
from chaoskit.checker import write_results

T0 = 1_700_000_000.0
FAULTS = [("kill", "broker-a-0 (master)", 0.2, 0.24), ("pause", "broker-b-0 (master)", 0.5, 0.54),
          ("partition", "broker-a-1 (slave)", 0.8, 0.84)]


def generate(path: Path, sends: int, fifo_share: float, rate: float, seed: int) -> None:
    """A ledger of `sends` sends and exactly as many receives, rows in the order a writer commits them,
    into chaoskit's own schema and indexes (`ledger.create`)."""
    rnd = random.Random(seed)
    duration = sends / rate
    faults = [(name, target, T0 + a * duration, T0 + b * duration) for name, target, a, b in FAULTS]
    send_rows, receive_rows, last_in_group = [], [], {}
    for i in range(sends):
        producer = i % 8
        value = f"p{producer}-{i // 8:07d}"
        invoke = T0 + i / rate
        group = f"p{producer}-g{i % 64 // 8}" if rnd.random() < fifo_share else None
        roll = rnd.random()
        in_fault = any(start <= invoke <= end for _, _, start, end in faults)
        outcome = "fail" if in_fault and roll < 0.1 else "info" if in_fault and roll < 0.2 else "ok"
        latency = rnd.lognormvariate(-6.2, 0.5)  # ~2 ms
        complete = invoke + latency if outcome != "info" else (invoke + 3.0 if roll < 0.15 else None)
        message_id = f"{i:032X}" if outcome == "ok" else None
        send_rows.append((value, f"p{producer}", group, invoke, complete, outcome, message_id, None if outcome == "ok" else "timeout"))
        if outcome == "ok" or (outcome == "info" and roll < 0.175):
            ts = (complete or invoke) + rnd.expovariate(200)
            if group is not None:  # FIFO groups are delivered in order
                ts = max(ts, last_in_group.get(group, 0.0) + 1e-6)
                last_in_group[group] = ts
            receive_rows.append((value, f"c{producer % 4}", group, ts, message_id))
    for j in range(sends - len(receive_rows)):  # redeliveries, one second later
        value, process, group, ts, message_id = receive_rows[(j * 7919) % len(receive_rows)]
        receive_rows.append((value, process, group, ts + 1.0, message_id))
    send_rows.sort(key=lambda r: r[4] if r[4] is not None else r[3] + 5.0)
    receive_rows.sort(key=lambda r: r[3])
    ledger.create(path)
    conn = sqlite3.connect(path)
    with conn:
        conn.executemany(
            "INSERT INTO sends(value, process, group_key, invoke_ts, complete_ts, outcome, message_id, error)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?)", send_rows)
        conn.executemany("INSERT INTO receives(value, process, group_key, ts, message_id) VALUES (?, ?, ?, ?, ?)", receive_rows)
        conn.executemany("INSERT INTO faults(name, target, start_ts, end_ts) VALUES (?, ?, ?, ?)", faults)
        conn.executemany("INSERT INTO meta(key, value) VALUES (?, ?)",
                         [("drain_complete", "true"), ("ledger_complete", "true"), ("final_read_complete", "false")])
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()


def without_indexes(path: Path, copy: Path) -> Path:
    """A copy of the ledger at `path` with its indexes dropped."""
    shutil.copyfile(path, copy)
    conn = sqlite3.connect(copy)
    for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL").fetchall():
        conn.execute(f"DROP INDEX {name}")
    conn.commit()
    conn.execute("VACUUM")
    conn.close()
    return copy


def bare_scan(path: Path) -> int:
    """Read every value of both tables once."""
    conn = ledger.open_for_read(path)
    rows = 0
    for table in ("sends", "receives"):
        for (_value,) in conn.execute(f"SELECT value FROM {table}"):
            rows += 1
    conn.close()
    return rows


def timed(fn, *args) -> tuple[float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    fn(*args)
    return time.perf_counter() - wall, time.process_time() - cpu


# Linux counts the parent's pages in a forked child's ru_maxrss, so the checker is started
# from this small wrapper process, and the wrapper reports its child's peak.
_WRAPPER = (
    "import os, subprocess, sys; child = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL);"
    " _, status, usage = os.wait4(child.pid, 0); print(usage.ru_maxrss, os.waitstatus_to_exitcode(status))"
)


def peak_of_cli(path: Path) -> tuple[float, float, int]:
    """(peak RSS MB, wall s, exit code) of `chaoskit check` in a fresh process."""
    wall = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", _WRAPPER, sys.executable, "-c", "from chaoskit.cli import main; main()", "check", str(path)],
        capture_output=True, text=True, check=True,
    )
    maxrss_kb, code = done.stdout.split()
    return int(maxrss_kb) / 1024, time.perf_counter() - wall, int(code)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sends", type=int, default=1_000_000)
    parser.add_argument("--fifo-share", type=float, default=0.5, help="share of sends with a group_key")
    parser.add_argument("--rate", type=float, default=2000.0, help="sends per second of history")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--ledger", type=Path, help="reuse (or create) this ledger file")
    parser.add_argument("--foreign", action="store_true",
                        help="check a copy without indexes, as another tool may write a ledger")
    args = parser.parse_args()

    workdir = tempfile.TemporaryDirectory(prefix="bench-checker-")
    path = args.ledger or Path(workdir.name) / "ledger.db"
    if not path.exists():
        started = time.perf_counter()
        generate(path, args.sends, args.fifo_share, args.rate, seed=5)
        print(f"generated {path} ({path.stat().st_size / 1e6:.0f} MB) in {time.perf_counter() - started:.1f}s")
    if args.foreign:
        path = without_indexes(path, Path(workdir.name) / "foreign.db")

    scans, checks = [], []
    for _ in range(args.rounds):
        scans.append(timed(bare_scan, path))
        checks.append(timed(write_results, path))
    results, _ = write_results(path)
    peak_mb, cli_wall, code = peak_of_cli(path)

    scan_wall, scan_cpu = (statistics.median(x) for x in zip(*scans))
    check_wall, check_cpu = (statistics.median(x) for x in zip(*checks))
    print(f"rows: {results['attempt_count']} values sent, {results['received_count'] + results['duplicate_deliveries']} receives;"
          f" verdict {results['valid']!r}: {results['reason']}")
    print(f"python {sys.version.split()[0]}, sqlite {sqlite3.sqlite_version}, {os.cpu_count()} cpus,"
          f" load average {os.getloadavg()[0]:.1f}, median of {args.rounds} rounds")
    print(f"bare scan   wall {scan_wall:6.2f}s  cpu {scan_cpu:6.2f}s")
    print(f"check       wall {check_wall:6.2f}s  cpu {check_cpu:6.2f}s")
    print(f"ratio       wall {check_wall / scan_wall:6.2f}x  cpu {check_cpu / scan_cpu:6.2f}x   (goal <= 2x)")
    print(f"chaoskit check subprocess: peak RSS {peak_mb:.0f} MB (goal <= 500 MB), wall {cli_wall:.2f}s, exit {code}")
    workdir.cleanup()


if __name__ == "__main__":
    main()
