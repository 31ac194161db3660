"""The run store: store/<scenario>/<timestamp>/ per run, store/latest -> the newest."""
from __future__ import annotations

import logging
import shutil
import time
from pathlib import Path

from chaoskit.cluster.compose import log_file
from chaoskit.paths import store_root


def create(scenario: str, root: Path | None = None, link_latest: bool = True) -> Path:
    """A new, empty run directory; `latest` points at it unless `link_latest` is false
    (a matrix's own directory: `latest` stays a run's)."""
    root = root or store_root()
    stamp = time.strftime("%Y%m%dT%H%M%S")
    run_dir = root / scenario / stamp
    n = 1
    while run_dir.exists():
        n += 1
        run_dir = root / scenario / f"{stamp}-{n}"
    run_dir.mkdir(parents=True)
    if not link_latest:
        return run_dir
    latest = root / "latest"
    if latest.is_symlink() or latest.exists():
        latest.unlink()
    latest.symlink_to(run_dir.relative_to(root))
    return run_dir


def file_logger(run_dir: Path) -> logging.Logger:
    """chaoskit.log in the run directory: every step of the run, with times."""
    log = logging.getLogger(f"chaoskit.run.{run_dir.name}")
    log.setLevel(logging.INFO)
    handler = logging.FileHandler(run_dir / "chaoskit.log")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
    log.addHandler(handler)
    log.propagate = False
    return log


def collect_node_files(client, run_dir: Path, data_root: Path) -> list[str]:
    """Copy each node's RocketMQ log, container output and rendered config into the run."""
    logs, configs = run_dir / "logs", run_dir / "config"
    logs.mkdir(exist_ok=True)
    copied = []
    for node_dir in sorted(p for p in data_root.iterdir() if p.is_dir()) if data_root.is_dir() else []:
        node = node_dir.name
        log = log_file(node)
        if log is not None and log.is_file():
            shutil.copy2(log, logs / f"{node}.log")
            copied.append(f"logs/{node}.log")
            # 5.1+ brokers write their store's lines (elections' start offsets, truncations,
            # the HA service) to store.log beside broker.log; the diagnosis reads them.
            store_log = log.with_name("store.log")
            if store_log.is_file():
                shutil.copy2(store_log, logs / f"{node}.store.log")
                copied.append(f"logs/{node}.store.log")
        if (node_dir / "conf").is_dir():
            shutil.copytree(node_dir / "conf", configs / node, dirs_exist_ok=True)
    for c in client.containers.list(all=True, filters={"label": "com.docker.compose.project=chaoskit"}):
        node = c.labels.get("io.chaoskit.node")
        if node:
            (logs / f"{node}.container.log").write_bytes(c.logs(timestamps=True))
    return copied
