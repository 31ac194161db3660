"""Remoting sends: each SendResult status and each exception gets the outcome its evidence allows."""
from __future__ import annotations

import pytest

from workloads.remoting.outcome import CLIENT_EXCEPTION, classify_exception, classify_status
from workloads.remoting.sender import commitlog_offset, sent_of

# rocketmq-client 5.5.0's SendResult.toString(), as the client printed it against this cluster
RESULT = ("SendResult [sendStatus={status}, msgId=FD0000000000000000000000000000026CD44E0E2F2A1F3471270000, "
          "offsetMsgId=0AD5071500002A9F00000000000CC8F4, messageQueue=MessageQueue [topic=chaos-queue, "
          "brokerName=broker-a, queueId=4], queueOffset=194, recallHandle=null]")


def test_send_ok_is_acknowledged_with_its_position():
    sent = sent_of(RESULT.format(status="SEND_OK"))
    assert (sent.outcome, sent.message_id, sent.error) == ("ok", "FD0000000000000000000000000000026CD44E0E2F2A1F3471270000",
                                                           None)
    assert (sent.queue, sent.queue_offset, sent.commitlog_offset) == ("broker-a/4", 194, 0xCC8F4)


@pytest.mark.parametrize("status", ["FLUSH_DISK_TIMEOUT", "FLUSH_SLAVE_TIMEOUT", "SLAVE_NOT_AVAILABLE"])
def test_stored_but_unconfirmed_statuses_are_unknown_never_ok(status: str):
    """The master stored the message but could not confirm the flush or its replicas: not an acknowledgement."""
    sent = sent_of(RESULT.format(status=status))
    assert (sent.outcome, sent.error) == ("info", f"SendResult {status}")
    assert classify_status(status) == "info"


def test_an_unknown_status_or_an_unparsable_result_is_unknown():
    assert classify_status("SEND_MAYBE") == "info"
    sent = sent_of("SendResult [something else]")
    assert sent.outcome == "info" and sent.error.startswith("unparsed SendResult")


def test_commitlog_offset_is_the_last_8_bytes_of_the_offset_message_id():
    assert commitlog_offset("0AD5071500002A9F00000000000CC8F4") == 837876
    # an IPv6 store host: 16 + 4 bytes before the offset
    assert commitlog_offset("FD000000000000000000000000000002" "00002A9F" "0000000000000010") == 16
    assert commitlog_offset("") is None


@pytest.mark.parametrize("code, message, has_cause, outcome", [
    # raised before any request left (DefaultMQProducerImpl 5.5.0: sendDefaultImpl, Validators, makeSureStateOK)
    (10005, "No route info of this topic: chaos-queue", False, "fail"),
    (-1, "No route info for this topic, chaos-fifo", False, "fail"),          # sendSelectImpl, no code
    (10004, "No name server address, please set it.", False, "fail"),
    (13, "the message body length is zero", False, "fail"),
    (-1, "The producer service state not OK, maybe started once, RUNNING", False, "fail"),
    # after attempts: any attempt may have stored it
    (10001, "Send [3] times, still failed, cost [12]ms, Topic: chaos-queue", True, "info"),
    (10002, "Send [1] times, still failed, cost [3001]ms, Topic: chaos-queue", True, "info"),
    (17, "Send [3] times, still failed", True, "info"),
    # a never-sent code but with a cause is not the client's own pre-send check
    (10005, "No route info of this topic: chaos-queue", True, "info"),
])
def test_client_exceptions_fail_only_when_nothing_left(code: int, message: str, has_cause: bool, outcome: str):
    assert classify_exception(CLIENT_EXCEPTION, code, message, has_cause) == outcome


@pytest.mark.parametrize("name", [
    "org.apache.rocketmq.client.exception.MQBrokerException",       # a broker's refusal of one attempt
    "org.apache.rocketmq.remoting.exception.RemotingTimeoutException",
    "org.apache.rocketmq.remoting.exception.RemotingConnectException",
    "org.apache.rocketmq.remoting.exception.RemotingTooMuchRequestException",
    "java.lang.InterruptedException",
])
def test_other_exceptions_are_unknown(name: str):
    assert classify_exception(name, 17, "No route info of this topic", False) == "info"
