"""The `proxy` access path's sender: rocketmq-python-client's Producer.send_async through the Proxy."""
from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future
from typing import Any

from workloads.outcome import Sent, Stage, classify, error_text, send_deadline

MAX_SEND_ATTEMPTS = 3  # rocketmq-python-client 5.1.2's Producer.DEFAULT_MAX_SEND_ATTEMPTS


class GrpcSender:
    """A SendClient over a rocketmq `Producer` (or anything with its startup/send_async/shutdown)."""

    concurrency = None  # the in-flight bound is the workload's max_in_flight alone

    def __init__(self, make_producer: Callable[[], Any], topic: str, request_timeout: int) -> None:
        self._make_producer = make_producer
        self._topic = topic
        self._producer: Any = None
        self.deadline = send_deadline(request_timeout, MAX_SEND_ATTEMPTS)

    def startup(self) -> None:
        self._producer = self._make_producer()
        self._producer.startup()

    def send(self, value: str, body: bytes, tag: str, group: str | None) -> Future[Sent]:
        from rocketmq import Message  # heavy gRPC import, only when sending

        msg = Message()
        msg.topic = self._topic
        msg.body = body
        msg.keys = value
        msg.tag = tag
        if group is not None:
            msg.message_group = group
        done: Future = Future()
        try:
            pending = self._producer.send_async(msg)
        except Exception as exc:  # raised before the request left: see outcome.py
            done.set_result(Sent(classify(exc, Stage.INVOKE), error=error_text(exc)))
            return done

        def settle(f: Future) -> None:
            try:
                receipt = f.result()
            except Exception as exc:
                done.set_result(Sent(classify(exc, Stage.COMPLETE), error=error_text(exc)))
            else:
                done.set_result(Sent(classify(None, Stage.COMPLETE), message_id=receipt.message_id))

        pending.add_done_callback(settle)
        return done

    def shutdown(self) -> None:
        if self._producer is not None:
            self._producer.shutdown()


def proxy_sender(access: Any, topic: str, request_timeout: int) -> GrpcSender:
    """A sender through the Proxy that `access` (a ProxyAccess) describes."""
    def make() -> Any:
        from rocketmq import Producer

        return Producer(access.configuration(request_timeout), (topic,), tls_enable=access.tls)

    return GrpcSender(make, topic, request_timeout)
