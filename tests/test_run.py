"""`chaoskit run` end to end on the real cluster: a short no-loss passes and the
negative control, lossy-ack, fails as it expects (the checker can fail)."""
from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.integration


def run(tmp_path: Path, *args: str) -> tuple[subprocess.CompletedProcess, Path]:
    env = {**__import__("os").environ, "CHAOSKIT_STORE": str(tmp_path / "store")}
    res = subprocess.run([sys.executable, "-m", "chaoskit", "run", *args], capture_output=True, text=True,
                         env=env, timeout=1200)
    latest = tmp_path / "store" / "latest"
    assert latest.is_symlink(), res.stderr[-3000:]
    return res, latest.resolve()


def evidence(run_dir: Path) -> dict:
    for name in ("ledger.db", "results.json", "report.html", "junit.xml", "summary.md", "chaoskit.log",
                 "scenario.toml", "plan.json"):
        assert (run_dir / name).is_file(), f"{name} missing from {run_dir}"
    assert list((run_dir / "logs").glob("broker-a-*.log")), "node logs were not collected"
    assert list((run_dir / "config").glob("broker-a-*/broker.properties")), "rendered configs were not collected"
    return json.loads((run_dir / "results.json").read_text())


def test_short_no_loss_passes(tmp_path, restores_cluster):
    """The seed's deployment: clients over remoting, and no proxy container at all."""
    res, run_dir = run(tmp_path, "no-loss", "--duration", "70", "--interval", "25", "--keep-cluster")
    results = evidence(run_dir)
    assert res.returncode == 0, res.stderr[-3000:]
    meta = dict(sqlite3.connect(run_dir / "ledger.db").execute("SELECT key, value FROM meta"))
    assert meta["access"] == "remoting"
    assert set(json.loads(meta["topology"])) == {"namesrv-0", "namesrv-1", "namesrv-2", "broker-a-0", "broker-a-1"}
    assert "access remoting" in (run_dir / "summary.md").read_text()
    assert results["valid"] is True
    assert results["acknowledged_count"] > 1000
    assert results["lost_count"] == 0 and results["lost_in_store_count"] == 0
    conn = sqlite3.connect(run_dir / "ledger.db")
    faults = conn.execute("SELECT name, end_ts FROM faults").fetchall()
    assert faults and all(end is not None for _, end in faults)  # every fault healed
    assert "PASS" in (run_dir / "report.html").read_text()
    # Each workload's rows carry it; their producers are numbered apart, so values are unique.
    producers = conn.execute("SELECT workload, group_concat(DISTINCT process) FROM sends GROUP BY workload")
    assert {w: set(p.split(",")) for w, p in producers} == {"queue": {"p0", "p1"}, "fifo": {"p2", "p3"}}
    assert conn.execute("SELECT count(*) FROM receives WHERE workload IS NULL").fetchone()[0] == 0
    steps = json.loads((run_dir / "end.json").read_text())
    assert [s["name"] for s in steps] == ["heal", "node errors", "completeness", "close ledger", "collect logs",
                                          "audit", "check", "diagnosis", "report"]  # kept: no teardown
    assert all(s["ok"] for s in steps), steps


# The proxy path's negative control runs in tests/test_matrix_integration.py (a one-cell matrix).
@pytest.mark.parametrize("access", ["remoting"])
def test_lossy_ack_fails_as_expected(tmp_path, restores_cluster, access: str):
    res, run_dir = run(tmp_path, "lossy-ack", "--keep-cluster", "--access", access)
    results = evidence(run_dir)
    meta = dict(sqlite3.connect(run_dir / "ledger.db").execute("SELECT key, value FROM meta"))
    assert meta["access"] == access and ("proxy" in json.loads(meta["topology"])) == (access == "proxy")
    assert res.returncode == 1, res.stderr[-3000:]
    assert results["valid"] is False
    assert results["lost_count"] + (results["lost_in_store_count"] or 0) > 0
    assert "expected fail: met" in res.stderr


def test_corrected_seed_files_run_as_the_cluster(tmp_path, restores_cluster):
    """`run --config`: the user's own files are what the nodes ran with, rewrites listed, audited clean."""
    config = Path(__file__).parent / "data" / "audit" / "corrected"
    res, run_dir = run(tmp_path, "no-loss", "--config", str(config), "--duration", "70", "--interval", "25",
                       "--keep-cluster")
    results = evidence(run_dir)
    assert results["valid"] in (True, False), res.stderr[-3000:]  # a definite verdict
    rendered = (run_dir / "config" / "namesrv-1" / "namesrv.properties").read_text()
    assert "controllerDLegerGroup=group1" in rendered.splitlines()   # the file's group, not chaoskit's
    rewrites = json.loads((run_dir / "rewrites.json").read_text())["rewrites"]
    assert {"file": str(config / "broker-n1.conf"), "key": "listenPort", "from": "30921", "to": "10911"}.items() \
        <= next(r for r in rewrites if r["file"].endswith("broker-n1.conf") and r["key"] == "listenPort").items()
    audit = json.loads((run_dir / "audit.json").read_text())
    assert [f for f in audit["findings"] if f["severity"] == "error"] == []
    assert "Your files, as the Docker cluster ran them" in (run_dir / "report.html").read_text()
