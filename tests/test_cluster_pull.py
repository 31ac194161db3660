"""Reading a queue by pulls: decoding a reply recorded from a RocketMQ 5.5.0 broker and bodies built to the
stored format, and the read loop against a fake broker."""
from __future__ import annotations

import struct
import zlib
from pathlib import Path

import pytest

from chaoskit.cluster import remoting
from chaoskit.cluster.pull import PullError, decode, read_queue

RECORDED = Path(__file__).parent / "data" / "pull_reply_5.5.0.bin"  # 2 messages of chaos-queue, queue 0


def test_a_recorded_reply_decodes_to_its_two_messages():
    first, second = decode(RECORDED.read_bytes())
    assert (first.queue_id, first.queue_offset, first.store_ts) == (0, 1897, 1796255413.888)
    assert first.body.startswith(b"p1-000000 20261202T235008-71b874 ")
    assert first.properties["UNIQ_KEY"] == "0102FC00000001639C0B2248B500000001"
    assert first.properties["TAGS"] == "20261202T235008-71b874"
    assert (second.queue_offset, second.properties["KEYS"]) == (1898, "p1-000004")
    assert (first.commitlog_offset, second.commitlog_offset) == (34173727, 34183410)


def stored(body: bytes, sys_flag: int = 0, magic: int = -626843481, topic: bytes = b"chaos-queue", offset: int = 42,
           props: bytes = b"UNIQ_KEY\x01ID1\x02KEYS\x01p0-000001\x02") -> bytes:
    """One message in the broker's stored format (IPv4 hosts)."""
    topic_len = struct.pack(">h" if magic == -626843477 else ">b", len(topic))
    rest = (struct.pack(">iiiqqiq", 0, 3, 0, offset, 0, sys_flag, 1_700_000_000_000) + b"\0" * 8
            + struct.pack(">q", 1_700_000_000_123) + b"\0" * 8 + struct.pack(">iqi", 0, 0, len(body)) + body
            + topic_len + topic + struct.pack(">h", len(props)) + props)
    return struct.pack(">ii", 8 + len(rest), magic) + rest


def test_built_messages_decode_v1_v2_and_zlib():
    data = (stored(b"plain") + stored(b"v2 topic length", magic=-626843477)
            + stored(zlib.compress(b"squeezed"), sys_flag=1))
    got = list(decode(data))
    assert [m.body for m in got] == [b"plain", b"v2 topic length", b"squeezed"]
    assert {(m.queue_id, m.queue_offset, m.store_ts) for m in got} == {(3, 42, 1_700_000_000.123)}
    assert got[0].properties == {"UNIQ_KEY": "ID1", "KEYS": "p0-000001"}


@pytest.mark.parametrize("data", [stored(b"x")[:-3], b"\0\0\0\x10garbage-garbage", stored(b"x", sys_flag=1 | 0x100),
                                  stored(b"not zlib", sys_flag=1), struct.pack(">ii", 20, -626843481) + b"\0" * 12,
                                  stored(b"x") + b"\0\0\0\x01"],
                         ids=["truncated", "not a message", "lz4", "bad zlib", "fields cut short", "stray bytes"])
def test_what_cannot_be_decoded_is_an_error(data):
    with pytest.raises(PullError):
        list(decode(data))


class FakeBroker:
    """Answers GET_MIN/MAX_OFFSET and PULL_MESSAGE for one queue holding offsets [low, high), minus `gaps`."""

    def __init__(self, low: int, high: int, gaps: tuple[int, ...] = (), not_found_at: int | None = None) -> None:
        self.low, self.high, self.gaps, self.not_found_at = low, high, gaps, not_found_at
        self.pulls: list[int] = []

    def call(self, addr, code, body=None, timeout=3.0, fields=None):
        return {"offset": str(self.low if code == remoting.GET_MIN_OFFSET else self.high)}, None

    def request(self, addr, code, body=None, timeout=3.0, fields=None):
        offset = int(fields["queueOffset"])
        self.pulls.append(offset)
        if offset == self.not_found_at:
            return remoting.Reply(19, "", {"nextBeginOffset": str(offset + 1)}, b"")
        batch = [o for o in range(offset, min(offset + 3, self.high)) if o not in self.gaps]
        return remoting.Reply(0, "", {}, b"".join(stored(f"m{o}".encode(), offset=o) for o in batch))


@pytest.fixture
def broker(monkeypatch, request):
    fake = FakeBroker(*request.param)
    monkeypatch.setattr(remoting, "call", fake.call)
    monkeypatch.setattr(remoting, "request", fake.request)
    return fake


@pytest.mark.parametrize("broker", [(2, 9)], indirect=True)
def test_a_queue_is_read_from_its_minimum_to_its_maximum_in_batches(broker):
    got = list(read_queue("b:10911", "t", 0))
    assert [m.body for m in got] == [f"m{o}".encode() for o in range(2, 9)]
    assert broker.pulls == [2, 5, 8]


@pytest.mark.parametrize("broker", [(0, 9, (4,)), (0, 9, (), 3)], indirect=True, ids=["a skipped offset", "not found"])
def test_a_gap_before_the_maximum_stops_the_read(broker):
    with pytest.raises(PullError, match="offset 3"):
        list(read_queue("b:10911", "t", 0))
