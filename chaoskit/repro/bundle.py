"""A failing run -> one .tar.gz to attach to an upstream issue (no Docker).

Holds: the scenario as given, as it ran (`as-run.toml`: the command line's
options folded in, the plan as explicit steps) and the minimal one shrink
found (if any), the user's own files of a --config run (`user-config/`,
which those scenarios name), the fault plan, the rendered configs, log excerpts around each diagnosed event,
the lost values with their send times and positions, results.json and
BUG_REPORT.md (environment, steps to reproduce, expected vs actual, the
evidence, the code path where the diagnosis knows it).
"""
from __future__ import annotations

import csv
import io
import json
import platform
import sqlite3
import tarfile
import time
from datetime import UTC, datetime
from itertools import groupby
from pathlib import Path
from typing import Any

from chaoskit import ledger
from chaoskit.audit.run_audit import REWRITES_FILE, USER_FILES
from chaoskit.diagnosis import rundir as diagnosis
from chaoskit.diagnosis.windows import QUEUE_OFFSET_REUSED, STALE_MASTER_ACK, UNREPLICATED_AT_FAILOVER, clock
from chaoskit.errors import UsageError
from chaoskit.repro import recorded, scenario_file

MAX_BYTES = 10 * 1024 * 1024
MINIMAL = Path("shrink") / "minimal.toml"
AS_RUN = "as-run.toml"
# Events whose surrounding log lines a reader of the report needs (HA errors repeat too often to excerpt each).
EXCERPT_KINDS = {"master_elected", "role_change", "sync_state_set_local", "sync_state_set_report_failed",
                 "truncation", "controller_elect", "controller_leader"}
MAX_EXCERPTS = 40
ACCESS_PATHS = {
    "remoting": "the official Java remoting client (rocketmq-client 5.5.0) straight to the NameServers and brokers, "
                "no proxy",
    "proxy": "rocketmq-python-client 5.1.2 (gRPC) through a RocketMQ Proxy in cluster mode",
}

# What the diagnosis knows of each mechanism's code path (docs/run.md, "What chaoskit found").
CODE_PATHS = {
    STALE_MASTER_ACK: """\
RocketMQ 5.5.0 (read from its -sources.jar; 5.4.0 alike, 5.0.0-5.3.3 differ in step 2):
1. The promoted replica shuts its HA client down and closes the link to the old master
   (AutoSwitchHAService.changeToMaster, AutoSwitchHAService.java:122-169; AutoSwitchHAClient.shutdown, :271-283).
2. The old master's HA connection ends and AutoSwitchHAService.removeConnection (AutoSwitchHAService.java:101-119)
   removes the replica from its local SyncStateSet without the controller's confirmation.
3. Its report to the controller fails (ReplicasManager.doReportSyncStateSetChanged, ReplicasManager.java:759-769,
   "Error happen when change SyncStateSet"); nothing is undone.
4. GroupTransferService.doWaitTransfer (GroupTransferService.java:97-104): a SyncStateSet of one acknowledges
   every write at once (allAckInSyncStateSet); CommitLog.asyncPutMessage (CommitLog.java:1021) refuses writes only
   below minInSyncReplicas, default 1.
5. On learning the new epoch the old master becomes slave and truncates to the new master's start offset
   (AutoSwitchHAClient.doTruncate, :435-470; DefaultMessageStore.truncateDirtyFiles, :787-789).""",
    UNREPLICATED_AT_FAILOVER: """\
The master acknowledged writes its replica did not have (e.g. allAckInSyncStateSet=false, or the replica's link
cut), the controllers elected the replica, and the old master truncated its log to the new master's start offset
when it rejoined as slave (AutoSwitchHAClient.doTruncate; DefaultMessageStore.truncateDirtyFiles).""",
    QUEUE_OFFSET_REUSED: """\
Inferred, not traced in a run: the new master writes from the old master's truncation point on, so its queue
offsets repeat those of the values the old master cut. Consumers that had received a cut value already hold an
offset past that position; the push consumer pulls from the offset it keeps and never goes back
(DefaultMQPushConsumerImpl.pullMessage, read in apache/rocketmq's current source, not the 5.5.0 jar), so the new
master's values at those positions are stored but never delivered.""",
}


class BundleTooLarge(Exception):
    """The archive would exceed MAX_BYTES."""


def build(run_dir: Path, out: Path) -> Path:
    """Write the bundle of `run_dir` to `out`; returns it. Diagnoses the run first if it was not."""
    results = recorded.results(run_dir)
    if "diagnosis" not in results:
        diagnosis.write(run_dir)
        results = recorded.results(run_dir)
    meta = recorded.run_meta(run_dir)
    found = results["diagnosis"]
    top = f"chaoskit-bundle-{meta.get('scenario') or 'run'}-{run_dir.resolve().name}"
    files: dict[str, bytes] = {"results.json": (run_dir / "results.json").read_bytes()}
    for name in ("scenario.toml", "plan.json", "chaoskit.log", "audit.json", REWRITES_FILE):
        if (run_dir / name).is_file():
            files[name] = (run_dir / name).read_bytes()
    if (run_dir / MINIMAL).is_file():
        files["minimal.toml"] = (run_dir / MINIMAL).read_bytes()
    try:
        files[AS_RUN] = scenario_file.to_toml(recorded.load_run(run_dir), f"{meta.get('scenario')} as run in "
                                              f"{run_dir.resolve().name}").encode()
    except UsageError:  # e.g. a --config run that did not record the files: the steps name scenario.toml
        pass
    for folder in ("config", USER_FILES):
        for path in sorted((run_dir / folder).rglob("*")) if (run_dir / folder).is_dir() else []:
            if path.is_file():
                files[path.relative_to(run_dir).as_posix()] = path.read_bytes()
    files.update(_excerpts(run_dir, found["events"], meta))
    lost_rows = _lost_rows(run_dir, results)
    files["lost.csv"] = _csv(lost_rows)
    files["BUG_REPORT.md"] = bug_report(meta, results, lost_rows, sorted(files)).encode()
    data = _tar(top, files)
    if len(data) > MAX_BYTES:
        raise BundleTooLarge(f"the bundle would be {len(data):,} bytes, over {MAX_BYTES:,}")
    out.write_bytes(data)
    return out


def _excerpts(run_dir: Path, events: list[dict], meta: dict[str, str]) -> dict[str, bytes]:
    """Log lines around each key event (reports.logs' windows: 3 s before, 5 s after), one file per log."""
    from reports import logs as report_logs
    from reports.run import Fault

    key = [e for e in events if e["kind"] in EXCERPT_KINDS][:MAX_EXCERPTS]
    marks = [Fault(e["kind"], e["broker"], e["ts"], None, e["detail"]) for e in key]
    out: dict[str, list[str]] = {}
    for excerpt in report_logs.collect(diagnosis.log_files(run_dir), run_dir, marks, report_logs.utc_offset_hours(meta)):
        event = key[excerpt.window.fault]
        lines = out.setdefault(f"excerpts/{Path(excerpt.link).name}", [])
        lines.append(f"=== around {event['kind']} of {event['broker']} at {clock(event['ts'])}: {event['detail']}")
        lines.extend(excerpt.lines)
        if excerpt.omitted:
            lines.append(f"... {excerpt.omitted} more line(s)")
    return {name: ("\n".join(lines) + "\n").encode() for name, lines in out.items()}


def _lost_rows(run_dir: Path, results: dict[str, Any]) -> list[dict[str, Any]]:
    """Each lost value: when it was sent and acknowledged, where it was put, whether a consumer got it."""
    lost = set(results.get("lost") or [])
    in_store = set(results.get("lost_in_store") or [])
    values = sorted(lost | in_store)
    conn = ledger.open_for_read(run_dir / "ledger.db")
    try:
        have = {r[1] for r in conn.execute("PRAGMA table_info(sends)")}
        extra = [c for c in ("queue", "queue_offset", "commitlog_offset") if c in have]
        rows: list[dict[str, Any]] = []
        for i in range(0, len(values), 500):
            chunk = values[i:i + 500]
            conn.row_factory = sqlite3.Row
            for r in conn.execute(
                    "SELECT value, MIN(invoke_ts) AS invoke_ts, MIN(CASE WHEN outcome = 'ok' THEN complete_ts END) AS ack_ts, "
                    "MAX(CASE WHEN outcome = 'ok' THEN message_id END) AS message_id"
                    + "".join(f", MAX(CASE WHEN outcome = 'ok' THEN {c} END) AS {c}" for c in extra)
                    + f" FROM sends WHERE value IN ({','.join('?' * len(chunk))}) GROUP BY value", chunk):
                row = dict(r)
                row["invoke_utc"] = _iso(row.pop("invoke_ts"))
                row["ack_utc"] = _iso(row.pop("ack_ts"))
                row["delivered"] = "no" if row["value"] in lost else "yes"
                row["in_final_read"] = "no" if row["value"] in in_store else "yes"
                rows.append(row)
        return rows
    finally:
        conn.close()


def _iso(ts: float | None) -> str:
    """UTC to the millisecond (rounded: 12:00:00.9996 is 12:00:01.000)."""
    if ts is None:
        return ""
    return datetime.fromtimestamp(round(ts, 3), UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _csv(rows: list[dict[str, Any]]) -> bytes:
    buf = io.StringIO()
    fields = list(rows[0]) if rows else ["value", "invoke_utc", "ack_utc", "message_id", "delivered", "in_final_read"]
    writer = csv.DictWriter(buf, fieldnames=fields, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buf.getvalue().encode()


def _tar(top: str, files: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as tar:
        for name, data in sorted(files.items()):
            info = tarfile.TarInfo(f"{top}/{name}")
            info.size, info.mtime, info.mode = len(data), int(time.time()), 0o644
            tar.addfile(info, io.BytesIO(data))
    return buf.getvalue()


def bug_report(meta: dict[str, str], results: dict[str, Any], lost_rows: list[dict[str, Any]], files: list[str]) -> str:
    """BUG_REPORT.md: what an upstream issue needs, from the run's own evidence."""
    found = results.get("diagnosis") or {}
    windows = found.get("windows") or []
    version = meta.get("rocketmq_version", "?")
    scenario = meta.get("scenario", "?")
    lost_n, store_n = results.get("lost_count", 0), results.get("lost_in_store_count")
    minimal = "minimal.toml" in files
    own_files = any(f.startswith(USER_FILES + "/") for f in files)
    run_file = "minimal.toml" if minimal else AS_RUN if AS_RUN in files else "scenario.toml"
    lines = [
        f"# RocketMQ {version}: acknowledged messages lost ({scenario})", "",
        "## Environment", "",
        f"- RocketMQ {version}, Docker image of the server jars from Maven Central (chaoskit `chaoskit/rocketmq:{version}`),"
        f" {meta.get('replicas', '?')} replicas of broker-a, 3 NameServers with embedded DLedger controllers",
        f"- clients: {ACCESS_PATHS.get(meta.get('access', 'proxy'), meta.get('access'))}",
        *([f"- the deployment's own RocketMQ files as given: `{USER_FILES}/`; what ran otherwise in Docker: "
           f"`{REWRITES_FILE}`; broker-a-0 ran with `{meta.get('broker_config', '{}')}`, namesrv-0 with "
           f"`{meta.get('controller_config', '{}')}`"] if own_files else
          [f"- broker properties changed from the defaults: `{meta.get('broker_config', '{}')}`",
           f"- controller properties: `{meta.get('controller_config', '{}')}`"]),
        "- rendered configuration files: `config/` in this archive",
        f"- host: {platform.system()} {platform.release()}, Python {platform.python_version()}, chaoskit run of "
        f"{_iso(_float(meta.get('started_at')))}", "",
        "## Steps to reproduce", "",
        "1. Clone chaoskit and set it up (`./setup.sh`).",
        f"2. `.venv/bin/chaoskit run {run_file}` (`{run_file}` from this archive"
        f"{', the smallest failing scenario chaoskit shrink found' if minimal else ''}"
        f"{', the scenario as this run ran it' if run_file == AS_RUN else ''}).",
        "3. Read `results.json` (`lost`, `lost_in_store`, `diagnosis`) and `report.html` in the run directory.",
        "",
        f"The fault plan as it ran is `plan.json`; seed {meta.get('seed', '?')}, {meta.get('duration_s', '?')} s of workload.", "",
        "## Expected", "",
        "Every message whose send was acknowledged (SEND_OK) is delivered to the consumer group and stays in the store"
        f" (controller mode, `allAckInSyncStateSet={_broker_property(meta, 'allAckInSyncStateSet')}`).", "",
        "## Actual", "",
        f"- {results.get('acknowledged_count', 0):,} values acknowledged; {lost_n:,} never delivered (`lost`), "
        f"{store_n if store_n is not None else 'unchecked'} missing from a complete read of the store after the run"
        " (`lost_in_store`); the values, their send and acknowledgement times and positions: `lost.csv`.",
        f"- verdict: {results.get('reason', '')}", "",
        "## Evidence", "",
    ]
    if windows:
        lines += [f"- **{w['kind']}** ({clock(w['start_ts'])}-{clock(w['end_ts'])}): {w['explanation']}" for w in windows]
    else:
        lines.append("- the diagnosis explains none of the lost values from the logs")
    lines.append(f"- unexplained lost values: {found.get('unexplained_lost', 'n/a')}")
    key = _collapsed([e for e in found.get("events") or [] if e["kind"] in EXCERPT_KINDS])
    if key:
        lines += ["", "Log events (times UTC; `excerpts/` holds the lines around each; a run of the same event on "
                  "one node is one row, its count after the detail):", "",
                  "| time | node | event | epoch | offsets | detail |", "|---|---|---|---|---|---|"]
        for e, n in key:
            offsets = " -> ".join(f"{o:,}" for o in (e["from_offset"], e["to_offset"]) if o is not None)
            detail = str(e["detail"]).replace("|", "\\|") + (f" (x{n})" if n > 1 else "")
            lines.append(f"| {clock(e['ts'])} | {e['broker']} | {e['kind']} | {e['epoch'] if e['epoch'] is not None else ''} "
                         f"| {offsets} | {detail} |")
    paths = [CODE_PATHS[k] for k in dict.fromkeys(w["kind"] for w in windows) if k in CODE_PATHS]
    if paths:
        lines += ["", "## Code path", "", "```", *"\n\n".join(paths).splitlines(), "```"]
    lines += ["", "## Files", "", *[f"- `{f}`" for f in files], "- `BUG_REPORT.md`"]
    return "\n".join(lines) + "\n"


def _collapsed(events: list[dict]) -> list[tuple[dict, int]]:
    """Consecutive events of one node, kind and detail as (the first, how many): a SyncStateSet
    retried every few milliseconds is one row, not a hundred."""
    runs = groupby(events, key=lambda e: (e["broker"], e["kind"], e["detail"], e["epoch"]))
    return [(r[0], len(r)) for r in (list(run) for _, run in runs)]


def _broker_property(meta: dict[str, str], key: str) -> str:
    try:
        return str(json.loads(meta.get("broker_config") or "{}").get(key, "?"))
    except (ValueError, AttributeError):
        return "?"


def _float(text: str | None) -> float | None:
    try:
        return float(text) if text else None
    except ValueError:
        return None
