"""What a workload does: its options, validated once, frozen."""
from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass

from chaoskit.cluster.topics import TOPICS
from chaoskit.errors import UsageError

KINDS = ("queue", "fifo")
CONSUMER_TYPES = ("simple", "push")
MIN_SIZE = 64                  # room for "<value> <run id> " in every body
MAX_SIZE = 4 * 1024 * 1024     # the client's own body limit
# The broker waits up to about 3-5 s for its replicas (syncFlushTimeout / HA
# wait) before it answers a send: a request timeout well above that makes a
# slow replica a slow `ok`, not an `info`.
DEFAULT_REQUEST_TIMEOUT = 10  # whole seconds: the client puts it in a protobuf seconds field


@dataclass(frozen=True)
class WorkloadSpec:
    """Options of one workload run. Invalid values raise UsageError (exit 2)."""

    kind: str = "queue"            # queue | fifo
    duration: float = 30.0         # seconds of sending (the main phase)
    rate: float = 200.0            # total target sends per second, open loop
    producers: int = 2
    consumers: int = 2
    size: int = 256                # body bytes
    consumer: str = "simple"       # simple (SimpleConsumer) | push (PushConsumer)
    topic: str = ""                # default: the kind's topic from chaoskit.cluster.topics
    group: str = ""                # default: the kind's consumer group
    max_in_flight: int = 1024      # sends awaiting an outcome, over all producers
    fifo_groups: int = 16          # message groups per producer (fifo): each has one send in flight
    request_timeout: int = DEFAULT_REQUEST_TIMEOUT
    receive_batch: int = 32        # messages per SimpleConsumer receive
    invisible_duration: int = 15   # seconds a received, unacked message stays hidden
    drain_quiet: float = 30.0      # drain ends once no delivery came for this long...
    drain_limit: float = 120.0     # ...and this much drain time has passed
    warmup_timeout: float = 60.0   # consumers must poll once within this
    final_read: bool = True

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise UsageError(f"unknown workload kind '{self.kind}': use {' or '.join(KINDS)}")
        if self.consumer not in CONSUMER_TYPES:
            raise UsageError(f"unknown consumer '{self.consumer}': use {' or '.join(CONSUMER_TYPES)}")
        _positive("duration", self.duration)
        _positive("rate", self.rate)
        _positive("warmup_timeout", self.warmup_timeout)
        for name in ("drain_quiet", "drain_limit"):
            if not _finite(getattr(self, name)) or getattr(self, name) < 0:
                raise UsageError(f"{name} must be a number >= 0, not {getattr(self, name)}")
        for name in ("producers", "consumers", "fifo_groups", "receive_batch", "invisible_duration",
                     "request_timeout"):
            if not isinstance(getattr(self, name), int) or getattr(self, name) < 1:
                raise UsageError(f"{name} must be a whole number >= 1, not {getattr(self, name)}")
        if not isinstance(self.max_in_flight, int) or self.max_in_flight < self.producers:
            raise UsageError(f"max_in_flight must be a whole number >= producers ({self.producers}), "
                             f"not {self.max_in_flight}")
        if not isinstance(self.size, int) or not MIN_SIZE <= self.size <= MAX_SIZE:
            raise UsageError(f"size must be {MIN_SIZE}..{MAX_SIZE} bytes, not {self.size}")
        if self.receive_batch > 32:
            raise UsageError(f"receive_batch must be at most 32 (a receive returns no more), not {self.receive_batch}")
        if self.invisible_duration < 10:
            raise UsageError(f"invisible_duration must be at least 10 s (the broker's minimum), "
                             f"not {self.invisible_duration}")
        # A receive whose answer is lost (e.g. deadline exceeded under load) leaves its messages
        # popped: they come back one invisible duration later, and the drain must still be there.
        if self.drain_quiet <= self.invisible_duration:
            raise UsageError(f"drain_quiet ({self.drain_quiet:g} s) must be longer than invisible_duration "
                             f"({self.invisible_duration} s): popped messages whose receive failed come back "
                             f"only after it")
        default = TOPICS[self.kind]
        # Frozen: defaults are filled in once, here.
        object.__setattr__(self, "topic", self.topic or default.name)
        object.__setattr__(self, "group", self.group or default.group)

    @property
    def fifo(self) -> bool:
        return self.kind == "fifo"

    def to_json(self) -> str:
        """The spec as stored in the ledger's meta `workload`."""
        return json.dumps(asdict(self), sort_keys=True)


def _finite(x: float) -> bool:
    return isinstance(x, (int, float)) and math.isfinite(x)


def _positive(name: str, x: float) -> None:
    if not _finite(x) or x <= 0:
        raise UsageError(f"{name} must be a number > 0, not {x}")
