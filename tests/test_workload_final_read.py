"""Parsing printMsg output (format as printed by RocketMQ 5.5.0's admin tool) into final_reads rows."""
from __future__ import annotations

from workloads import payload
from workloads.final_read import PrintMsgParse, _lines, parse_print_msg

RUN = "20250101T000000-abcdef"


def msg_line(value: str, queue: int, offset: int, run: str = RUN, msg_id: str = "0102FC00000001084800000004") -> str:
    body = payload.encode(value, run, 80).decode()
    return (f"MSGID: {msg_id} MessageExt [brokerName=broker-a, queueId={queue}, storeSize=515, "
            f"queueOffset={offset}, sysFlag=0, bornTimestamp=1795997135000, bornHost=/10.213.7.31:40332, "
            f"storeTimestamp=1795997135859, storeHost=/10.213.7.21:10911, msgId=0AD50715000000741, "
            f"commitLogOffset=1857, bodyCRC=1478359613, reconsumeTimes=0, preparedTransactionOffset=0, "
            f"toString()=Message{{topic='chaos-queue', flag=0, properties={{TAGS={run}, KEYS={value}, "
            f"queueId=99, UNIQ_KEY={msg_id}}}, body=[120, 52], transactionId='null'}}] BODY: {body}")


def header(queue: int, max_offset: int) -> str:
    return (f"minOffset=0, maxOffset={max_offset}, MessageQueue [topic=chaos-queue, brokerName=broker-a, "
            f"queueId={queue}]")


SEP = "-" * 56


def test_rows_carry_value_queue_offset_and_store_time():
    out = [header(7, 3), msg_line("p0-000001", 7, 0), msg_line("p1-000002", 7, 2, msg_id="ID2"), SEP,
           header(6, 0), "MessageQueue [topic=chaos-queue, brokerName=broker-a, queueId=6] print msg finished. "
                         "status=NO_NEW_MSG, offset=0", SEP]
    state = PrintMsgParse(RUN)
    rows = list(parse_print_msg(out, state))
    assert rows == [
        {"value": "p0-000001", "ts": 1795997135.859, "message_id": "0102FC00000001084800000004",
         "queue": "broker-a/7", "queue_offset": 0},
        {"value": "p1-000002", "ts": 1795997135.859, "message_id": "ID2", "queue": "broker-a/7", "queue_offset": 2},
    ]
    assert state.problems() == []


def test_other_runs_are_skipped_and_counted():
    state = PrintMsgParse(RUN)
    rows = list(parse_print_msg([header(0, 2), msg_line("p0-000001", 0, 0, run="older-run"),
                                 msg_line("p0-000001", 0, 1), SEP], state))
    assert [r["queue_offset"] for r in rows] == [1]
    assert (state.foreign, state.problems()) == (1, [])


def test_an_unfinished_queue_or_bad_status_is_incomplete():
    state = PrintMsgParse(RUN)
    list(parse_print_msg([header(0, 5), msg_line("p0-000001", 0, 0), SEP, header(1, 5),
                          msg_line("p0-000002", 1, 0)], state))
    assert state.problems() == ["1 queue(s) not read to the end"]
    state = PrintMsgParse(RUN)
    list(parse_print_msg([header(0, 5), "MessageQueue [...] print msg finished. status=OFFSET_ILLEGAL, offset=9",
                          SEP], state))
    assert state.problems() == ["a queue ended with OFFSET_ILLEGAL"]
    state = PrintMsgParse(RUN)
    list(parse_print_msg([], state))
    assert state.problems() == ["no queue was read"]


def test_unparseable_message_lines_make_it_incomplete():
    state = PrintMsgParse(RUN)
    list(parse_print_msg([header(0, 1), "MSGID: X MessageExt [garbled", SEP], state))
    assert state.problems() == ["1 message line(s) could not be parsed"]


def test_stream_chunks_split_into_lines_and_stderr_is_kept():
    errors: list[str] = []
    chunks = [(b"minOffset=0, max", None), (b"Offset=1, x\nMSGID", b"java.lang.Illegal"), (b": y\n", b"StateException\n")]
    assert list(_lines(chunks, errors)) == ["minOffset=0, maxOffset=1, x", "MSGID: y"]
    assert errors == ["java.lang.IllegalStateException"]
