"""The topics and consumer groups the workloads use: created on broker-a's master, present on every replica.

They are made over the remoting protocol, as the admin tool's updateTopic
and updateSubGroup do (milliseconds instead of a JVM start per call), on the
master and then on each slave: 5.1+ slaves take them at once, 5.0.x slaves
refuse and copy the master's tables within about 10 s. A cluster is only
ready once every replica has them (`missing_on`): a failover onto a replica
that lacks a topic would refuse every send of it.

That is not enough on RocketMQ 5.3.3: its slaves' periodic sync from the
master deletes every topic and fails to re-add the first one that has
attributes (chaos-fifo's message.type) and every one after it, so a replica
promoted later lacks them (apache/rocketmq#9403, docs/matrix.md). `restore`
finds and re-creates them after a run's faults are healed, so the drain and
the final read can read the store back; the run records what was lost.
"""
from __future__ import annotations

from dataclasses import dataclass

from chaoskit.cluster import remoting
from chaoskit.cluster.nodes import Node

CLUSTER_NAME = "chaoskit"
QUEUES = 8
PERM_READ_WRITE = 6


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


def create_everywhere(master: Node, slaves: list[Node]) -> None:
    """Create every topic and group on the master (RemotingError if it refuses), then on each slave
    that takes them (one that refuses gets them from the master)."""
    create_all(master)
    for slave in slaves:
        try:
            create_all(slave)
        except remoting.RemotingError:
            pass


def create_all(broker: Node) -> None:
    """Create every topic and its consumer group on `broker` (idempotent); RemotingError if it refuses."""
    for topic in TOPICS.values():
        fields = {"topic": topic.name, "defaultTopic": "TBW102", "readQueueNums": QUEUES, "writeQueueNums": QUEUES,
                  "perm": PERM_READ_WRITE, "topicFilterType": "SINGLE_TAG", "topicSysFlag": 0, "order": False}
        if topic.fifo:
            fields["attributes"] = "+message.type=FIFO"
        remoting.call(broker.broker_addr, remoting.UPDATE_AND_CREATE_TOPIC, fields=fields)
        # SubscriptionGroupConfig's defaults, with FIFO delivery per message group for the fifo topic.
        remoting.call(broker.broker_addr, remoting.UPDATE_AND_CREATE_SUBSCRIPTIONGROUP, body={
            "groupName": topic.group, "consumeEnable": True, "consumeFromMinEnable": True,
            "consumeBroadcastEnable": True, "consumeMessageOrderly": topic.fifo, "retryQueueNums": 1,
            "retryMaxTimes": 16, "brokerId": 0, "whichBrokerWhenConsumeSlowly": 1,
            "notifyConsumerIdsChangedEnable": True, "groupSysFlag": 0, "consumeTimeoutMinute": 15})


def missing_on(broker: Node) -> list[str]:
    """The topics and groups of TOPICS that `broker` does not have yet; RemotingError if it does not answer."""
    _, topics = remoting.call(broker.broker_addr, remoting.GET_ALL_TOPIC_CONFIG)
    _, groups = remoting.call(broker.broker_addr, remoting.GET_ALL_SUBSCRIPTIONGROUP_CONFIG)
    have = {*((topics or {}).get("topicConfigTable") or {}), *((groups or {}).get("subscriptionGroupTable") or {})}
    return [name for t in TOPICS.values() for name in (t.name, t.group) if name not in have]


def restore(master: Node, slaves: list[Node]) -> list[str]:
    """Re-create the workload topics and groups if any replica lost some; one phrase per replica that
    lacked some or could not be asked ([] when all were whole). RemotingError if the master refuses."""
    lacking = []
    for broker in (master, *slaves):
        try:
            missing = missing_on(broker)
        except remoting.RemotingError as exc:
            lacking.append(f"{broker.name} could not be asked ({exc})")
            continue
        if missing:
            lacking.append(f"{broker.name}{' (master)' if broker is master else ''} lacked {', '.join(missing)}")
    if lacking:
        create_everywhere(master, slaves)
    return lacking
