"""The diagnosis fixture recorder (tests/record_diagnosis.py): known lines and the line before each, repeats capped."""
from __future__ import annotations

import json

from click.testing import CliRunner
from diagnosis_support import make_run
from record_diagnosis import excerpt, main, record

LINES = [
    "2026-12-03 08:18:01 INFO t - banner\n",
    "2026-12-03 08:18:02 INFO t - before the election\n",
    "2026-12-03 08:18:03 INFO t - Change ha to master success, newMasterEpoch:2, startOffset:5477495\n",
    "\tat a.Trace(Trace.java:1)\n",
    *[f"2026-12-03 08:18:{10 + i} WARN t - transfer message to slave timeout, offset : {i}, request acks: -1\n"
      for i in range(5)],
    "2026-12-03 08:18:20 INFO t - local epoch entries is [EpochEntry{epoch=1, startOffset=0, endOffset=7682278}]\n",
    "2026-12-03 08:18:21 INFO t - truncate dirty files to 5477495\n",
]


def test_known_lines_come_with_the_line_before_and_long_repeats_are_cut_to_three():
    assert excerpt("broker-a-0", LINES, 8) == [*LINES[1:7], *LINES[9:]]
    assert excerpt("namesrv-0", LINES, 8) == []  # no controller pattern knows a broker's line


def test_a_run_is_recorded_with_its_meta_and_lost_values(tmp_path):
    run = make_run(tmp_path)
    out = tmp_path / "fixture"
    kept = record(run, out, with_lost=True)
    assert kept == {"broker-a-0.log": 2, "broker-a-0.store.log": 2, "broker-a-1.log": 5, "broker-a-1.store.log": 6,
                    "namesrv-0.log": 3}
    assert sorted(p.name for p in out.iterdir()) == sorted(["README", *kept, "faults.csv", "lost.csv", "meta.json"])
    meta = json.loads((out / "meta.json").read_text())
    assert float(meta.pop("started_at")) > 0
    assert meta == {"scenario": "stale-master", "rocketmq_version": "5.5.0", "access": "remoting",
                    "log_utc_offset_hours": "8", "run": str(run)}
    assert (out / "lost.csv").read_text().splitlines()[0] == (
        "value,ack_ts,commitlog_offset,queue,queue_offset,in_final_read,delivered")
    assert (out / "faults.csv").read_text().splitlines()[1].startswith("partition,broker-a-1 (master),")


def test_a_directory_that_is_no_finished_run_is_one_line_and_exit_2(tmp_path):
    out = CliRunner().invoke(main, [str(tmp_path), str(tmp_path / "out")])
    assert (out.exit_code, out.output) == (2, f"error: {tmp_path} is not a finished run with logs (results.json and logs/*.log)\n")
    assert not (tmp_path / "out").exists()
