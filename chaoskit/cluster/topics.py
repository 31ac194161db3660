"""The topics and consumer groups the workloads use, created through the admin tools."""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import docker
from tenacity import retry, retry_if_exception_type, stop_after_attempt, wait_fixed

from chaoskit.cluster import admin
from chaoskit.cluster.nodes import Node, namesrv_addrs

CLUSTER_NAME = "chaoskit"
QUEUES = 8


@dataclass(frozen=True)
class Topic:
    name: str
    fifo: bool
    group: str  # the workload consumers' group


TOPICS = {
    "queue": Topic("chaos-queue", fifo=False, group="chaos-queue-consumers"),
    "fifo": Topic("chaos-fifo", fifo=True, group="chaos-fifo-consumers"),
    "probe": Topic("chaos-probe", fifo=False, group="chaos-probe-consumers"),
}


# updateTopic and updateSubGroup are idempotent: a call that failed (a busy
# broker, a JVM that did not start in time) is simply made again.
@retry(retry=retry_if_exception_type(admin.AdminError), stop=stop_after_attempt(3), wait=wait_fixed(2), reraise=True)
def create_all(client: docker.DockerClient, nodes: list[Node]) -> None:
    """Create every topic and its consumer group (idempotent)."""
    ns = namesrv_addrs(nodes)
    calls = []
    for topic in TOPICS.values():
        args = ["updateTopic", "-n", ns, "-c", CLUSTER_NAME, "-t", topic.name, "-r", str(QUEUES), "-w", str(QUEUES)]
        if topic.fifo:
            args += ["-a", "+message.type=FIFO"]
        calls.append(args)
        group = ["updateSubGroup", "-n", ns, "-c", CLUSTER_NAME, "-g", topic.group]
        if topic.fifo:
            group += ["-o", "true"]  # consumeMessageOrderly: FIFO delivery per message group
        calls.append(group)
    # Each call is a JVM start that mostly waits on the network: run them together.
    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        list(pool.map(lambda args: admin.run(client, nodes, *args), calls))
