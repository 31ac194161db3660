"""The sweep behind `chaoskit heal`: undo anything of ours left on a cluster.

After a crashed harness (SIGKILL, OOM, power loss) nothing remembers which
faults were active, so the sweep looks at every node: it unpauses paused
nodes, starts stopped or killed ones, removes our iptables chain and our
qdiscs, then checks with `iptables -S` and `tc qdisc show` that nothing of
ours is left. It never touches rules or qdiscs it did not create.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

import docker.errors

import docker
from chaoskit.cluster.nodes import Node, list_nodes
from faults import actions

if TYPE_CHECKING:
    from faults.executor import Executor


class HealError(RuntimeError):
    """The sweep could not restore every node; carries what it did fix."""

    def __init__(self, fixed: list[str], problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.fixed = fixed
        self.problems = problems


def sweep(client: docker.DockerClient, nodes: Sequence[Node]) -> list[str]:
    """Restore every node and verify; returns what was fixed ([] if it was clean).

    Raises HealError when something of ours is still there afterwards.
    """
    fixed: list[str] = []
    problems: list[str] = []
    # One by one in the cluster's order (namesrv, brokers, proxy): what a
    # node needs at start-up comes up before it.
    for node in nodes:
        try:
            fixed += actions.start(actions.container(client, node), node)
        except (docker.errors.DockerException, actions.ActionError) as exc:
            problems.append(f"{node.name}: could not start it: {str(exc).splitlines()[0][:200]}")

    def clean(node: Node) -> list[str]:
        c = actions.container(client, node)
        return actions.clear_chain(c, node) + actions.clear_qdisc(c, node)

    try:
        fixed += actions.on_nodes(nodes, clean)
    except actions.ActionError as exc:
        fixed += exc.done
        problems.append(str(exc))
    try:
        problems += actions.on_nodes(nodes, lambda n: actions.leftovers(client, n))
    except actions.ActionError as exc:
        problems += [*exc.done, str(exc)]
    if problems:
        raise HealError(fixed, problems)
    return fixed


def after_run(client: docker.DockerClient, executor: Executor | None, say: Callable[[str], None]) -> list[str]:
    """The end of a run: heal what `executor` started, then sweep every node; returns what stays unhealed."""
    problems = executor.heal_all() if executor is not None else []
    try:
        fixed = sweep(client, list_nodes(client))
    except HealError as exc:
        fixed, problems = exc.fixed, [*problems, *exc.problems]
    if fixed:
        say("heal sweep fixed: " + "; ".join(fixed))
    if problems:
        say("left unhealed: " + "; ".join(problems))
    return problems
