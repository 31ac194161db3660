"""The final read: everything the cluster still stores for this run, from offset 0 of every queue.

It goes through RocketMQ's admin tool (`printMsg`), run inside a cluster
node: a remoting pull consumer that starts at each queue's minimum offset,
independent of the proxy, the pop path and the live consumer group, and it
works on every 5.x version. The tool is asked for this run's tag only (the
run id), so older runs in the same topic are skipped by the broker.

Its output is streamed and parsed line by line (it can be large):

    minOffset=0, maxOffset=625, MessageQueue [topic=t, brokerName=broker-a, queueId=7]
    MSGID: <id> MessageExt [brokerName=broker-a, queueId=7, storeSize=.., queueOffset=0, ...,
        storeTimestamp=1795997135859, ..., toString()=Message{...}] BODY: <body>   (one line)
    MessageQueue [...] print msg finished. status=NO_NEW_MSG, offset=625   (sometimes)
    --------------------------------------------------------

The read is complete only if the tool exited 0, printed no exception (it
prints a pull's stack trace and silently skips the rest of that queue),
closed every queue it opened, and no queue ended with OFFSET_ILLEGAL.
"""
from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

import docker
import docker.errors

from chaoskit.cluster.nodes import Node, namesrv_addrs
from workloads import payload

PRINT_TIMEOUT_S = 900  # bound on one printMsg run (millions of older messages are skipped by tag)
MQADMIN = "/opt/chaoskit/mqadmin"
_MAX_ERR_LINES = 200

_QUEUE_RE = re.compile(r"^minOffset=(-?\d+), maxOffset=(-?\d+), MessageQueue \[.*queueId=(\d+)\]")
_FINISHED_RE = re.compile(r"print msg finished\. status=(\w+)")
_FIELD_RES = {k: re.compile(rf"\b{k}=([^,\]]+)") for k in ("brokerName", "queueId", "queueOffset", "storeTimestamp")}


@dataclass
class PrintMsgParse:
    """What one printMsg output held, beyond its message rows."""

    run_id: str
    queues_opened: int = 0
    queues_closed: int = 0
    bad_status: list[str] = field(default_factory=list)
    foreign: int = 0
    unparsed: int = 0

    def problems(self) -> list[str]:
        """Why the output does not prove every queue was read to its end (empty: it does)."""
        out = []
        if self.queues_opened == 0:
            out.append("no queue was read")
        if self.queues_closed != self.queues_opened:
            out.append(f"{self.queues_opened - self.queues_closed} queue(s) not read to the end")
        out += [f"a queue ended with {s}" for s in self.bad_status]
        if self.unparsed:
            out.append(f"{self.unparsed} message line(s) could not be parsed")
        return out


def parse_print_msg(lines: Iterable[str], state: PrintMsgParse) -> Iterator[dict]:
    """final_reads rows of this run from printMsg output lines; counts the rest in `state`."""
    for line in lines:
        if line.startswith("MSGID: "):
            kind, row = _message_row(line, state.run_id)
            if kind == "ours":
                yield row
            else:
                setattr(state, kind, getattr(state, kind) + 1)
        elif line.startswith("minOffset="):
            if _QUEUE_RE.match(line):
                state.queues_opened += 1
        elif line.startswith("-----"):
            state.queues_closed += 1
        else:
            m = _FINISHED_RE.search(line)
            if m and m.group(1) != "NO_NEW_MSG":
                state.bad_status.append(m.group(1))


def _message_row(line: str, run_id: str) -> tuple[str, dict]:
    """("ours", row), ("foreign", {}) or ("unparsed", {}) for one MSGID line."""
    head, sep, body = line.rstrip("\r\n").rpartition(" BODY: ")
    meta = head.split("toString()=", 1)[0]
    fields = {k: r.search(meta) for k, r in _FIELD_RES.items()}
    if not sep or not all(fields.values()):
        return "unparsed", {}
    found = payload.decode(body)
    if found is None or found.run_id != run_id:
        return "foreign", {}
    f = {k: m.group(1) for k, m in fields.items()}
    return "ours", {"value": found.value, "ts": int(f["storeTimestamp"]) / 1000.0, "message_id": head.split()[1],
            "queue": f"{f['brokerName']}/{f['queueId']}", "queue_offset": int(f["queueOffset"])}


@dataclass(frozen=True)
class FinalRead:
    complete: bool
    rows: int
    seconds: float
    problems: tuple[str, ...]


def read_store(client: docker.DockerClient, nodes: list[Node], topic: str, run_id: str,
               emit: Callable[[dict], None]) -> FinalRead:
    """Run printMsg for `topic` (this run's tag) in a node; `emit` each final_reads row."""
    start = time.time()
    node = _tool_node(nodes)
    if node is None:
        return FinalRead(False, 0, 0.0, ("no running node to run the admin tool in",))
    cmd = ["timeout", str(PRINT_TIMEOUT_S), MQADMIN, "printMsg", "-n", namesrv_addrs(nodes), "-t", topic,
           "-s", run_id, "-d", "true", "-c", "UTF-8"]
    state = PrintMsgParse(run_id)
    errors: list[str] = []
    rows = 0
    try:
        exec_id = client.api.exec_create(node.container_id, cmd)["Id"]
        chunks = client.api.exec_start(exec_id, stream=True, demux=True)
        for row in parse_print_msg(_lines(chunks, errors), state):
            emit(row)
            rows += 1
        exit_code = client.api.exec_inspect(exec_id)["ExitCode"]
    except docker.errors.DockerException as exc:
        return FinalRead(False, rows, time.time() - start, (f"printMsg in {node.name} failed: {exc}",))
    problems = state.problems()
    if exit_code != 0:
        problems.append(f"printMsg exited {exit_code}" + (" (timed out)" if exit_code == 124 else ""))
    trace = next((e for e in errors if "Exception" in e), None)
    if trace:
        problems.append(f"printMsg reported: {trace.strip()[:200]}")
    return FinalRead(not problems, rows, time.time() - start, tuple(problems))


def _tool_node(nodes: list[Node]) -> Node | None:
    """A running node for the tool: a NameServer first (never the broker under test)."""
    running = [n for n in nodes if n.state == "running"]
    return min(running, key=lambda n: (n.kind != "namesrv", n.kind == "broker", n.name), default=None)


def _lines(chunks: Iterable[tuple[bytes | None, bytes | None]], errors: list[str]) -> Iterator[str]:
    """Split a demuxed exec stream into stdout lines; stderr lines go to `errors`."""
    out_buf, err_buf = b"", b""
    for out, err in chunks:
        if err:
            err_buf += err
            *done, err_buf = err_buf.split(b"\n")
            errors.extend(d.decode(errors="replace") for d in done[:max(0, _MAX_ERR_LINES - len(errors))])
        if out:
            out_buf += out
            *done, out_buf = out_buf.split(b"\n")
            for d in done:
                yield d.decode(errors="replace")
    if err_buf:
        errors.append(err_buf.decode(errors="replace"))
    if out_buf:
        yield out_buf.decode(errors="replace")
