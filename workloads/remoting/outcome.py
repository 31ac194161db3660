"""How a remoting send's result becomes a ledger outcome (`ok`, `fail`, `info`).

Read from rocketmq-client 5.5.0 (`DefaultMQProducerImpl.sendDefaultImpl` and
`sendSelectImpl`, `Validators.checkMessage`):

- A `SendResult` is returned for every answer the broker gave with a stored
  message, and its status says how far the write got: only `SEND_OK` means
  the broker acknowledged it under its replication rule -> `ok`.
  `FLUSH_DISK_TIMEOUT`, `FLUSH_SLAVE_TIMEOUT` and `SLAVE_NOT_AVAILABLE` mean
  the master stored it but could not confirm the flush or the replicas in
  time: stored, not acknowledged -> `info`. Counting them `ok` would invent
  loss; counting them `fail` would call a stored message failed.
- An exception is `fail` only when the client raised it before any request
  left: the producer not running ("The producer service state not OK"), the
  message refused by `Validators` (response code MESSAGE_ILLEGAL), no route
  for the topic ("No route info ..." / NOT_FOUND_TOPIC_EXCEPTION) or no
  NameServer (NO_NAME_SERVER_EXCEPTION), each raised without a cause.
- Every other exception -> `info`: "Send [N] times, still failed" follows N
  attempts, any of which may have timed out after the broker stored the
  message; an `MQBrokerException` is a broker's refusal of one attempt, which
  may follow an earlier stored one, and some refusals (SYSTEM_ERROR) come
  after the store was tried; connection and timeout errors say nothing of
  the broker's side.
"""
from __future__ import annotations

from typing import Any

from workloads.outcome import FAIL, INFO, OK

ACKNOWLEDGED = "SEND_OK"
# ResponseCode.MESSAGE_ILLEGAL (13), ClientErrorCode.NO_NAME_SERVER_EXCEPTION (10004),
# ClientErrorCode.NOT_FOUND_TOPIC_EXCEPTION (10005): set only on exceptions raised before a request.
NEVER_SENT_CODES = frozenset({13, 10004, 10005})
NEVER_SENT_TEXTS = ("The producer service state not OK", "No route info")
CLIENT_EXCEPTION = "org.apache.rocketmq.client.exception.MQClientException"


def classify_status(status: str) -> str:
    """The outcome of a returned SendResult whose status is `status` (the enum's name): `ok` only
    for SEND_OK; the stored-but-unconfirmed statuses and any status this client version does not
    have are unknown, never ok."""
    return OK if status == ACKNOWLEDGED else INFO


def classify_exception(class_name: str, response_code: int | None, message: str, has_cause: bool) -> str:
    """The outcome of a send that raised a Java exception (described by plain values, for tests)."""
    if class_name == CLIENT_EXCEPTION and not has_cause:
        if response_code in NEVER_SENT_CODES or message.startswith(NEVER_SENT_TEXTS):
            return FAIL
    return INFO


def describe(exc: Any) -> tuple[str, int | None, str, bool]:
    """(class name, response code, message, has cause) of a JPype-wrapped Java exception."""
    name = str(exc.getClass().getName())
    code = int(exc.getResponseCode()) if hasattr(exc, "getResponseCode") else None
    # MQClientException's getMessage() prefixes "CODE: n DESC:"; getErrorMessage() is the text as raised.
    message = str((exc.getErrorMessage() if hasattr(exc, "getErrorMessage") else exc.getMessage()) or "")
    return name, code, message, exc.getCause() is not None
