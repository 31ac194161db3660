"""The RocketMQ server jars of a release, resolved from Maven Central into the cache.

Kept apart from the image build so that reading a release's classes (the
configuration audit's known keys) needs no Docker SDK.
"""
from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

from chaoskit.errors import UsageError
from chaoskit.paths import DOCKER_DIR, cache_dir


def resolve_jars(version: str, log: Callable[[str], None]) -> Path:
    """Resolve the server jars of `version` from Maven Central into the cache."""
    dest = cache_dir() / "jars" / version
    if dest.is_dir() and any(dest.glob(f"rocketmq-proxy-{version}.jar")):
        return dest
    if shutil.which("mvn") is None:
        raise UsageError("Maven (mvn) is not installed: run ./setup.sh (or apt-get install maven)")
    log(f"resolving RocketMQ {version} server jars from Maven Central")
    partial = dest.with_name(version + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    proc = subprocess.run(
        ["mvn", "-q", "-B", "-f", str(DOCKER_DIR / "pom.xml"), f"-Drocketmq.version={version}",
         "dependency:copy-dependencies", f"-DoutputDirectory={partial}"],
        capture_output=True, text=True)
    if proc.returncode != 0:
        missing = re.findall(r"org\.apache\.rocketmq:(rocketmq-[a-z-]+):jar:" + re.escape(version), proc.stdout)
        what = f"missing {', '.join(sorted(set(missing)))}" if missing else "see mvn output"
        raise UsageError(f"RocketMQ {version} is not served whole by Maven Central ({what})")
    shutil.rmtree(dest, ignore_errors=True)
    partial.rename(dest)
    return dest
