"""summary.md: verdict and counts that render as GitHub-style Markdown."""
from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

import pytest
from markdown_it import MarkdownIt
from test_report_run import HOSTILE, make_run

from reports import render_all
from reports.run import load_run
from reports.summary import escape, summary_md

# CommonMark plus GFM tables, as GitHub renders a job summary.
MARKDOWN = MarkdownIt("commonmark").enable("table")


class _Tables(HTMLParser):
    """The cells of every rendered table, and every tag seen."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: list[list[list[str]]] = []
        self.tags: list[str] = []
        self._cell: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        if tag == "table":
            self.tables.append([])
        elif tag == "tr":
            self.tables[-1].append([])
        elif tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None:
            self.tables[-1][-1].append("".join(self._cell).strip())
            self._cell = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def _render(markdown: str) -> tuple[_Tables, str]:
    html = MARKDOWN.render(markdown)
    parser = _Tables()
    parser.feed(html)
    return parser, html


@pytest.mark.parametrize("kind, heading", [("pass", "✅ PASS · kill-master-pass"), ("fail", "❌ FAIL · kill-master-fail"),
                                           ("unknown", "⚠️ UNKNOWN · kill-master-unknown")])
def test_summary_renders_a_verdict_heading_and_a_counts_table(tmp_path: Path, kind: str, heading: str) -> None:
    run = load_run(make_run(tmp_path, kind, logs=False))
    parsed, html = _render(summary_md(run.results, run.meta, run.name))
    assert f"<h2>{heading}</h2>" in html
    counts, checks = parsed.tables
    assert counts[0] == ["count", "values", "meaning"]
    rows = {r[0]: r[1] for r in counts[1:]}
    assert rows["attempted"] == "1,200"
    assert rows["lost"] == ("0" if kind == "pass" else "38")
    assert rows["failed_delivered"] == "0" and rows["lost_in_store"] == "0"
    assert len(counts) == 13 and all(len(r) == 3 for r in counts)
    assert checks[0] == ["check", "result", "detail"]
    assert {r[0] for r in checks[1:]} >= {"verdict", "no-loss", "order", "drain-complete", "expected-verdict-met"}


def test_hostile_text_stays_literal(tmp_path: Path) -> None:
    results = {"valid": False, "reason": f"{HOSTILE} | *bold* [link](http://x) `code`\n# heading",
               "lost_count": 3, "drain_complete": True}
    parsed, html = _render(summary_md(results, {"expected_verdict": "fail"}, f"{HOSTILE}|x"))
    assert "<script" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert not {"a", "em", "h1", "script"} & set(parsed.tags)
    assert parsed.tags.count("code") == 1  # the summary's own `report.html`, not the reason's `code`
    assert parsed.tags.count("strong") == 2  # only the summary's own: "Reason:" and the alarming count
    assert [r for r in parsed.tables[0] if r[0] == "lost"] == [["lost", "3", "acknowledged but never received"]]
    assert all(len(r) == 3 for r in parsed.tables[1])  # a '|' in a message does not split a cell


def test_escape_makes_markdown_punctuation_literal() -> None:
    assert escape("a|b *c* <d>\n_e_") == "a\\|b \\*c\\* \\<d\\> \\_e\\_"


def test_render_all_writes_summary_md(tmp_path: Path) -> None:
    path = render_all(make_run(tmp_path, "unknown", logs=False))["summary"]
    assert path.name == "summary.md" and path.read_text().startswith("## ⚠️ UNKNOWN")
