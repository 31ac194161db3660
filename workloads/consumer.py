"""Consumers: the worker thread every consumer runs in, and the `proxy` access path's consumers:
SimpleConsumer workers (receive, record, ack) and a PushConsumer option.

Every delivery is recorded, redeliveries included (with the broker's
delivery_attempt), before it is acknowledged: a crash between the two can
only add a redelivery, never hide a delivery.
"""
from __future__ import annotations

import logging
import threading
from typing import Any

from chaoskit.cluster.access import Access
from chaoskit.cluster.proxy_client import ProxyAccess
from workloads.delivery import DeliverySink
from workloads.spec import WorkloadSpec

log = logging.getLogger(__name__)

# Long-polling wait of one receive: bounds how long a stopping consumer lingers, and the
# warm-up waits for every consumer's first (empty) receive to return. The proxy raises
# shorter waits to its grpcClientConsumerMinLongPollingTimeoutMillis (docker-compose.yml).
AWAIT_S = 1
RETRY_S = 0.5        # pause after a failed receive or start (e.g. '"settings" is null' at first)
PUSH_SETTLE_S = 5.0  # a push consumer receives on its own: wait this long before calling it warm


class ConsumerWorker:
    """Consumer number `index` (process `c<index>`), running in its own thread."""

    def __init__(self, index: int, spec: WorkloadSpec, access: Access, sink: DeliverySink) -> None:
        self.name = f"c{index}"
        self._spec = spec
        self._access = access
        self._sink = sink
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"consumer-{self.name}", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        """Ask the worker to end; `join` waits for it."""
        self._stop.set()

    def join(self, timeout: float | None = None) -> None:
        self._thread.join(timeout)

    def _start_client(self, make: Any) -> Any:
        """Build and start a client, retrying until it starts or the worker stops."""
        while not self._stop.is_set():
            client = make()
            try:
                client.startup()
                return client
            except Exception as exc:
                self._sink.receive_failed(exc)
                log.info("%s: start failed, retrying: %s", self.name, exc)
                self._stop.wait(RETRY_S)
        return None

    def _run(self) -> None:
        raise NotImplementedError


def ack_batch(client: Any, messages: list, timeout: float) -> int:
    """Acknowledge a receive's messages in one AckMessageRequest per topic and endpoint;
    returns how many were not acknowledged (they come back after the invisible duration).

    The protocol's request carries many entries, but the client's ack() sends one
    request per message, and every request of every client in the process runs on
    the client's one event-loop thread: at 200 messages/s the acks alone kept it so
    busy that consumers fell a minute behind the producers on two cores.
    """
    from rocketmq.grpc_protocol import AckMessageEntry, AckMessageRequest, Code

    batches: dict[tuple, list] = {}
    for m in messages:
        batches.setdefault((m.topic, m.endpoints), []).append(m)
    pending = []
    for (topic, endpoints), batch in batches.items():
        req = AckMessageRequest()
        req.group.name = client.consumer_group
        req.group.resource_namespace = req.topic.resource_namespace = client.client_configuration.namespace
        req.topic.name = topic
        for m in batch:
            req.entries.append(AckMessageEntry(message_id=m.message_id, receipt_handle=m.receipt_handle))
        pending.append((len(batch), client.rpc_client.ack_message_async(
            endpoints, req, metadata=client.sign(), timeout=client.client_configuration.request_timeout)))
    failed = 0
    for count, future in pending:
        try:
            res = future.result(timeout)
        except Exception:  # no answer: none of the batch is known to be acknowledged
            failed += count
            continue
        if res.status.code == Code.OK:
            continue
        acked = sum(e.status.code == Code.OK for e in res.entries)  # partial: per-entry results
        failed += count - acked
    return failed


class SimpleConsumerWorker(ConsumerWorker):
    """receive(batch, invisible duration) -> record each -> ack the batch, in a loop.

    A batch is acked in one request (`ack_batch`); the next receive waits for it,
    so a fifo group's next message is never held back by an ack still on its way.
    """

    def _run(self) -> None:
        from rocketmq import FilterExpression, SimpleConsumer

        spec = self._spec
        client = self._start_client(lambda: SimpleConsumer(
            self._access.configuration(spec.request_timeout), spec.group, {spec.topic: FilterExpression()},
            await_duration=AWAIT_S, tls_enable=self._access.tls))
        if client is None:
            return
        try:
            while not self._stop.is_set():
                try:
                    messages = client.receive(spec.receive_batch, spec.invisible_duration)
                except Exception as exc:  # the first call may fail with '"settings" is null'
                    self._sink.receive_failed(exc)
                    log.debug("%s: receive failed: %s", self.name, exc)
                    self._stop.wait(RETRY_S)
                    continue
                self._sink.polled(self.name)
                for message in messages:
                    self._sink.deliver(self.name, message)
                failed = ack_batch(client, messages, spec.request_timeout + 5)  # none for an empty batch
                if failed:
                    self._sink.ack_failed(failed)
        finally:
            client.shutdown()


class PushConsumerWorker(ConsumerWorker):
    """A PushConsumer whose listener records each message and returns SUCCESS (the client acks)."""

    def _run(self) -> None:
        from rocketmq import ConsumeResult, FilterExpression, MessageListener, PushConsumer

        sink, name = self._sink, self.name

        class Listener(MessageListener):
            def consume(self, message: Any) -> ConsumeResult:
                sink.deliver(name, message)
                return ConsumeResult.SUCCESS

        spec = self._spec
        client = self._start_client(lambda: PushConsumer(
            self._access.configuration(spec.request_timeout), spec.group, Listener(),
            {spec.topic: FilterExpression()}, tls_enable=self._access.tls))
        if client is None:
            return
        try:
            if not self._stop.wait(PUSH_SETTLE_S):
                sink.polled(name)
            self._stop.wait()
        finally:
            client.shutdown()


def make_consumer(index: int, spec: WorkloadSpec, access: ProxyAccess, sink: DeliverySink) -> ConsumerWorker:
    """The consumer worker of the spec's type."""
    cls = PushConsumerWorker if spec.consumer == "push" else SimpleConsumerWorker
    return cls(index, spec, access, sink)
