"""RocketMQ's admin tool (MQAdminStartup), run inside a live node of the cluster."""
from __future__ import annotations

import docker
from chaoskit.cluster.nodes import Node

# A paused or partitioned target makes the tool wait for its remoting timeout;
# this bounds one call in any case (a JVM start takes 2-6 s, more under load).
ADMIN_TIMEOUT_S = 90


class AdminError(RuntimeError):
    """The admin tool failed or no node could run it."""


def run(client: docker.DockerClient, nodes: list[Node], *args: str, prefer: tuple[str, ...] = ()) -> str:
    """Run `mqadmin args` in the first running node (those named in `prefer` first)."""
    ranked = sorted((n for n in nodes if n.state == "running"),
                    key=lambda n: (n.name not in prefer, n.kind != "proxy", n.name))
    if not ranked:
        raise AdminError("no running node to run the admin tool in")
    node = ranked[0]
    res = client.containers.get(node.container_id).exec_run(
        ["timeout", str(ADMIN_TIMEOUT_S), "/opt/chaoskit/mqadmin", *args], demux=True)
    out = (res.output[0] or b"").decode(errors="replace")
    err = (res.output[1] or b"").decode(errors="replace")
    if res.exit_code != 0 or "SubCommandException" in out + err:
        lines = [ln for ln in (err + out).splitlines() if ln.strip()]
        cause = next((ln for ln in lines if "Caused by" in ln), lines[0] if lines else f"exit {res.exit_code}")
        if res.exit_code == 124:
            cause = f"no answer within {ADMIN_TIMEOUT_S} s"
        raise AdminError(f"mqadmin {args[0]} in {node.name} (exit {res.exit_code}): {cause.strip()[:200]}")
    return out
