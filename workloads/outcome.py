"""How a send's result becomes a ledger outcome: `ok`, `fail` or `info`.

The rule (docs/workloads.md has the table) follows where in
rocketmq-python-client 5.1.2's `Producer.send_async` the result arises:

- A `SendReceipt` from the returned future: the broker stored the message
  and acknowledged it -> `ok`.
- An exception raised by the `send_async` call itself (before it returns a
  future): everything that runs synchronously there (message validation,
  the running check, queue selection from the cached or fetched route,
  building the request) happens before the request coroutine is handed to
  the client's I/O loop, so the message never left the process -> `fail`.
  This covers `IllegalArgumentException` (empty or oversized body, message
  type not accepted by the topic), `IllegalStateException` (producer not
  running) and route-lookup errors.
- An exception from the future: the request left. The client retries every
  failure (up to 3 attempts, same message id) except TooManyRequests, and
  reports only the last attempt's error, so even a definite refusal
  (BadRequest, NotFound, TooManyRequests, ...) may follow an earlier attempt
  that timed out after the broker had stored the message. Timeouts,
  connection errors, InternalErrorException ("connect to ... failed", HA not
  available), ProxyTimeoutException (master/slave persistence timeout) all
  leave the outcome unknown -> `info`.
- No result at all within the deadline (`send_deadline`) -> `info`, with
  `complete_ts` NULL.

Each send's row is written as `info` (complete_ts NULL, IN_FLIGHT_ERROR)
when it is invoked and amended once its outcome is known, so a ledger cut
short by a crash holds every send that may have reached the broker.
"""
from __future__ import annotations

from concurrent.futures import Future
from dataclasses import dataclass
from enum import Enum
from typing import Protocol

OK, FAIL, INFO = "ok", "fail", "info"


@dataclass(frozen=True)
class Sent:
    """A send's outcome as an access path's client reports it (the ledger's `sends` columns)."""

    outcome: str                        # ok | fail | info
    message_id: str | None = None
    error: str | None = None
    queue: str | None = None            # broker/queue id the broker stored it in, when the client says
    queue_offset: int | None = None
    commitlog_offset: int | None = None


class SendClient(Protocol):
    """What a producer sends through: one per producer, for either access path.

    `send` never raises: its future always resolves to a `Sent`, classified
    where the result arises (the access path knows what its errors mean).
    """

    deadline: float          # seconds after which a send with no outcome is recorded `info`
    concurrency: int | None  # sends it can have in flight at once (None: no own limit)

    def startup(self) -> None: ...

    def send(self, value: str, body: bytes, tag: str, group: str | None) -> Future[Sent]: ...

    def shutdown(self) -> None: ...


class Stage(Enum):
    """Where an exception surfaced."""

    INVOKE = "invoke"      # raised by the send_async call
    COMPLETE = "complete"  # set on the future it returned


def classify(exc: BaseException | None, stage: Stage) -> str:
    """The outcome of a send that produced `exc` (None: a receipt) at `stage`."""
    if exc is None:
        return OK
    return FAIL if stage is Stage.INVOKE else INFO


def error_text(exc: BaseException) -> str:
    """One line naming the exception's type, for the ledger's `error` column."""
    text = " ".join(str(exc).split())
    return f"{type(exc).__name__}: {text}"[:500] if text else type(exc).__name__


def send_deadline(request_timeout: float, attempts: int) -> float:
    """Seconds after which a send with no outcome is recorded as `info`.

    The client's own bound is `attempts` requests of `request_timeout` each;
    the margin covers its callback hand-offs.
    """
    return request_timeout * attempts + max(1.0, request_timeout / 2)


NO_OUTCOME_ERROR = "no outcome before the deadline"
IN_FLIGHT_ERROR = "in flight: no outcome recorded"
