"""The `remoting` access path's consumer: the official Java DefaultMQPushConsumer.

Queue workload: a concurrent listener; FIFO workload: an orderly listener
(the client locks each queue on the broker and hands its messages over in
queue order, one batch at a time). Offsets are kept on the broker: the
client commits a batch's offset only after the listener returned success,
and the listener returns only once the batch's deliveries are committed to
the ledger, so a crash can add a redelivery, never hide a delivery.

A new group starts at each queue's first offset (CONSUME_FROM_FIRST_OFFSET):
the consumers may start after the first send without missing it.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

from workloads.consumer import ConsumerWorker
from workloads.remoting.sender import GROUP_PROPERTY

CONSUME_THREADS = 4   # per consumer: Python runs one at a time; more threads only contend for the GIL


@dataclass(frozen=True)
class Delivered:
    """A MessageExt's fields the sink records (the shape the sink reads from either client)."""

    body: bytes
    message_group: str | None
    message_id: str
    delivery_attempt: int


def delivered(m: Any) -> Delivered:
    group = m.getUserProperty(GROUP_PROPERTY)
    return Delivered(bytes(m.getBody()), None if group is None else str(group), str(m.getMsgId()),
                     int(m.getReconsumeTimes()) + 1)


class RemotingConsumerWorker(ConsumerWorker):
    """A push consumer of its own (one client instance per consumer, as separate processes would have)."""

    def _run(self) -> None:
        from jpype import JClass

        spec, sink, name = self._spec, self._sink, self.name
        listener = _listener(spec.fifo, lambda msgs: self._record(msgs))

        def make() -> Any:
            consumer = JClass("org.apache.rocketmq.client.consumer.DefaultMQPushConsumer")(spec.group)
            consumer.setNamesrvAddr(self._access.namesrv_addr)
            consumer.setInstanceName(f"chaoskit-{spec.topic}-{name}-{os.getpid()}")
            consumer.setVipChannelEnabled(False)
            consumer.setConsumeFromWhere(JClass("org.apache.rocketmq.common.consumer.ConsumeFromWhere").CONSUME_FROM_FIRST_OFFSET)
            consumer.setConsumeThreadMin(CONSUME_THREADS)
            consumer.setConsumeThreadMax(CONSUME_THREADS)
            consumer.setPullBatchSize(spec.receive_batch)
            consumer.setConsumeMessageBatchMaxSize(spec.receive_batch)
            consumer.subscribe(spec.topic, "*")
            consumer.registerMessageListener(listener)
            return _Started(consumer)

        client = self._start_client(make)
        if client is None:
            return
        try:
            sink.polled(name)  # started: from the first offset on, nothing can be skipped
            self._stop.wait()
        finally:
            client.shutdown()

    def _record(self, msgs: Any) -> None:
        for m in msgs:
            self._sink.deliver(self.name, delivered(m))
        self._sink.commit()


class _Started:
    """startup/shutdown names for a Java consumer (ConsumerWorker._start_client calls startup)."""

    def __init__(self, consumer: Any) -> None:
        self._consumer = consumer

    def startup(self) -> None:
        try:
            self._consumer.start()
        except Exception:
            self._consumer.shutdown()  # a half-started client keeps its threads and its group registered
            raise

    def shutdown(self) -> None:
        self._consumer.shutdown()


LISTENER = "org.apache.rocketmq.client.consumer.listener."
# orderly? -> (the listener interface, its success status)
_LISTENERS = {True: ("MessageListenerOrderly", "ConsumeOrderlyStatus", "SUCCESS"),
              False: ("MessageListenerConcurrently", "ConsumeConcurrentlyStatus", "CONSUME_SUCCESS")}


def _listener(orderly: bool, record: Any) -> Any:
    """A Java MessageListener(Orderly|Concurrently) that records each batch, then reports success.

    An exception (say, the ledger failed) propagates to the client, which then
    delivers the batch again later: it is never acknowledged unrecorded.
    """
    from jpype import JClass, JImplements, JOverride

    interface, status_class, status = _LISTENERS[orderly]
    success = getattr(JClass(LISTENER + status_class), status)

    @JImplements(LISTENER + interface)
    class Listener:
        @JOverride
        def consumeMessage(self, msgs, context):  # noqa: N802 (Java's name)
            record(msgs)
            return success

    return Listener()
