"""Send results -> ledger outcomes (docs/workloads.md, "Outcomes")."""
from __future__ import annotations

import pytest
from rocketmq.v5.exception import (
    BadRequestException,
    IllegalArgumentException,
    IllegalStateException,
    InternalErrorException,
    NotFoundException,
    ProxyTimeoutException,
    TooManyRequestsException,
)

from workloads.outcome import FAIL, INFO, OK, Stage, classify, error_text, send_deadline


def test_a_receipt_is_ok():
    assert classify(None, Stage.COMPLETE) == OK


@pytest.mark.parametrize("exc", [
    IllegalArgumentException("message body is none."),
    IllegalStateException("producer is not running now."),
    RuntimeError("route lookup failed"),
])
def test_errors_raised_before_the_request_left_are_fail(exc):
    assert classify(exc, Stage.INVOKE) == FAIL


@pytest.mark.parametrize("exc", [
    InternalErrorException("connect to 10.213.7.21:10911 failed", 50001),
    ProxyTimeoutException("wait for slave persistence timeout", 40402),
    TooManyRequestsException("[TIMEOUT_CLEAN_QUEUE]broker busy", 42900),
    BadRequestException("illegal topic", 40001),
    NotFoundException("topic not found", 40402),
    TimeoutError("deadline exceeded"),
    ConnectionError("socket closed"),
    Exception("anything else"),
])
def test_errors_after_the_request_left_are_info(exc):
    # the client retried with the same message id: an earlier attempt may have been stored
    assert classify(exc, Stage.COMPLETE) == INFO


def test_error_text_is_one_line_with_the_type():
    text = error_text(InternalErrorException("connect to\n10.213.7.21:10911 failed", 50001))
    assert text == "InternalErrorException: 50001, connect to 10.213.7.21:10911 failed"
    assert error_text(TimeoutError()) == "TimeoutError"


def test_deadline_exceeds_every_client_attempt():
    assert send_deadline(10.0, 3) > 30.0
