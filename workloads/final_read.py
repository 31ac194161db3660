"""The final read: everything the cluster still stores for this run, from the minimum offset of every queue.

It pulls each queue of the topic from broker-a's master over the remoting
protocol (`chaoskit.cluster.pull`): independent of the proxy, the pop path
and the live consumer group, and the same on every 5.x version. Messages of
other runs (a topic outlives a run when the cluster is kept) are skipped by
the run id in their body.

The read is complete only if every queue was read, offset by offset, from
its minimum to the maximum it had when its read began. Transient trouble
does not make it incomplete: the master is looked up until one answers
(MASTER_WAIT_S), and a queue whose read stops (a timeout, a closed
connection) is resumed where it stopped, up to ATTEMPTS times. It needs the
master to hold the topic's config (a pull of a topic it lacks is refused):
the run's recovery gate re-creates topics a replica lost (docs/matrix.md).
"""
from __future__ import annotations

import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from chaoskit.cluster import pull, remoting
from chaoskit.cluster import roles as roles_mod
from chaoskit.cluster.nodes import Node
from workloads import payload

READERS = 4  # queues pulled at once
ATTEMPTS = 3         # reads of one queue, each resuming where the last stopped
RETRY_WAIT_S = 2.0   # between them
MASTER_WAIT_S = 30.0  # a role lookup can fail while the controllers answer slowly


@dataclass(frozen=True)
class FinalRead:
    complete: bool
    rows: int
    seconds: float
    problems: tuple[str, ...]


def read_store(nodes: list[Node], topic: str, run_id: str,
               emit: Callable[[dict], None]) -> FinalRead:
    """Read `topic` (this run's messages) from broker-a's master; `emit` each final_reads row."""
    start = time.time()
    master, why = _master(nodes)
    if master is None:
        return FinalRead(False, 0, time.time() - start, (f"broker-a has no master to read from ({why})",))
    try:
        _, config = remoting.call(master.broker_addr, remoting.GET_ALL_TOPIC_CONFIG)
        table = config["topicConfigTable"]
        if topic not in table:
            return FinalRead(False, 0, time.time() - start, (f"{master.name} has no topic {topic}",))
        queues = int(table[topic]["readQueueNums"])
    except (remoting.RemotingError, KeyError, TypeError, ValueError) as exc:
        return FinalRead(False, 0, time.time() - start, (f"no queue count of {topic} from {master.name}: {exc}",))

    def one(queue_id: int) -> tuple[list[dict], str | None]:
        found_rows: list[dict] = []
        resume, problem = None, None
        for attempt in range(ATTEMPTS):
            if attempt:
                time.sleep(RETRY_WAIT_S)
            try:
                for m in pull.read_queue(master.broker_addr, topic, queue_id, start=resume):
                    resume = m.queue_offset + 1
                    found = payload.decode(m.body)
                    if found is not None and found.run_id == run_id:
                        found_rows.append({"value": found.value, "ts": m.store_ts,
                                           "message_id": m.properties.get("UNIQ_KEY"),
                                           "queue": f"{roles_mod.BROKER_NAME}/{queue_id}",
                                           "queue_offset": m.queue_offset,
                                           "commitlog_offset": m.commitlog_offset})
                return found_rows, None
            except pull.PullError as exc:
                problem = f"read from {master.name} stopped after {ATTEMPTS} attempts: {exc}"
        return found_rows, problem

    rows, problems = 0, []
    # Queues are read side by side (each pull is a round trip), emitted in queue order.
    with ThreadPoolExecutor(READERS) as pool:
        for found_rows, problem in pool.map(one, range(queues)):
            for row in found_rows:
                emit(row)
            rows += len(found_rows)
            if problem:
                problems.append(problem)
    return FinalRead(not problems, rows, time.time() - start, tuple(problems))


def _master(nodes: list[Node]) -> tuple[Node | None, str]:
    """broker-a's master, looked up until one is found or MASTER_WAIT_S pass; else None and why."""
    deadline = time.monotonic() + MASTER_WAIT_S
    while True:
        roles = roles_mod.lookup(nodes)
        master = next((n for n in nodes if n.name == roles.master), None)
        if master is not None or time.monotonic() >= deadline:
            return master, "; ".join(roles.errors) or "none elected"
        time.sleep(1.0)
