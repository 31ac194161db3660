"""The only module that changes containers: docker kill/stop/pause, iptables and tc.

One table, `VERBS`, maps each fault verb to its apply and its heal. Heals
are idempotent and return what they changed, so the executor heals one
effect with them and `chaoskit heal` (heal.py) sweeps a whole cluster with
the same functions.

Network rules live only in a chain of our own, `CHAOSKIT`, jumped to from
INPUT and OUTPUT at position 1, inside each node's own network namespace
(`exec` in the container: the nodes have NET_ADMIN). Rules drop by peer
address with no conntrack exception, so established connections are cut
too. Our qdiscs carry the handle `ca05:` so only they are ever deleted.
"""
from __future__ import annotations

import shlex
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import docker.errors
from docker.models.containers import Container

import docker
from chaoskit.cluster.nodes import Node
from faults.effects import Effect
from faults.kinds import NETEM

CHAIN = "CHAOSKIT"
QDISC_HANDLE = "ca05:"
# The interface holding the node's cluster address (not assumed to be eth0).
_DEV = "$(ip -o -4 addr show | awk -v ip={ip} '{{split($4, a, \"/\"); if (a[1] == ip) print $2}}')"


class ActionError(RuntimeError):
    """A docker, iptables or tc operation failed (the message names the node).

    `done` holds what the other nodes did report before the error surfaced.
    """

    def __init__(self, message: str, done: Iterable[str] = ()) -> None:
        super().__init__(message)
        self.done = list(done)


def container(client: docker.DockerClient, node: Node) -> Container:
    """The node's container, with its current state loaded."""
    return client.containers.get(node.container_id)


def sh(c: Container, node: Node, script: str) -> str:
    """Run a shell script in a running container; ActionError with its output if it fails."""
    res = c.exec_run(["sh", "-c", script], demux=False)
    out = (res.output or b"").decode(errors="replace").strip()
    if res.exit_code != 0:
        raise ActionError(f"{node.name}: {out.splitlines()[-1] if out else f'exit {res.exit_code}'}")
    return out


# -- apply -----------------------------------------------------------------

def _kill(c: Container, node: Node, effect: Effect) -> None:
    c.kill()  # SIGKILL


def _stop(c: Container, node: Node, effect: Effect) -> None:
    c.stop(timeout=int(effect.params.get("grace_s", 20)))


def _pause(c: Container, node: Node, effect: Effect) -> None:
    c.pause()


def _add_rules(c: Container, node: Node, effect: Effect) -> None:
    lines = [f"iptables -w -N {CHAIN} 2>/dev/null || true"]
    for hook in ("INPUT", "OUTPUT"):
        lines.append(f"iptables -w -C {hook} -j {CHAIN} 2>/dev/null || iptables -w -I {hook} 1 -j {CHAIN}")
    lines += [f"iptables -w -A {CHAIN} {shlex.join(rule)}" for rule in effect.rules.get(node.name, ())]
    sh(c, node, "set -e\n" + "\n".join(lines))


def _add_qdisc(c: Container, node: Node, effect: Effect) -> None:
    dev = _DEV.format(ip=shlex.quote(node.ip))
    sh(c, node, f"set -e\ndev={dev}\n[ -n \"$dev\" ] || {{ echo 'no interface holds {node.ip}'; exit 1; }}\n"
                f"tc qdisc add dev \"$dev\" root handle {QDISC_HANDLE} {shlex.join(effect.qdisc)}")


# -- heal (idempotent; each returns what it changed) ------------------------

def unpause(c: Container, node: Node) -> list[str]:
    c.reload()
    if c.status != "paused":
        return []
    c.unpause()
    return [f"{node.name}: unpaused"]


def start(c: Container, node: Node) -> list[str]:
    """Leave the node running whatever state it is in (kill, stop, pause)."""
    unpaused = unpause(c, node)
    if unpaused or c.status == "running":
        return unpaused
    was = c.status
    c.start()
    return [f"{node.name}: started (was {was})"]


def clear_chain(c: Container, node: Node) -> list[str]:
    """Delete every jump to CHAOSKIT and the chain itself; never another chain's rules."""
    if not _running(c):
        return []  # a stopped container's network namespace is gone, and its rules with it
    out = sh(c, node, f"""
for hook in INPUT OUTPUT; do
  while iptables -w -D $hook -j {CHAIN} 2>/dev/null; do echo "jump from $hook"; done
done
if iptables -w -S {CHAIN} >/dev/null 2>&1; then
  echo "$(iptables -w -S {CHAIN} | grep -c '^-A') rule(s) in chain {CHAIN}"
  iptables -w -F {CHAIN} && iptables -w -X {CHAIN}
fi""")
    return [f"{node.name}: removed {line}" for line in out.splitlines() if line.strip()]


def clear_qdisc(c: Container, node: Node) -> list[str]:
    """Delete our root qdisc (handle ca05:) on every interface; others' stay."""
    if not _running(c):
        return []
    out = sh(c, node, f"""
for dev in $(ls /sys/class/net); do
  if tc qdisc show dev "$dev" root | grep -q ' {QDISC_HANDLE} '; then
    echo "$(tc qdisc show dev "$dev" root | awk '{{print $2}}') qdisc on $dev"
    tc qdisc del dev "$dev" root handle {QDISC_HANDLE}
  fi
done""")
    return [f"{node.name}: removed {line}" for line in out.splitlines() if line.strip()]


def _running(c: Container) -> bool:
    c.reload()
    return c.status == "running"


@dataclass(frozen=True)
class Verb:
    apply: Callable[[Container, Node, Effect], None]
    heal: Callable[[Container, Node], list[str]]


VERBS: dict[str, Verb] = {
    "kill": Verb(_kill, start),
    "stop": Verb(_stop, start),
    "pause": Verb(_pause, unpause),
    "iptables": Verb(_add_rules, clear_chain),
    "tc": Verb(_add_qdisc, clear_qdisc),
}


def apply_effect(client: docker.DockerClient, effect: Effect) -> None:
    """Apply `effect` on all its nodes at once; ActionError listing every node that failed."""
    verb = VERBS[effect.verb]
    on_nodes(effect.nodes, lambda n: verb.apply(container(client, n), n, effect))


def heal_effect(client: docker.DockerClient, effect: Effect) -> list[str]:
    """Undo `effect` on all its nodes; returns what changed, ActionError if a node failed."""
    verb = VERBS[effect.verb]
    return on_nodes(effect.nodes, lambda n: verb.heal(container(client, n), n))


def leftovers(client: docker.DockerClient, node: Node) -> list[str]:
    """What of ours is still on `node` (empty when clean): state, rules, qdiscs."""
    c = container(client, node)
    c.reload()
    if c.status != "running":
        return [f"{node.name}: container is {c.status}"]
    rules = sh(c, node, "iptables -w -S")
    qdiscs = sh(c, node, "tc qdisc show")
    found = [f"{node.name}: iptables {ln}" for ln in rules.splitlines() if CHAIN in ln]
    found += [f"{node.name}: tc {ln}" for ln in qdiscs.splitlines() if f" {QDISC_HANDLE} " in f"{ln} "]
    return found


def probe_capabilities(client: docker.DockerClient, nodes: Iterable[Node]) -> set[str]:
    """Which optional kernel features work here, tried in one running node.

    netem: a netem qdisc is added on the node's loopback with zero delay and
    deleted at once (the kernel refuses it with "Specified qdisc kind is
    unknown" when sch_netem is missing).
    """
    node = next((n for n in nodes if n.state == "running"), None)
    if node is None:
        raise ActionError("no running node to probe the kernel in")
    c = container(client, node)
    res = c.exec_run(["sh", "-c", f"tc qdisc add dev lo root handle {QDISC_HANDLE} netem 2>&1 && "
                                  f"tc qdisc del dev lo root handle {QDISC_HANDLE}"])
    return {NETEM} if res.exit_code == 0 else set()


def on_nodes(nodes: Iterable[Node], fn: Callable[[Node], list[str] | None]) -> list[str]:
    """Run `fn` on every node in parallel (a partition's sides cut at once)."""
    nodes = list(nodes)
    done: list[str] = []
    errors: list[str] = []
    with ThreadPoolExecutor(max_workers=max(1, len(nodes))) as pool:
        for node, fut in [(n, pool.submit(fn, n)) for n in nodes]:
            try:
                done += fut.result() or []
            except (docker.errors.DockerException, ActionError) as exc:
                errors.append(str(exc) if isinstance(exc, ActionError) else f"{node.name}: {_short(exc)}")
    if errors:
        raise ActionError("; ".join(errors), done)
    return done


def _short(exc: Exception) -> str:
    return (str(exc).splitlines() or [type(exc).__name__])[0][:200]
