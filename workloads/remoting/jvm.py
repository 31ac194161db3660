"""The JVM inside this Python process that runs the official RocketMQ remoting client.

The client is `org.apache.rocketmq:rocketmq-client` from Maven Central (pinned:
CLIENT_VERSION, whatever the cluster's version: the remoting protocol of the
5.x servers is one protocol, and one client keeps the workloads comparable
across releases). Its jars are resolved once by Maven into the cache; JPype1
starts a JVM (one per process, so one class path) the first time a workload
needs it. Missing pieces are UsageErrors that say how to install them.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import threading
from pathlib import Path

from chaoskit.errors import UsageError
from chaoskit.paths import cache_dir

CLIENT_VERSION = "5.5.0"
POM = Path(__file__).with_name("pom.xml")
# The client's threads and buffers are small; a bounded heap keeps the host's two cores for the cluster.
JVM_OPTIONS = ("-Xms128m", "-Xmx512m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xrs",
               "-Drocketmq.client.logLevel=WARN", "-Drocketmq.client.logFileMaxIndex=3")
_lock = threading.Lock()


def jar_dir(version: str = CLIENT_VERSION) -> Path:
    return cache_dir() / "client-jars" / version


def client_jar(version: str = CLIENT_VERSION) -> Path:
    return jar_dir(version) / f"rocketmq-client-{version}.jar"


def resolve_jars(version: str = CLIENT_VERSION) -> Path:
    """Resolve rocketmq-client and its dependencies from Maven Central into the cache (once)."""
    if client_jar(version).is_file():
        return jar_dir(version)
    if shutil.which("mvn") is None:
        raise UsageError(f"the remoting client jars are missing ({jar_dir(version)}) and Maven is not installed: "
                         "run ./setup.sh (or apt-get install maven, then chaoskit image)")
    partial = jar_dir(version).with_name(version + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    proc = subprocess.run(["mvn", "-q", "-B", "-f", str(POM), f"-Drocketmq.client.version={version}",
                           "dependency:copy-dependencies", f"-DoutputDirectory={partial}"],
                          capture_output=True, text=True)
    if proc.returncode != 0 or not (partial / client_jar(version).name).is_file():
        tail = (proc.stdout + proc.stderr).strip().splitlines()[-1:] or ["no output"]
        raise UsageError(f"could not resolve rocketmq-client {version} from Maven Central: {tail[0]}")
    shutil.rmtree(jar_dir(version), ignore_errors=True)
    partial.rename(jar_dir(version))
    return jar_dir(version)


def java_home() -> str | None:
    """The JRE JPype will load: $JAVA_HOME, else the one `java` on PATH belongs to."""
    if os.environ.get("JAVA_HOME"):
        return os.environ["JAVA_HOME"]
    java = shutil.which("java")
    return str(Path(java).resolve().parents[1]) if java else None


def start(log_dir: Path) -> None:
    """Start the JVM with the client on its class path (idempotent); UsageError if it cannot."""
    with _lock:
        import jpype
        import jpype.config

        if jpype.isJVMStarted():
            return
        jars = jar_dir()
        if not client_jar().is_file():
            raise UsageError(f"the RocketMQ remoting client is not installed ({client_jar()} is missing): "
                             "run ./setup.sh, or: mvn -f workloads/remoting/pom.xml dependency:copy-dependencies "
                             f"-DoutputDirectory={jars}")
        home = java_home()
        if home is None:
            raise UsageError("no Java runtime found for the remoting client: run ./setup.sh "
                             "(or apt-get install openjdk-17-jre-headless)")
        try:
            jvm = jpype.getDefaultJVMPath() if not os.environ.get("JAVA_HOME") else None
        except jpype.JVMNotFoundException:
            jvm = None
        if jvm is None:
            found = sorted(Path(home).glob("**/libjvm.so"))
            if not found:
                raise UsageError(f"no libjvm.so under {home}: install a full JRE (apt-get install openjdk-17-jre-headless)")
            jvm = str(found[0])
        log_dir.mkdir(parents=True, exist_ok=True)
        # The client leaves non-daemon threads behind (even after shutdown), and destroying the
        # JVM at Python's exit waits for every one of them: a finished run would never exit.
        # Everything the harness records is on disk by then; the JVM dies with the process.
        jpype.config.destroy_jvm = False
        jpype.startJVM(jvm, *JVM_OPTIONS, f"-Drocketmq.client.logRoot={log_dir}",
                       f"-XX:ErrorFile={log_dir}/hs_err_pid%p.log",  # a JVM crash report beside the client's logs
                       classpath=[str(jars / "*")], convertStrings=False,
                       # Ctrl-C and SIGTERM stay Python's: the harness heals every fault before it exits.
                       interrupt=False)
