"""The Docker engine connection, or a one-line reason it cannot be had."""
from __future__ import annotations

import docker.errors

import docker
from chaoskit.errors import UsageError


def connect() -> docker.DockerClient:
    """A client to a Docker engine that answers; UsageError (exit 2) if none does."""
    try:
        client = docker.from_env(timeout=120)
        client.ping()
        return client
    except (docker.errors.DockerException, OSError) as exc:
        reason = str(exc).splitlines()[0][:160]
        raise UsageError(f"docker is unreachable ({reason}): run ./setup.sh to install and start it") from None
