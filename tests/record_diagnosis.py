"""Record a diagnosis fixture from a real run directory (docs/diagnosis.md, "Fixtures").

    PYTHONPATH=. python tests/record_diagnosis.py RUN_DIR OUT_DIR [--lost]

For each broker and controller log of RUN_DIR/logs (store.log included), it
copies every line the parser of chaoskit/diagnosis knows, each with the line
before it, verbatim; of a run of consecutive known lines that say the same
thing (numbers aside), only the first MAX_REPEATS are kept. It writes
meta.json (the run, its scenario, release and log zone) and a README naming
the run. `--lost` also writes lost.csv (each lost and lost-in-store value as
the windows see it) and faults.csv, for tests of the windows.
"""
from __future__ import annotations

import csv
import dataclasses
import json
import re
import sys
from collections.abc import Iterable
from pathlib import Path

import click

from chaoskit import ledger
from chaoskit.checker import faults as checker_faults
from chaoskit.diagnosis import events, logline, rundir

MAX_REPEATS = 3
META_KEYS = ("scenario", "rocketmq_version", "access", "log_utc_offset_hours", "started_at")


def excerpt(node: str, lines: list[str], utc_offset_hours: float) -> list[str]:
    """The known lines of one node's log, each with the line before it, repeats capped (module doc);
    a repeat past the cap is not taken back as the line before another."""
    keep: set[int] = set()
    capped: set[int] = set()
    last_key, repeats = None, 0
    for i, raw in enumerate(lines):
        line = logline.split(raw, utc_offset_hours)
        if line is None or not events.known(node, line.message):
            continue
        key = re.sub(r"\d+", "#", line.message)
        repeats = repeats + 1 if key == last_key else 1
        last_key = key
        if repeats > MAX_REPEATS:
            capped.add(i)
            continue
        keep.add(i)
        if i and i - 1 not in capped:
            keep.add(i - 1)
    return [lines[i] for i in sorted(keep)]


def record(run_dir: Path, out: Path, with_lost: bool) -> dict[str, int]:
    """Write the fixture; returns the lines kept per log file."""
    results = json.loads((run_dir / rundir.RESULTS).read_text(encoding="utf-8"))
    meta = {k: results["meta"].get(k) for k in META_KEYS}
    offset = float(meta["log_utc_offset_hours"] or 0)
    out.mkdir(parents=True, exist_ok=True)
    kept = {}
    for path in rundir.log_files(run_dir):
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines(keepends=True)
        chosen = excerpt(rundir.node_of(path), lines, offset)
        if chosen:
            (out / path.name).write_text("".join(chosen), encoding="utf-8")
            kept[path.name] = len(chosen)
    meta["run"] = _store_relative(run_dir)
    (out / "meta.json").write_text(json.dumps(meta, indent=1) + "\n", encoding="utf-8")
    if with_lost:
        conn = ledger.open_for_read(ledger.resolve_path(run_dir))
        try:
            _write_csv(out / "lost.csv", (dataclasses.asdict(v) for v in rundir.read_lost(conn, results)))
            _write_csv(out / "faults.csv", (f.as_dict() for f in checker_faults.read(conn)))
        finally:
            conn.close()
    (out / "README").write_text(_readme(meta, kept, with_lost), encoding="utf-8")
    return kept


def _store_relative(run_dir: Path) -> str:
    """store/<scenario>/<time> when the run lives in a store, else the path as given."""
    parts = run_dir.resolve().parts
    return "/".join(parts[parts.index("store"):]) if "store" in parts else str(run_dir)


def _write_csv(path: Path, rows: Iterable[dict]) -> None:
    rows = list(rows)
    with path.open("w", newline="", encoding="utf-8") as f:
        if rows:
            writer = csv.DictWriter(f, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(rows)


def _readme(meta: dict, kept: dict[str, int], with_lost: bool) -> str:
    zone = meta["log_utc_offset_hours"]
    files = ", ".join(f"{name} ({n} lines)" for name, n in kept.items())
    text = (f"Recorded, not built: lines of `chaoskit run {meta['scenario']}` on RocketMQ {meta['rocketmq_version']} "
            f"({meta['access']} access), run {meta['run']}, by tests/record_diagnosis.py.\n"
            f"From its logs/: {files}. Every line a pattern of chaoskit/diagnosis knows, each with the line before it, "
            f"verbatim; of a run of consecutive known lines saying the same thing (numbers aside) the first "
            f"{MAX_REPEATS} are kept. Log times are GMT{'+' if float(zone or 0) >= 0 else ''}{zone} "
            f"(meta.json log_utc_offset_hours).\n")
    if with_lost:
        text += ("lost.csv: the run's lost and lost-in-store values as the windows see them (rundir.read_lost); "
                 "faults.csv: its fault rows.\n")
    return text


@click.command(context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("run_dir", type=click.Path(path_type=Path))
@click.argument("out_dir", type=click.Path(path_type=Path))
@click.option("--lost", "with_lost", is_flag=True, help="Also write lost.csv and faults.csv (for window tests).")
def main(run_dir: Path, out_dir: Path, with_lost: bool) -> None:
    """Record RUN_DIR's known log lines into OUT_DIR as a diagnosis fixture.

    Example: PYTHONPATH=. python tests/record_diagnosis.py store/stale-master/20261207T034228 tests/data/diagnosis/5.5.0-recorded
    """
    if not (run_dir / rundir.RESULTS).is_file() or not rundir.log_files(run_dir):
        click.echo(f"error: {run_dir} is not a finished run with logs (results.json and logs/*.log)", err=True)
        sys.exit(2)
    kept = record(run_dir, out_dir, with_lost)
    click.echo(f"{out_dir}: " + ", ".join(f"{name} {n}" for name, n in kept.items()))


if __name__ == "__main__":
    main()
