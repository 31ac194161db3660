"""report.html: content, order, escaping and self-containment, without a browser."""
from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

import pytest
from test_report_run import HOSTILE, T0, make_run

from chaoskit import ledger
from reports import render_all
from reports.charts import Mark, Span, timeline_svg
from reports.html import render
from reports.run import load_run
from reports.tables import MAX_ROWS


class _Tags(HTMLParser):
    """Collects start tags with their attributes and the text of the page."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)


def _parse(html: str) -> _Tags:
    parser = _Tags()
    parser.feed(html)
    return parser


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    root = tmp_path_factory.mktemp("runs")
    return {kind: render_all(make_run(root, kind))["html"].read_text() for kind in ("pass", "fail", "unknown", "hostile")}


@pytest.mark.parametrize("kind, word, colour", [("pass", "PASS", "--pass"), ("fail", "FAIL", "--fail"),
                                                ("unknown", "UNKNOWN", "--unknown")])
def test_banner_shows_the_verdict_and_its_reason(pages, kind, word, colour) -> None:
    html = pages[kind]
    assert f'<header class="banner {word}" id="verdict">' in html
    assert f".banner.{word} {{ background: var({colour}); }}" in html
    assert f'<span class="word">{word}</span>' in html
    assert "expected PASS: " + ("met" if word == "PASS" else "NOT met") in html


def test_banner_says_when_lost_values_were_sent_and_which_fault_was_active(pages) -> None:
    text = " ".join(" ".join(_parse(pages["fail"]).text).split())
    assert "38 acknowledged values were never received." in text
    assert ("38 lost values sent between t+19.0s (00:00:19.000) and t+20.8s (00:00:20.850); "
            "faults active then: F1 kill broker-a-0 (master).") in text


def test_sections_come_in_the_issue_order(pages) -> None:
    ids = [attrs.get("id") for tag, attrs in _parse(pages["fail"]).tags if tag in ("header", "section")]
    assert ids == ["verdict", "scenario", "audit", "counts", "timeline", "faults", "anomalies", "logs"]


def test_scenario_counts_faults_and_anomalies_are_shown(pages) -> None:
    text = " ".join(" ".join(_parse(pages["fail"]).text).split())
    for expected in ("RocketMQ version 5.5.0", "allAckInSyncStateSet true", "enableElectUncleanMaster false",
                     "seed 42", "duration 1m 02s", "image id sha256:0123abcd",
                     "lost 38 acknowledged but never received",
                     "F1 kill broker-a-0 (master) t+20.0s (00:00:20.000) t+30.0s (00:00:30.000) 10.0s 2.5s in 1 window",
                     "F2 pause n1 (controller leader)", "Lost: 38", "Showing 10 of 38",
                     "p0-000360 t+19.0s (00:00:19.000) ok MSG00000168", "Order violations: 1",
                     "g1 p0-000101 p0-000105", "t+24.2s (00:00:24.200) master change broker-a-1 is master (epoch 2)"):
        assert expected in text, expected


def test_log_excerpts_surround_each_fault_and_untimed_logs_show_their_tail(pages) -> None:
    text = "".join(_parse(pages["fail"]).text)
    assert "2026-12-01 00:00:20,740 WARN HAService - slave broker-a-1 disconnected" in text
    assert "java.net.ConnectException: Connection refused" in text  # a stack line joins its stamped line
    assert "2026-12-01 00:00:10," not in text  # far from every fault
    assert "proxy line 39" in text and "proxy line 14" not in text  # the tail only
    assert 'href="logs/broker-a-0.log"' in pages["fail"]


def test_page_is_self_contained(pages) -> None:
    for html in pages.values():
        tags = _parse(html).tags
        assert not [t for t, _ in tags if t in ("script", "link", "iframe", "object", "embed")]
        for tag, attrs in tags:
            for name in ("src", "href"):
                value = attrs.get(name) or ""
                assert not re.match(r"^[a-z][a-z0-9+.-]*:|^//", value) or value.startswith("data:"), (tag, value)
        assert "@import" not in html and not re.search(r"url\((?!#)", html)  # only in-page fragments
        assert "default-src 'none'" in html  # the CSP forbids script and fetches


def test_hostile_ledger_text_is_escaped_everywhere(pages) -> None:
    html = pages["hostile"]
    assert "<script" not in html.lower()
    assert html.count("&lt;script&gt;alert(1)&lt;/script&gt;") >= 6
    parsed = _parse(html)
    assert not [t for t, _ in parsed.tags if t == "script"]
    assert HOSTILE in "".join(parsed.text)  # shown as text
    assert "--&gt;" in html  # a log line's '-->' is text, not markup


def test_chart_svg_from_matplotlib_escapes_ledger_text() -> None:
    svg = timeline_svg(
        timeline=[{"t": T0 + i, "sends_ok": 5, "sends_fail": 0, "sends_info": 0, "receives": 5} for i in range(10)],
        latency=[{"t": T0 + i, "send_p50": 0.01, "send_p99": 0.02} for i in range(10)],
        spans=[Span(f"F1 {HOSTILE} $\\frac{{1}}{{2}}$ --> ]]>", HOSTILE, 2, 4, True),
               Span("F2 pause", "pause", 6, 9.5, False)],
        marks=[Mark(3, "master_change", f"{HOSTILE} is master --")],
        anomalies={"lost": [2.5, 2.6]},
        t0=T0,
    )
    assert svg.startswith("<svg") and "<script" not in svg.lower()
    root = ET.fromstring(svg)  # well-formed XML: nothing broke out of a text or comment
    assert not [e for e in root.iter() if e.tag.endswith("script") or e.tag.endswith("foreignObject")]
    for comment in re.findall(r"<!--(.*?)-->", svg, re.S):
        assert "<" not in comment and "--" not in comment


def test_anomaly_tables_are_capped_with_the_total(tmp_path: Path) -> None:
    run_dir = make_run(tmp_path, "fail", logs=False)
    results = json.loads((run_dir / "results.json").read_text())
    results["lost"] = [f"v{i:04d}" for i in range(500)]
    results["lost_count"] = 500
    results["examples"]["lost"] = [{"value": f"v{i:04d}", "invoke_ts": T0 + 5, "outcome": "ok"} for i in range(120)]
    (run_dir / "results.json").write_text(json.dumps(results))
    text = " ".join(" ".join(_parse(render(load_run(run_dir))).text).split())
    assert "Lost: 500" in text and f"Showing {MAX_ROWS} of 500" in text
    assert f"v{MAX_ROWS - 1:04d}" in text and f"v{MAX_ROWS:04d}" not in text


def test_a_bare_results_file_and_a_faultless_ledger_still_render(tmp_path: Path) -> None:
    run_dir = make_run(tmp_path, "pass", logs=False)
    (run_dir / "results.json").write_text(json.dumps({"valid": "unknown", "lost": ["x"]}))
    html = render(load_run(run_dir))
    assert '<span class="word">UNKNOWN</span>' in html
    assert "The checker gave no reason." in html
    assert "no timeline in results.json" in html  # the chart says so (in matplotlib's text comment)
    assert "<svg" in html and "Lost: 1" in html


def test_an_empty_ledger_renders_without_a_run_start(tmp_path: Path) -> None:
    ledger.create(tmp_path / "ledger.db")
    (tmp_path / "results.json").write_text(json.dumps({"valid": "unknown", "reason": "No value was acknowledged."}))
    paths = render_all(tmp_path)
    html = paths["html"].read_text()
    assert "No value was acknowledged." in html and "No fault was injected." in html
    assert "Run started —." in html


def test_a_stray_timestamp_neither_floods_nor_squashes_the_chart() -> None:
    rows = [{"t": T0 + i, "sends_ok": 5, "sends_fail": 0, "sends_info": 0, "receives": 5} for i in range(30)]
    rows.append({"t": T0 + 3e8, "sends_ok": 1, "sends_fail": 0, "sends_info": 0, "receives": 0})  # ten years on
    svg = timeline_svg(timeline=rows, latency=[], spans=[], marks=[], anomalies={}, t0=T0, run_length=30)
    assert len(svg) < 400_000
    # The x axis is the run's 30 s: its last tick label is 30, not a ten-year span.
    ticks = [float(t.replace("\u2212", "-")) for t in re.findall(r'id="xtick_\d+">.*?<!-- (\S+) -->', svg, re.S)]
    assert ticks and max(ticks) == 30
