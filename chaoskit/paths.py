"""Where chaoskit finds what it ships and where it keeps what it makes.

Shipped (package data, read-only): the compose file, the scenarios and the
image's build files, under chaoskit/data/. In the source tree those are
symlinks to the top-level docker-compose.yml, scenarios/ and docker/ (which
stay where a user runs `docker compose up -d` by hand); a built wheel holds
copies, so an installed chaoskit needs no checkout.

Made (per folder): runs land in ./store/ of the current folder
(CHAOSKIT_STORE overrides), the cluster's data, logs and rendered overrides
in ./.chaoskit/ (CHAOSKIT_STATE overrides), read when called so a test or a
user may set them late.
"""
from __future__ import annotations

import os
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"
COMPOSE_FILE = DATA / "docker-compose.yml"
SCENARIO_DIR = DATA / "scenarios"
DOCKER_DIR = DATA / "docker"


def store_root() -> Path:
    """Where runs are stored: ./store (or CHAOSKIT_STORE)."""
    return Path(os.environ.get("CHAOSKIT_STORE", "store")).absolute()


def cache_dir() -> Path:
    """Downloads kept across runs and folders (server and client jars): ~/.cache/chaoskit (or CHAOSKIT_CACHE)."""
    root = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache"))
    return Path(os.environ.get("CHAOSKIT_CACHE", root / "chaoskit"))


def state_dir() -> Path:
    """Where cluster data, logs and rendered overrides live (survives container kills): ./.chaoskit (or CHAOSKIT_STATE)."""
    return Path(os.environ.get("CHAOSKIT_STATE", ".chaoskit")).absolute()
