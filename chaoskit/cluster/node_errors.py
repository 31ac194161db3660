"""Fatal JVM errors in the nodes' container output.

A node whose JVM ran out of memory (or whatever else is listed in FATAL) was
broken by the deployment, not by the faults: a run cannot vouch for RocketMQ
on top of it. Container output survives restarts, so a killed node's error is
still there after it is started again.
"""
from __future__ import annotations

import docker
from chaoskit.cluster.nodes import Node

FATAL = ("java.lang.OutOfMemoryError", "java.lang.StackOverflowError", "# A fatal error has been detected")


def first_fatal_line(output: str) -> str | None:
    """The first line of `output` that names a fatal JVM error, stripped; None if there is none."""
    return next((line.strip() for line in output.splitlines() if any(f in line for f in FATAL)), None)


def fatal_errors(client: docker.DockerClient, nodes: list[Node]) -> list[str]:
    """'<node>: <first fatal line>' for each node whose container output has one."""
    found = []
    for node in nodes:
        try:
            output = client.containers.get(node.container_id).logs().decode(errors="replace")
        except docker.errors.DockerException:
            continue  # a container gone is the heal sweep's to report
        line = first_fatal_line(output)
        if line is not None:
            found.append(f"{node.name}: {line[:300]}")
    return found
