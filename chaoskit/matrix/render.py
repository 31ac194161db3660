"""The matrix's files: matrix.json (every run), matrix.html (a version x scenario table, each run's
report linked) and summary.md (the same table for a CI job summary). Pure: cells in, text out."""
from __future__ import annotations

import json
import os
from dataclasses import asdict
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from chaoskit.files import write_atomically
from chaoskit.matrix.cells import Cell, RunRecord, exit_code
from reports.summary import escape

TEMPLATES = Path(__file__).parent / "templates"
_ENV = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=True, undefined=StrictUndefined)
_ICON = {"pass": "✅", "fail": "❌", "unknown": "⚠️"}
_MET = {"met": "met", "not met": "**not met**", "unknown": "no verdict"}


def matrix_json(cells: list[Cell], settings: dict[str, Any]) -> str:
    """matrix.json: the settings, the exit code and every cell with every run."""
    return json.dumps({
        **settings,
        "exit_code": exit_code(cells),
        "cells": [{"scenario": c.scenario, "version": c.version, "access": c.access, "expected": c.expected,
                   "verdict": c.verdict, "expectation": c.expectation,
                   "runs": [{"verdict": r.verdict, **asdict(r)} for r in c.runs]} for c in cells],
    }, indent=1) + "\n"


def cell_text(cell: Cell) -> str:
    """One table cell in words: verdict, run counts, values lost, longest unavailability."""
    counts = ", ".join(f"{cell.count(v)} {v}" for v in ("pass", "fail", "unknown") if cell.count(v))
    parts = [f"{cell.verdict} ({counts or 'not run'})"]
    lost = cell.max_of("lost_count")
    if lost:
        parts.append(f"lost {lost:,}")
    in_store = cell.max_of("lost_in_store_count")
    if in_store:
        parts.append(f"lost from store {in_store:,}")
    gap = cell.max_of("longest_unavailability_s")
    if gap is not None:
        parts.append(f"unavailable ≤ {gap:.1f} s")
    return " · ".join(parts)


def _grid(cells: list[Cell]) -> tuple[list[str], list[str], dict[tuple[str, str], Cell]]:
    scenarios = list(dict.fromkeys(c.scenario for c in cells))
    versions = list(dict.fromkeys(c.version for c in cells))
    return scenarios, versions, {(c.version, c.scenario): c for c in cells}


def _heading(scenario: str, cells: list[Cell]) -> str:
    """A scenario's column heading: its name and access mode."""
    return f"{scenario} ({next(c.access for c in cells if c.scenario == scenario)})"


def summary_md(cells: list[Cell], settings: dict[str, Any]) -> str:
    """summary.md: a version x scenario table of verdicts, then what each cell expected."""
    scenarios, versions, at = _grid(cells)
    code = exit_code(cells)
    lines = [f"## chaoskit matrix · exit {code}", "",
             f"{settings['runs_per_cell']} run(s) per cell, each on a fresh cluster"
             + (f", {settings['duration']:g} s each" if settings.get("duration") else "")
             + (f", access {escape(settings['access'])}" if settings.get("access") else "") + "."
             + _reused_note(cells, settings), "",
             "| release | " + " | ".join(escape(_heading(s, cells)) for s in scenarios) + " |",
             "| --- |" + " --- |" * len(scenarios)]
    for v in versions:
        row = [f"{_ICON[at[v, s].verdict]} {escape(cell_text(at[v, s]))}" if (v, s) in at else "" for s in scenarios]
        lines.append(f"| {v} | " + " | ".join(row) + " |")
    lines += ["", "| scenario | expects | cells met |", "| --- | --- | --- |"]
    for s in scenarios:
        own = [at[v, s] for v in versions if (v, s) in at]
        expected = own[0].expected or "nothing"
        missed = [f"{c.version} {_MET[c.expectation]}" for c in own if c.expectation != "met"]
        lines.append(f"| {escape(s)} | {expected} | {sum(c.expectation == 'met' for c in own)} of {len(own)}"
                     + (f" ({'; '.join(missed)})" if missed else "") + " |")
    unknown = without_verdict(cells)
    if unknown:
        lines += ["", "Runs without a verdict:", ""]
        lines += [f"- {escape(c.version)} {escape(c.scenario)} run {i}: {escape(r.reason)}"
                  + (f". {escape(r.explanation)}" if r.explanation else "") for c, i, r in unknown]
    lines += ["", "Every run's directory and report: `matrix.html` and `matrix.json` beside this file.", ""]
    return "\n".join(lines)


def _reused_note(cells: list[Cell], settings: dict[str, Any]) -> str:
    """' K of N runs reused from DIR, DIR.' when the matrix was resumed, else ''."""
    done = [r for c in cells for r in c.runs]
    reused = sum(r.reused for r in done)
    if not settings.get("resumed_from"):
        return ""
    return f" {reused} of {len(done)} runs reused from {', '.join(escape(d) for d in settings['resumed_from'])}."


def without_verdict(cells: list[Cell]) -> list[tuple[Cell, int, RunRecord]]:
    """Every run with no definite verdict, with its cell and its number in the cell (from 1): the
    matrix says why each has none (the reason, and the run's own explanation when it has one)."""
    return [(c, i, r) for c in cells for i, r in enumerate(c.runs, 1) if r.verdict == "unknown"]


def matrix_html(cells: list[Cell], settings: dict[str, Any], out_dir: Path) -> str:
    """matrix.html: the table, each run linked to its report relative to `out_dir`."""
    scenarios, versions, at = _grid(cells)

    def link(run_dir: str | None) -> str | None:
        return None if run_dir is None else os.path.relpath(Path(run_dir) / "report.html", out_dir)

    rows = [(v, [(at.get((v, s)), [(r, link(r.run_dir)) for r in at[v, s].runs] if (v, s) in at else [])
                 for s in scenarios]) for v in versions]
    return _ENV.get_template("matrix.html.j2").render(
        headings=[_heading(s, cells) for s in scenarios], rows=rows, settings=settings,
        exit_code=exit_code(cells), cell_text=cell_text, unknown=without_verdict(cells))


def write(cells: list[Cell], settings: dict[str, Any], out_dir: Path) -> None:
    """Write (or rewrite, after each run) matrix.json, matrix.html and summary.md into `out_dir`."""
    write_atomically(out_dir / "matrix.json", matrix_json(cells, settings))  # bisect --reuse may read it meanwhile
    write_atomically(out_dir / "matrix.html", matrix_html(cells, settings, out_dir))
    write_atomically(out_dir / "summary.md", summary_md(cells, settings))
