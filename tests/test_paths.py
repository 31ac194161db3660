"""Where chaoskit finds what it ships and keeps what it makes (chaoskit/paths.py)."""
from __future__ import annotations

from pathlib import Path

from chaoskit import paths, runstore

REPO = Path(__file__).resolve().parents[1]


def test_runs_and_cluster_state_land_in_the_current_folder(tmp_path, monkeypatch):
    monkeypatch.delenv("CHAOSKIT_STORE", raising=False)
    monkeypatch.delenv("CHAOSKIT_STATE", raising=False)
    monkeypatch.chdir(tmp_path)
    assert (paths.store_root(), paths.state_dir()) == (tmp_path / "store", tmp_path / ".chaoskit")
    run_dir = runstore.create("no-loss")
    assert run_dir.parent == tmp_path / "store" / "no-loss"
    assert (tmp_path / "store" / "latest").resolve() == run_dir


def test_the_environment_overrides_both(tmp_path, monkeypatch):
    monkeypatch.setenv("CHAOSKIT_STORE", str(tmp_path / "runs"))
    monkeypatch.setenv("CHAOSKIT_STATE", str(tmp_path / "state"))
    assert (paths.store_root(), paths.state_dir()) == (tmp_path / "runs", tmp_path / "state")


def test_the_shipped_data_is_the_checkouts_top_level_files():
    """In a checkout chaoskit/data/ links to the files a user edits and runs by hand; a wheel copies them."""
    assert paths.COMPOSE_FILE.samefile(REPO / "docker-compose.yml")
    assert paths.SCENARIO_DIR.samefile(REPO / "scenarios") and (paths.SCENARIO_DIR / "no-loss.toml").is_file()
    assert paths.DOCKER_DIR.samefile(REPO / "docker") and (paths.DOCKER_DIR / "Dockerfile").is_file()
