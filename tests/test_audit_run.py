"""Every run audits the configuration its nodes ran with: audit.json, the report and summary.md show it."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from chaoskit.audit.run_audit import audit_run, write_rewrites
from chaoskit.cluster.user_config import compose_nodes, load
from reports.config_audit import load as load_audit
from reports.summary import summary_md

DATA = Path(__file__).parent / "data" / "audit"
ROLE_FILE = {"namesrv": "namesrv.properties", "broker": "broker.properties", "proxy": "rmq-proxy.json"}


def rendered(run_dir: Path, broker_overrides: dict[str, str] | None = None) -> Path:
    """config/<node>/ as docker/launch.sh renders it for the default 2-replica cluster (env sorted, then overrides)."""
    for node, spec in compose_nodes().items():
        if node == "broker-a-2":
            continue
        kind = node.split("-")[0]
        items = sorted(spec.env.items()) + (list((broker_overrides or {}).items()) if kind == "broker" else [])
        d = run_dir / "config" / node
        d.mkdir(parents=True)
        text = json.dumps(dict(items)) if kind == "proxy" else "".join(f"{k}={v}\n" for k, v in items)
        (d / ROLE_FILE[kind]).write_text(text)
        (d / "junk.properties").write_text("not=audited\n")
    return run_dir


def test_the_default_cluster_audits_with_infos_only(tmp_path: Path) -> None:
    found = audit_run(rendered(tmp_path), "5.5.0")
    assert [(f.severity, f.file, f.key) for f in found] == [
        ("info", "config/broker-a-0/broker.properties", "brokerId"),
        ("info", "config/broker-a-0/broker.properties", "brokerRole"),
        ("info", "config/broker-a-1/broker.properties", "brokerId"),
        ("info", "config/broker-a-1/broker.properties", "brokerRole")]
    data = json.loads((tmp_path / "audit.json").read_text())
    assert data["note"] is None and len(data["files"]) == 6 and len(data["findings"]) == 4


def test_lossy_ack_is_an_error_beside_the_verdict(tmp_path: Path) -> None:
    audit_run(rendered(tmp_path, {"allAckInSyncStateSet": "false"}), "5.5.0")
    audit = load_audit(tmp_path)
    assert [(f["file"], f["line"], f["key"]) for f in audit.errors] == [
        ("config/broker-a-0/broker.properties", 19, "allAckInSyncStateSet"),
        ("config/broker-a-1/broker.properties", 19, "allAckInSyncStateSet")]
    md = summary_md({"valid": False, "reason": "lost 3"}, {"expected_verdict": "fail"}, "lossy-ack", audit)
    lines = md.splitlines()
    at = lines.index("Expected verdict: FAIL, met.")
    assert lines[at + 2].startswith("- ❌ configuration audit error: config/broker-a-0/broker.properties:19 "
                                    "allAckInSyncStateSet is not true")
    assert "Configuration audit (\\`audit.json\\`)" not in md
    assert "Configuration audit (`audit.json`): 2 error, 0 warn, 4 info." in lines


def test_no_collected_config_is_a_note_not_a_failure(tmp_path: Path) -> None:
    assert audit_run(tmp_path, "5.5.0") == []
    assert load_audit(tmp_path).note == "no rendered configuration was collected (the cluster never started)"


@pytest.mark.parametrize("exists", [True, False])
def test_rewrites_reach_the_summary(tmp_path: Path, exists: bool) -> None:
    if exists:
        write_rewrites(tmp_path, load(DATA / "corrected", "5.5.0").rewrites)
        audit_run(rendered(tmp_path), "5.5.0")
    audit = load_audit(tmp_path)
    md = summary_md({"valid": True, "reason": "ok"}, {}, "no-loss", audit)
    if exists:
        first = json.loads((tmp_path / "rewrites.json").read_text())["rewrites"][0]
        assert set(first) == {"file", "key", "from", "to", "why"}
        assert f"your files ran with {len(audit.rewrites)} rewrite(s) (`rewrites.json`)" in md
    else:
        assert not audit.present and "Configuration audit" not in md


def test_report_html_shows_the_audit_and_rewrites_escaped(tmp_path: Path) -> None:
    from test_report_html import _parse
    from test_report_run import make_run

    from reports import render_all

    run_dir = make_run(tmp_path, "pass")
    write_rewrites(run_dir, load(DATA / "corrected", "5.5.0").rewrites)
    audit_run(rendered(run_dir, {"allAckInSyncStateSet": "false", "<script>x": "1"}), "5.5.0")
    page = _parse(render_all(run_dir)["html"].read_text())
    text = " ".join(" ".join(page.text).split())
    assert ("configuration audit error: config/broker-a-0/broker.properties:19 allAckInSyncStateSet is not true"
            in text)
    assert "no broker configuration class of RocketMQ 5.5.0 has '<script>x'" in text   # shown as text
    assert ("script", {}) not in page.tags
    assert "Your files, as the Docker cluster ran them" in text
    assert "listenPort 30921 10911 the harness reaches brokers there" in text
    assert [a.get("id") for t, a in page.tags if t == "ul" and a.get("id")] == ["audit-errors"]
