"""The remoting client's JVM inside the harness's process: Ctrl-C and SIGTERM stay Python's, so a run
interrupted while the JVM is loaded still heals every fault and reports (no Docker needed)."""
from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

SCRIPT = textwrap.dedent("""
    import os, signal, sys, time
    from pathlib import Path
    from workloads.remoting import jvm
    jvm.start(Path(sys.argv[1]))
    seen = []
    signal.signal(signal.SIGTERM, lambda s, f: seen.append("TERM"))
    os.kill(os.getpid(), signal.SIGTERM)
    time.sleep(0.5)
    try:
        os.kill(os.getpid(), signal.SIGINT)
        time.sleep(1)
    except KeyboardInterrupt:
        seen.append("INT")
    print(seen)
""")


def test_signals_reach_python_after_the_jvm_started(tmp_path: Path):
    res = subprocess.run([sys.executable, "-c", SCRIPT, str(tmp_path / "logs")], capture_output=True, text=True,
                         timeout=120)
    assert (res.returncode, res.stdout.strip()) == (0, "['TERM', 'INT']"), res.stderr[-2000:]
