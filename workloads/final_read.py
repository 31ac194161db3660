"""The final read: everything the cluster still stores for this run, from the minimum offset of every queue.

It pulls each queue of the topic from broker-a's master over the remoting
protocol (`chaoskit.cluster.pull`): independent of the proxy, the pop path
and the live consumer group, and the same on every 5.x version. Messages of
other runs (a topic outlives a run when the cluster is kept) are skipped by
the run id in their body.

The read is complete only if every queue was read, offset by offset, from
its minimum to the maximum it had when its read began.
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
    roles = roles_mod.lookup(nodes)
    master = next((n for n in nodes if n.name == roles.master), None)
    if master is None:
        return FinalRead(False, 0, 0.0, (f"broker-a has no master to read from ({'; '.join(roles.errors)})",))
    try:
        _, config = remoting.call(master.broker_addr, remoting.GET_ALL_TOPIC_CONFIG)
        queues = int(config["topicConfigTable"][topic]["readQueueNums"])
    except (remoting.RemotingError, KeyError, TypeError, ValueError) as exc:
        return FinalRead(False, 0, time.time() - start, (f"no queue count of {topic} from {master.name}: {exc}",))

    def one(queue_id: int) -> tuple[list[dict], str | None]:
        found_rows: list[dict] = []
        try:
            for m in pull.read_queue(master.broker_addr, topic, queue_id):
                found = payload.decode(m.body)
                if found is not None and found.run_id == run_id:
                    found_rows.append({"value": found.value, "ts": m.store_ts,
                                       "message_id": m.properties.get("UNIQ_KEY"),
                                       "queue": f"{roles_mod.BROKER_NAME}/{queue_id}",
                                       "queue_offset": m.queue_offset,
                                       "commitlog_offset": m.commitlog_offset})
        except pull.PullError as exc:
            return found_rows, f"read from {master.name} stopped: {exc}"
        return found_rows, None

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
