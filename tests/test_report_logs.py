"""Node log excerpts around faults."""
from __future__ import annotations

from pathlib import Path

from reports import logs
from reports.run import Fault

T0 = 1_796_083_200.0  # 2026-12-01 00:00:00 UTC


def test_line_time_reads_rocketmq_and_iso_stamps() -> None:
    assert logs.line_time("2026-12-01 00:00:01,250 INFO x") == T0 + 1.25
    assert logs.line_time("[2026-12-01T00:00:02.5] x") == T0 + 2.5
    assert logs.line_time("\tat org.apache.rocketmq.Foo(Foo.java:1)") is None
    assert logs.line_time("x" * 60 + " 2026-12-01 00:00:01") is None  # a date deep in the message is not the time
    assert logs.line_time("2026-13-45 99:00:00 bad") is None
    assert logs.line_time("2026-12-01 08:00:01,250 INFO x", offset_hours=8) == T0 + 1.25  # RocketMQ 5.1+: GMT+8


def test_the_log_zone_comes_from_meta() -> None:
    assert logs.utc_offset_hours({"log_utc_offset_hours": "8"}) == 8.0
    assert logs.utc_offset_hours({}) == logs.utc_offset_hours({"log_utc_offset_hours": "x"}) == 0.0


def test_windows_merge_for_short_faults_and_stay_open_for_unhealed_ones() -> None:
    faults = [Fault("kill", "a", T0 + 10, T0 + 40), Fault("pause", "b", T0 + 50, T0 + 52), Fault("cut", "c", T0 + 60, None)]
    got = [(w.fault, w.edge, w.since - T0, w.until - T0) for w in logs.windows(faults)]
    assert got == [(0, "start", 7.0, 15.0), (0, "end", 37.0, 45.0), (1, "start and end", 47.0, 57.0),
                   (2, "start", 57.0, 65.0)]


def test_collect_caps_lines_and_falls_back_to_the_tail(tmp_path: Path) -> None:
    (tmp_path / "logs").mkdir()
    busy = [f"2026-12-01 00:00:{10 + i // 100:02d},{i % 100:03d} INFO line {i}" for i in range(300)]
    (tmp_path / "logs" / "busy.log").write_text("\n".join(busy) + "\n")
    (tmp_path / "logs" / "plain.log").write_text("".join(f"plain {i}\n" for i in range(100)))
    files = sorted((tmp_path / "logs").glob("*.log"))
    got = logs.collect(files, tmp_path, [Fault("kill", "a", T0 + 11, None)])
    busy_excerpt, plain_excerpt = got
    assert busy_excerpt.node == "busy" and busy_excerpt.link == "logs/busy.log"
    assert len(busy_excerpt.lines) == logs.MAX_LINES and busy_excerpt.omitted == 300 - logs.MAX_LINES
    assert plain_excerpt.window is None and plain_excerpt.lines[-1] == "plain 99"
    assert len(plain_excerpt.lines) == logs.TAIL_LINES


def test_collect_reads_stamps_in_the_logs_zone(tmp_path: Path) -> None:
    (tmp_path / "logs").mkdir()
    (tmp_path / "logs" / "broker.log").write_text("2026-12-01 08:00:05,000 INFO in GMT+8\n"
                                                  "2026-12-01 08:00:30,000 INFO later\n")
    fault = [Fault("kill", "a", T0 + 6, T0 + 7)]
    (excerpt,) = logs.collect([tmp_path / "logs" / "broker.log"], tmp_path, fault, offset_hours=8)
    assert excerpt.lines == ["2026-12-01 08:00:05,000 INFO in GMT+8"]
    assert logs.collect([tmp_path / "logs" / "broker.log"], tmp_path, fault) == []  # read as UTC: 8 h off
