"""Drives docker-compose.yml: the same file a user runs by hand."""
from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from chaoskit.cluster.nodes import PROJECT
from chaoskit.cluster.spec import ClusterSpec
from chaoskit.errors import UsageError
from chaoskit.paths import COMPOSE_FILE, state_dir

# Override files per container role directory (the NameServers embed the controllers).
_CONF_DIRS = {"broker": "broker", "controller": "namesrv", "proxy": "proxy"}


def compose_command() -> list[str]:
    if shutil.which("docker-compose"):
        return ["docker-compose"]
    if shutil.which("docker") and subprocess.run(["docker", "compose", "version"], capture_output=True).returncode == 0:
        return ["docker", "compose"]
    raise UsageError("neither docker-compose nor 'docker compose' is installed: run ./setup.sh")


def environment(spec: ClusterSpec) -> dict[str, str]:
    root = state_dir()
    env = dict(os.environ)
    env.update({
        "ROCKETMQ_VERSION": spec.version,
        "CHAOSKIT_DATA_DIR": str(root / "data"),
        "CHAOSKIT_CONF_DIR": str(root / "conf"),
        "COMPOSE_PROFILES": ",".join(p for p, on in (("replicas3", spec.replicas == 3), ("proxy", spec.with_proxy)) if on),
    })
    return env


def write_overrides(spec: ClusterSpec) -> None:
    """Render each role's override properties where the launcher reads them."""
    conf = state_dir() / "conf"
    for role, subdir in _CONF_DIRS.items():
        d = conf / subdir
        d.mkdir(parents=True, exist_ok=True)
        props = spec.overrides.get(role, {})
        text = "".join(f"{k}={v}\n" for k, v in sorted(props.items()))
        (d / f"{subdir}.properties").write_text(text)


def run(spec: ClusterSpec, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    cmd = [*compose_command(), "-p", PROJECT, "-f", str(COMPOSE_FILE), *args]
    proc = subprocess.run(cmd, env=environment(spec), capture_output=True, text=True)
    if check and proc.returncode != 0:
        tail = (proc.stderr or proc.stdout).strip().splitlines()[-1:] or ["no output"]
        raise RuntimeError(f"{' '.join(cmd[:2])} {' '.join(args)} failed: {tail[0]}")
    return proc


def up(spec: ClusterSpec) -> None:
    write_overrides(spec)
    (state_dir() / "data").mkdir(parents=True, exist_ok=True)
    run(spec, "up", "-d", "--remove-orphans")


def down(keep_data: bool = False) -> None:
    """Remove containers, network and volumes; and the node data unless asked to keep it."""
    # Every profile, so a third replica and a proxy go too.
    env_spec = ClusterSpec(replicas=3, access="proxy")
    # Data that is thrown away needs no clean shutdown: kill at once.
    run(env_spec, "down", "-v", "--remove-orphans", "-t", "5" if keep_data else "0")
    if not keep_data:
        shutil.rmtree(state_dir() / "data", ignore_errors=True)
        shutil.rmtree(state_dir() / "conf", ignore_errors=True)


def data_dir(node: str) -> Path:
    return state_dir() / "data" / node


# Each role's main RocketMQ log, under the node's data dir.
LOG_FILES = {"namesrv": "namesrv.log", "broker": "broker.log", "proxy": "proxy.log"}


def log_file(node: str) -> Path | None:
    """The node's main RocketMQ log (namesrv-0 -> .../logs/rocketmqlogs/namesrv.log); None for an unknown node."""
    name = LOG_FILES.get(node.split("-")[0])
    return data_dir(node) / "logs" / "rocketmqlogs" / name if name else None
