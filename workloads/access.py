"""One workload interface over both access paths: a SendClient per producer, a worker per consumer.

proxy: rocketmq-python-client through the Proxy's gRPC port (grpc_sender.py, consumer.py).
remoting: the official Java client straight to NameServers and brokers (remoting/).
"""
from __future__ import annotations

from collections.abc import Callable

from chaoskit.cluster.access import Access, RemotingAccess
from chaoskit.paths import state_dir
from workloads.consumer import ConsumerWorker
from workloads.consumer import make_consumer as make_proxy_consumer
from workloads.delivery import DeliverySink
from workloads.outcome import SendClient
from workloads.spec import WorkloadSpec


def mode_of(access: Access) -> str:
    """The access mode's name (the ledger's meta `access`)."""
    return "remoting" if isinstance(access, RemotingAccess) else "proxy"


def prepare(mode: str) -> None:
    """Load what access mode `mode` needs before any client starts (the JVM for remoting; a few
    seconds, so a run does it before its cluster starts); UsageError if something is missing."""
    if mode == "remoting":
        from workloads.remoting import jvm

        jvm.start(state_dir() / "logs" / "remoting-client")


def sender_factory(access: Access, spec: WorkloadSpec) -> Callable[[int], SendClient]:
    """index -> a new SendClient for producer `index`."""
    if isinstance(access, RemotingAccess):
        from workloads.remoting.sender import RemotingSender

        return lambda i: RemotingSender(access, f"p{i}", spec.topic, spec.request_timeout,
                                        spec.fifo_groups if spec.fifo else None)
    from workloads.grpc_sender import proxy_sender

    return lambda i: proxy_sender(access, spec.topic, spec.request_timeout)


def make_consumer(index: int, spec: WorkloadSpec, access: Access, sink: DeliverySink) -> ConsumerWorker:
    """Consumer worker number `index` of the access path."""
    if isinstance(access, RemotingAccess):
        from workloads.remoting.consumer import RemotingConsumerWorker

        return RemotingConsumerWorker(index, spec, access, sink)
    return make_proxy_consumer(index, spec, access, sink)
