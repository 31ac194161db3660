"""The `remoting` access path's sender: the official Java DefaultMQProducer, straight to the brokers.

Sends are the client's synchronous `send` on a small pool of Python threads
(JPype releases the GIL for the Java call): every way a send can end is then
a return value or an exception of one call, classified in outcome.py. The
pool has one thread per send the producer may have in flight, so nothing
waits inside it and a backlog shows as sends invoked late.

Queue workload: `send(msg, timeout)`. Retries (`retryTimesWhenSendFailed`,
2 by default, kept): a failed attempt is retried at once, on another broker
when the topic has one (here: one broker group, so the same master). An
attempt that timed out after the broker stored the message is followed by
one that stores it again: the value is then stored twice, which the ledger
shows as one `sends` row (the call's final outcome) and two deliveries.
FIFO workload: `send(msg, SelectMessageQueueByHash, group, timeout)`: one
attempt only (the client does not retry selector sends), each group on one
queue, one send in flight per group.
"""
from __future__ import annotations

import os
import re
from concurrent.futures import Future, ThreadPoolExecutor

from chaoskit.cluster.access import RemotingAccess
from workloads.outcome import INFO, Sent, error_text
from workloads.remoting import outcome as remoting_outcome

GROUP_PROPERTY = "CHAOSKIT_GROUP"   # the message group, for consumers (remoting has no message group field)
QUEUE_SEND_THREADS = 16             # per producer: about 5,000 sends/s at this host's ~3 ms per send


class RemotingSender:
    """A SendClient over a DefaultMQProducer of its own (one client instance per producer)."""

    def __init__(self, access: RemotingAccess, name: str, topic: str, request_timeout: int,
                 fifo_groups: int | None) -> None:
        self._access, self._name, self._topic = access, name, topic
        self._timeout_ms = request_timeout * 1000
        self._fifo = fifo_groups is not None
        self.concurrency = fifo_groups or QUEUE_SEND_THREADS
        # The client bounds the whole call, retries included, by the timeout.
        self.deadline = request_timeout + 2.0
        self._pool = ThreadPoolExecutor(self.concurrency, thread_name_prefix=f"send-{name}")
        self._producer = None
        self._selector = None

    def startup(self) -> None:
        from jpype import JClass

        producer = JClass("org.apache.rocketmq.client.producer.DefaultMQProducer")(f"{self._topic}-producers")
        producer.setNamesrvAddr(self._access.namesrv_addr)
        # One client instance per producer (workloads share this process): their own connections
        # and threads, as separate processes would have.
        producer.setInstanceName(f"chaoskit-{self._topic}-{self._name}-{os.getpid()}")
        producer.setVipChannelEnabled(False)
        producer.setSendMsgTimeout(self._timeout_ms)
        try:
            producer.start()
        except Exception:
            producer.shutdown()  # a half-started client keeps its threads and its group registered
            raise
        self._producer = producer
        self._selector = JClass("org.apache.rocketmq.client.producer.selector.SelectMessageQueueByHash")()

    def send(self, value: str, body: bytes, tag: str, group: str | None) -> Future[Sent]:
        return self._pool.submit(self._send, value, body, tag, group)

    def _send(self, value: str, body: bytes, tag: str, group: str | None) -> Sent:
        from jpype import JClass, JException, JString

        try:
            msg = JClass("org.apache.rocketmq.common.message.Message")(self._topic, tag, value, body)
            if group is not None:
                msg.putUserProperty(GROUP_PROPERTY, group)
            if self._fifo:
                result = self._producer.send(msg, self._selector, JString(group), self._timeout_ms)
            else:
                result = self._producer.send(msg, self._timeout_ms)
        except JException as exc:
            return Sent(remoting_outcome.classify_exception(*remoting_outcome.describe(exc)),
                        error=_java_error(exc))
        except Exception as exc:  # a failure on our side of the bridge: unknown, never `fail`
            return Sent(INFO, error=error_text(exc))
        return sent_of(str(result.toString()))

    def shutdown(self) -> None:
        self._pool.shutdown(wait=True)
        if self._producer is not None:
            self._producer.shutdown()


# SendResult.toString() of rocketmq-client 5.5.0: every field in one Java call. Each call across
# the bridge gives the GIL up and waits for it again, which under load costs more than the call.
_RESULT = re.compile(r"sendStatus=(?P<status>\w+), msgId=(?P<msg_id>\w*), offsetMsgId=(?P<offset_id>\w*), "
                     r"messageQueue=MessageQueue \[topic=[^,]*, brokerName=(?P<broker>[^,]*), queueId=(?P<queue>\d+)\], "
                     r"queueOffset=(?P<queue_offset>-?\d+)")


def sent_of(result: str) -> Sent:
    """The Sent of a SendResult, from its toString()."""
    m = _RESULT.search(result)
    if m is None:  # a client whose SendResult reads otherwise: say so, and never call it ok
        return Sent(INFO, error=f"unparsed SendResult: {result[:200]}")
    status = m["status"]
    return Sent(remoting_outcome.classify_status(status), message_id=m["msg_id"] or None,
                error=None if status == remoting_outcome.ACKNOWLEDGED else f"SendResult {status}",
                queue=f"{m['broker']}/{m['queue']}", queue_offset=int(m["queue_offset"]),
                commitlog_offset=commitlog_offset(m["offset_id"]))


def commitlog_offset(offset_msg_id: str) -> int | None:
    """The commit-log offset in an offset message id: its last 8 bytes (after the store host and port)."""
    return int(offset_msg_id[-16:], 16) if len(offset_msg_id) >= 32 else None


def _java_error(exc) -> str:
    """One line: the Java exception's class and message, and its cause's."""
    text = f"{exc.getClass().getSimpleName()}: {exc.getMessage()}"
    cause = exc.getCause()
    if cause is not None:
        text += f" (cause {cause.getClass().getSimpleName()}: {cause.getMessage()})"
    return " ".join(text.split())[:500]
