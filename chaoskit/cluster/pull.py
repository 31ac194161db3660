"""Reading a queue of a broker from its minimum offset, over the remoting protocol.

What a pull consumer does, without one: GET_MIN_OFFSET and GET_MAX_OFFSET
bound the queue, PULL_MESSAGE reads it in batches (no suspension, no
committed offset, an explicit subscription, so no consumer group needs to
be set up; the broker may record the group name, but no live group's
offsets move). The reply body is the broker's stored message format,
decoded by `decode`. Independent of the proxy, the pop path and the live
consumer groups.
"""
from __future__ import annotations

import struct
import time
import zlib
from collections.abc import Iterator
from dataclasses import dataclass

from chaoskit.cluster import remoting

BATCH = 32
GROUP = "chaoskit-store-read"  # named in the pulls; no offset is committed for it
_SUBSCRIPTION = 4              # PullSysFlag.FLAG_SUBSCRIPTION: the request carries its own
_MAGIC_V1, _MAGIC_V2 = -626843481, -626843477  # MessageDecoder.MESSAGE_MAGIC_CODE(_V2)
_COMPRESSED, _BORN_V6, _STORE_V6 = 0x1, 0x10, 0x20  # MessageSysFlag
_COMPRESSION_TYPE = 0x700      # MessageSysFlag.COMPRESSION_TYPE_COMPARATOR; 0 or ZLIB (0x300) is zlib


class PullError(RuntimeError):
    """The queue could not be read to its end."""


@dataclass(frozen=True)
class Stored:
    """One stored message, as the broker keeps it."""

    queue_id: int
    queue_offset: int
    commitlog_offset: int      # the message's position in the broker's commit log
    store_ts: float            # epoch seconds
    body: bytes
    properties: dict[str, str]


def decode(data: bytes) -> Iterator[Stored]:
    """The messages of a pull reply body, in order; PullError for a body in no known format."""
    pos = 0
    while pos < len(data):
        if len(data) - pos < 8:
            raise PullError(f"{len(data) - pos} stray byte(s) after the last stored message")
        total, magic = struct.unpack_from(">ii", data, pos)
        if magic not in (_MAGIC_V1, _MAGIC_V2) or total < 8 or pos + total > len(data):
            raise PullError(f"not a stored message at byte {pos} (magic {magic}, size {total})")
        try:
            yield _message(data[pos:pos + total], topic_len_size=2 if magic == _MAGIC_V2 else 1)
        except (struct.error, ValueError) as exc:
            raise PullError(f"a stored message at byte {pos} is cut short: {exc}") from None
        pos += total


def _message(m: bytes, topic_len_size: int) -> Stored:
    # TOTALSIZE MAGIC BODYCRC QUEUEID FLAG QUEUEOFFSET PHYSICALOFFSET SYSFLAG BORNTIMESTAMP
    queue_id, = struct.unpack_from(">i", m, 12)
    queue_offset, commitlog_offset = struct.unpack_from(">qq", m, 20)
    sys_flag, = struct.unpack_from(">i", m, 36)
    pos = 48 + (20 if sys_flag & _BORN_V6 else 8)       # BORNHOST
    store_ms, = struct.unpack_from(">q", m, pos)
    pos += 8 + (20 if sys_flag & _STORE_V6 else 8)       # STORETIMESTAMP STOREHOST
    pos += 4 + 8                                         # RECONSUMETIMES PREPAREDTRANSACTIONOFFSET
    body_len, = struct.unpack_from(">i", m, pos)
    body = m[pos + 4:pos + 4 + body_len]
    if sys_flag & _COMPRESSED:
        if sys_flag & _COMPRESSION_TYPE not in (0, 0x300):
            raise PullError(f"message at offset {queue_offset}: compression other than zlib")
        try:
            body = zlib.decompress(body)
        except zlib.error as exc:
            raise PullError(f"message at offset {queue_offset}: {exc}") from None
    pos += 4 + body_len
    topic_len = int.from_bytes(m[pos:pos + topic_len_size], "big")
    pos += topic_len_size + topic_len
    props_len, = struct.unpack_from(">h", m, pos)
    text = m[pos + 2:pos + 2 + props_len].decode(errors="replace")
    props = dict(p.split("\x01", 1) for p in text.split("\x02") if "\x01" in p)
    return Stored(queue_id, queue_offset, commitlog_offset, store_ms / 1000.0, body, props)


def read_queue(broker_addr: str, topic: str, queue_id: int, start: int | None = None) -> Iterator[Stored]:
    """Every message of the queue from its minimum (or `start`, to resume a read) to its current
    maximum offset, each offset exactly once; PullError if that cannot be done (a pull that finds
    nothing, or skips an offset, before the maximum is a gap in what the read can vouch for)."""
    where = {"topic": topic, "queueId": queue_id}
    try:
        offset = int(remoting.call(broker_addr, remoting.GET_MIN_OFFSET, fields=where)[0]["offset"]) \
            if start is None else start
        end = int(remoting.call(broker_addr, remoting.GET_MAX_OFFSET, fields=where)[0]["offset"])
        while offset < end:
            reply = remoting.request(broker_addr, remoting.PULL_MESSAGE, fields={
                **where, "consumerGroup": GROUP, "queueOffset": offset, "maxMsgNums": BATCH,
                "sysFlag": _SUBSCRIPTION, "commitOffset": 0, "suspendTimeoutMillis": 0, "subscription": "*",
                "subVersion": int(time.time() * 1000), "expressionType": "TAG"}, timeout=10)
            if reply.code != 0:
                raise PullError(f"{topic}/{queue_id}: nothing at offset {offset} of {end} "
                                f"(code {reply.code} {reply.remark})".rstrip())
            got = list(decode(reply.body))
            if [m.queue_offset for m in got] != list(range(offset, offset + len(got))) or not got:
                raise PullError(f"{topic}/{queue_id}: asked for offset {offset}, got "
                                f"{[m.queue_offset for m in got][:5]}")
            yield from got
            offset += len(got)
    except (remoting.RemotingError, KeyError, ValueError) as exc:
        raise PullError(f"{topic}/{queue_id}: {exc}") from None
