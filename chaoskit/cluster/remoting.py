"""A minimal client of RocketMQ's remoting protocol: one request, one response.

Used for the controllers' queries (leader, SyncStateSet) and the brokers'
topic and group administration, which the admin tool does in about 6 s per
call (a JVM start) and this in milliseconds. Frame: 4-byte length, 4-byte
header length (high byte: the serialization, 0 = JSON), the JSON header
(request fields are strings in `extFields`), the body.
"""
from __future__ import annotations

import itertools
import json
import socket
import struct
from dataclasses import dataclass
from typing import Any

GET_METADATA_INFO = 1005      # RequestCode.CONTROLLER_GET_METADATA_INFO
GET_SYNC_STATE_DATA = 1006    # RequestCode.CONTROLLER_GET_SYNC_STATE_DATA
UPDATE_AND_CREATE_TOPIC = 17  # RequestCode.UPDATE_AND_CREATE_TOPIC (a broker; fields of CreateTopicRequestHeader)
GET_ALL_TOPIC_CONFIG = 21     # RequestCode.GET_ALL_TOPIC_CONFIG
UPDATE_AND_CREATE_SUBSCRIPTIONGROUP = 200  # body: a SubscriptionGroupConfig
GET_ALL_SUBSCRIPTIONGROUP_CONFIG = 201
PULL_MESSAGE = 11             # fields of PullMessageRequestHeader; the reply body is stored messages
GET_MAX_OFFSET = 30           # fields topic, queueId; reply field offset
GET_MIN_OFFSET = 31
_opaque = itertools.count(1)


class RemotingError(RuntimeError):
    """No answer, or an answer with a non-zero code."""


@dataclass(frozen=True)
class Reply:
    code: int
    remark: str
    fields: dict[str, str]  # the reply header's extFields
    body: bytes


def request(addr: str, code: int, body: Any = None, timeout: float = 3.0,
            fields: dict[str, Any] | None = None) -> Reply:
    """Send request `code` (`fields` as its header fields, `body` as JSON) to `addr`; the reply,
    whatever its code. RemotingError if none comes."""
    host, port = addr.rsplit(":", 1)
    ext = {k: str(v).lower() if isinstance(v, bool) else str(v) for k, v in (fields or {}).items()}
    header = json.dumps({"code": code, "language": "JAVA", "version": 0, "opaque": next(_opaque),
                         "flag": 0, "extFields": ext}).encode()
    payload = b"" if body is None else json.dumps(body).encode()
    frame = struct.pack(">II", 4 + len(header) + len(payload), len(header)) + header + payload
    try:
        with socket.create_connection((host, int(port)), timeout=timeout) as sock:
            sock.settimeout(timeout)
            sock.sendall(frame)
            (length,) = struct.unpack(">I", _read(sock, 4))
            data = _read(sock, length)
    except (OSError, EOFError) as exc:
        raise RemotingError(f"{addr}: {exc or type(exc).__name__}") from None
    try:
        header_len = struct.unpack(">I", data[:4])[0] & 0xFFFFFF
        reply = json.loads(data[4:4 + header_len])
    except (struct.error, ValueError) as exc:  # not a JSON-serialized remoting reply
        raise RemotingError(f"{addr}: unreadable reply header ({exc})") from None
    return Reply(reply.get("code", -1), reply.get("remark") or "", reply.get("extFields") or {},
                 data[4 + header_len:])


def call(addr: str, code: int, body: Any = None, timeout: float = 3.0,
         fields: dict[str, Any] | None = None) -> tuple[dict, Any]:
    """`request`, which must succeed (code 0); returns (the reply's extFields, its JSON body or None)."""
    reply = request(addr, code, body, timeout, fields)
    if reply.code != 0:
        raise RemotingError(f"{addr}: code {reply.code} {reply.remark}".strip())
    try:
        return reply.fields, json.loads(reply.body) if reply.body else None
    except ValueError as exc:  # e.g. fastjson's unquoted integer map keys
        raise RemotingError(f"{addr}: reply body is not JSON ({exc})") from None


def _read(sock: socket.socket, n: int) -> bytes:
    buf = bytearray()
    while len(buf) < n:
        chunk = sock.recv(n - len(buf))
        if not chunk:
            raise EOFError("connection closed")
        buf += chunk
    return bytes(buf)
