"""A minimal client of RocketMQ's remoting protocol: one request, one response.

Used for the controllers' read-only queries (leader, SyncStateSet), which
the admin tool answers in about 6 s per call (a JVM start) and this in
milliseconds. Frame: 4-byte length, 4-byte header length (high byte: the
serialization, 0 = JSON), the JSON header, the body.
"""
from __future__ import annotations

import itertools
import json
import socket
import struct
from typing import Any

GET_METADATA_INFO = 1005      # RequestCode.CONTROLLER_GET_METADATA_INFO
GET_SYNC_STATE_DATA = 1006    # RequestCode.CONTROLLER_GET_SYNC_STATE_DATA
_opaque = itertools.count(1)


class RemotingError(RuntimeError):
    """No answer, or an answer with a non-zero code."""


def call(addr: str, code: int, body: Any = None, timeout: float = 3.0) -> tuple[dict, Any]:
    """Send request `code` (body as JSON) to `addr`; returns (extFields, JSON body or None)."""
    host, port = addr.rsplit(":", 1)
    header = json.dumps({"code": code, "language": "JAVA", "version": 0, "opaque": next(_opaque),
                         "flag": 0, "extFields": {}}).encode()
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
    header_len = struct.unpack(">I", data[:4])[0] & 0xFFFFFF
    reply = json.loads(data[4:4 + header_len])
    if reply.get("code") != 0:
        raise RemotingError(f"{addr}: code {reply.get('code')} {reply.get('remark') or ''}".strip())
    rest = data[4 + header_len:]
    return reply.get("extFields") or {}, json.loads(rest) if rest else None


def _read(sock: socket.socket, n: int) -> bytes:
    buf = bytearray()
    while len(buf) < n:
        chunk = sock.recv(n - len(buf))
        if not chunk:
            raise EOFError("connection closed")
        buf += chunk
    return bytes(buf)
