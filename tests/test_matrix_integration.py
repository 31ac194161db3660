"""On the real cluster: RocketMQ 5.3.3's slaves lose the workload topics (docs/matrix.md, "5.3.3 after
failover") and `topics.restore` brings them back; a one-cell `chaoskit matrix` writes its files."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from chaoskit.cluster import topics
from chaoskit.cluster.compose import log_file
from chaoskit.cluster.spec import ClusterSpec

pytestmark = pytest.mark.integration


def test_a_5_3_3_slave_loses_the_workload_topics_and_restore_brings_them_back(restores_cluster):
    from chaoskit.cluster.lifecycle import up

    cluster = up(ClusterSpec(version="5.3.3", replicas=2, access="remoting"), timeout=300,
                 log=lambda m: print(f"cluster: {m}"))
    roles = cluster.roles()
    brokers = [n for n in cluster.nodes() if n.kind == "broker"]
    master = next(n for n in brokers if n.name == roles.master)
    slave = next(n for n in brokers if n is not master)
    deadline = time.monotonic() + 60  # the slave syncs from the master every 10 s
    while "chaos-fifo" not in topics.missing_on(slave) and time.monotonic() < deadline:
        time.sleep(2)
    # What docs/evidence/SlaveSyncOrder.java predicts: chaos-fifo and everything after it, chaos-queue included.
    assert {"chaos-fifo", "chaos-queue"} <= set(topics.missing_on(slave))
    assert "chaos-probe" not in topics.missing_on(slave)
    assert topics.missing_on(master) == []
    assert "only add attribute is supported while creating topic" in log_file(slave.name).read_text(errors="replace")
    assert topics.restore(master, [slave])[0].startswith(f"{slave.name} lacked chaos-queue")
    assert topics.missing_on(master) == []


def test_a_one_cell_matrix_writes_its_files(tmp_path, restores_cluster):
    env = {**os.environ, "CHAOSKIT_STORE": str(tmp_path / "store")}
    res = subprocess.run([sys.executable, "-m", "chaoskit", "matrix", "lossy-ack", "--versions", "5.5.0",
                          "--access", "proxy"],
                         capture_output=True, text=True, env=env, timeout=1200)
    assert res.returncode == 0, res.stderr[-3000:]  # lossy-ack expects fail, and fails
    (out,) = (tmp_path / "store" / "matrix").iterdir()
    data = json.loads((out / "matrix.json").read_text())
    (cell,) = data["cells"]
    assert (cell["scenario"], cell["version"], cell["access"], cell["verdict"], cell["expectation"]) == (
        "lossy-ack", "5.5.0", "proxy", "fail", "met")
    (run,) = cell["runs"]
    assert (Path(run["run_dir"]) / "report.html").is_file()
    assert run["lost_count"] + (run["lost_in_store_count"] or 0) > 0
    assert (out / "summary.md").read_text().startswith("## chaoskit matrix · exit 0")
    assert "report.html" in (out / "matrix.html").read_text()
