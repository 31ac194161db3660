"""chaoskit built as a wheel and installed into a fresh virtual environment works from
any folder: the compose file, scenarios and image files ship inside it, and runs land
in the current folder's store/. Offline: the wheel is built without build isolation and
installed without dependencies; those come from this interpreter's site-packages."""
from __future__ import annotations

import json
import os
import shutil
import site
import subprocess
import sys
import sysconfig
import time
from pathlib import Path

from chaoskit.cluster.image import inputs_digest
from chaoskit.ledger import LedgerWriter

REPO = Path(__file__).resolve().parents[1]
IGNORED = shutil.ignore_patterns(".git", ".venv", "store", ".chaoskit", "build", "dist", "*.egg-info", "__pycache__",
                                 ".hypothesis", ".ruff_cache", "test-artifacts", "bench", "tests", "docs")


def sh(*cmd: str | Path, cwd: Path, env: dict | None = None) -> subprocess.CompletedProcess:
    """`cmd` in `cwd`; by default with this environment minus PYTHONPATH (the source tree stays out)."""
    env = env or {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    return subprocess.run([str(c) for c in cmd], cwd=cwd, capture_output=True, text=True, timeout=120, env=env)


def install(tmp: Path) -> Path:
    """The `chaoskit` script of a new venv holding only the wheel (plus this interpreter's packages)."""
    src = tmp / "src"
    shutil.copytree(REPO, src, symlinks=True, ignore=IGNORED)
    built = sh(sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index",
               "-w", tmp / "dist", ".", cwd=src)
    assert built.returncode == 0, built.stderr
    venv = tmp / "venv"
    made = sh(sys.executable, "-m", "venv", "--without-pip", venv, cwd=tmp)  # this pip installs into it
    assert made.returncode == 0, made.stderr
    purelib = Path(sh(venv / "bin" / "python", "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])",
                      cwd=tmp).stdout.strip())
    wheel = next((tmp / "dist").glob("chaoskit-*.whl"))
    pip = sh(sys.executable, "-m", "pip", "--python", venv / "bin" / "python", "install", "-q", "--no-deps",
             "--no-index", wheel, cwd=tmp)
    assert pip.returncode == 0, pip.stderr
    # Then the dependencies: this interpreter's site-packages, after the venv's own (a
    # plain path line: no .pth file there runs, so an editable chaoskit there stays out).
    deps = [p for p in {sysconfig.get_paths()["purelib"], *site.getsitepackages()} if Path(p).is_dir()]
    (purelib / "zz_chaoskit_deps.pth").write_text("\n".join(deps) + "\n")
    return venv / "bin" / "chaoskit"


def test_the_installed_wheel_runs_from_another_folder(tmp_path):
    chaoskit = install(tmp_path)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "DOCKER_HOST": f"unix://{tmp_path}/no-docker.sock"}

    where = sh(chaoskit.parent / "python", "-c", "import chaoskit.paths as p; print(p.COMPOSE_FILE, p.store_root())",
               cwd=elsewhere, env=env)
    assert where.returncode == 0, where.stderr
    compose, store = (Path(p) for p in where.stdout.split())
    assert compose.is_relative_to(tmp_path / "venv") and compose.is_file() and not compose.is_symlink()
    assert store == elsewhere / "store"
    # The image's build files came along whole (an image built from a checkout is not rebuilt).
    assert os.access(compose.parent / "docker" / "launch.sh", os.X_OK)
    digest = sh(chaoskit.parent / "python", "-c", "from chaoskit.cluster.image import inputs_digest; print(inputs_digest())",
                cwd=elsewhere, env=env)
    assert digest.stdout.strip() == inputs_digest(), digest.stderr

    dry = sh(chaoskit, "run", "no-loss", "--dry-run", cwd=elsewhere, env=env)
    assert dry.returncode == 0, dry.stderr
    assert "no-loss: " in dry.stderr and "workload: queue" in dry.stderr

    run = elsewhere / "run1"
    writer = LedgerWriter(run / "ledger.db")
    for key, value in {"ledger_complete": "true", "drain_complete": "true", "final_read_complete": "false"}.items():
        writer.set_meta(key, value)
    t = time.time()
    writer.add("sends", {"value": "p0-000000", "process": "p0", "invoke_ts": t, "complete_ts": t + 0.01,
                         "outcome": "ok", "workload": "queue"})
    writer.add("receives", {"value": "p0-000000", "process": "c0", "ts": t + 0.02, "workload": "queue"})
    writer.close()
    check = sh(chaoskit, "check", "run1", "--json", cwd=elsewhere, env=env)
    assert check.returncode == 0, check.stderr
    results = json.loads((run / "results.json").read_text())
    assert (results["valid"], results["acknowledged_count"], results["lost_count"]) == (True, 1, 0)
