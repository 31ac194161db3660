"""`chaoskit workload`: run producers and consumers against the running cluster, record a ledger."""
from __future__ import annotations

import socket
import sys
from pathlib import Path

import click

from chaoskit.commands import Command, OneLineError
from chaoskit.errors import UsageError

CONNECT_TIMEOUT_S = 3.0


class _Number(click.ParamType):
    """int or float that fails with chaoskit's one-line usage error (exit 2)."""

    def __init__(self, cast: type) -> None:
        self.cast = cast
        self.name = cast.__name__

    def convert(self, value, param, ctx):
        try:
            return self.cast(value)
        except (TypeError, ValueError):
            raise OneLineError(f"{param.opts[0]} must be a {'whole ' if self.cast is int else ''}number, "
                             f"not '{value}'") from None


INT, FLOAT = _Number(int), _Number(float)


@click.command(cls=Command, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--duration", type=FLOAT, default=30.0, show_default=True, help="Seconds of sending.")
@click.option("--rate", type=FLOAT, default=200.0, show_default=True, help="Total target sends per second (open loop).")
@click.option("--kind", default="queue", show_default=True, help="queue (normal messages) or fifo (message groups).")
@click.option("--producers", type=INT, default=2, show_default=True)
@click.option("--consumers", type=INT, default=2, show_default=True)
@click.option("--size", type=INT, default=256, show_default=True, help="Message body bytes.")
@click.option("--access", default="remoting", show_default=True,
              help="remoting (the Java client straight to the brokers) or proxy (gRPC through the Proxy).")
@click.option("--consumer", "consumer_type", default=None, help="proxy access: simple (default) or push.")
@click.option("--max-in-flight", type=INT, default=1024, show_default=True, help="Sends awaiting an outcome, all producers.")
@click.option("--drain-quiet", type=FLOAT, default=30.0, show_default=True,
              help="Drain: seconds without a delivery (more than the 15 s invisible duration)...")
@click.option("--drain-limit", type=FLOAT, default=120.0, show_default=True,
              help="...after at least this many seconds.")
@click.option("--no-final-read", is_flag=True, help="Skip reading the store back after the drain.")
@click.option("--run-dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Where to write ledger.db [default: store/workload/<time>/, as runs are stored].")
@click.option("--progress", default="auto", show_default=True, help="auto, live, plain or off.")
def command(duration: float, rate: float, kind: str, producers: int, consumers: int, size: int, access: str,
            consumer_type: str | None, max_in_flight: int, drain_quiet: float, drain_limit: float,
            no_final_read: bool, run_dir: Path | None, progress: str) -> None:
    """Produce and consume through the running cluster (over remoting, or through its
    Proxy), recording every send and delivery in a ledger, then drain and read the
    store back.

    Example: chaoskit workload --duration 30 --rate 200 --kind fifo
    """
    from chaoskit.cluster.spec import ACCESS_MODES
    from workloads.spec import WorkloadSpec

    if access not in ACCESS_MODES:
        raise UsageError(f"unknown access mode '{access}': use {' or '.join(ACCESS_MODES)}")
    if access == "remoting" and consumer_type is not None:
        raise UsageError("--consumer chooses a gRPC consumer, which only makes sense with --access proxy")
    spec = WorkloadSpec(kind=kind, duration=duration, rate=rate, producers=producers, consumers=consumers,
                        size=size, consumer=consumer_type or "simple", max_in_flight=max_in_flight, drain_quiet=drain_quiet,
                        drain_limit=drain_limit, final_read=not no_final_read)
    if progress not in ("auto", "live", "plain", "off"):
        raise UsageError(f"unknown progress mode '{progress}': use auto, live, plain or off")
    nodes, way_in, version = _cluster(access)
    if run_dir is None:
        from chaoskit import runstore

        run_dir = runstore.create("workload")
    from chaoskit.ledger import LedgerWriter
    from workloads.runner import WorkloadError, run_alone

    run_dir.mkdir(parents=True, exist_ok=True)
    writer = LedgerWriter(run_dir / "ledger.db")
    try:
        summary = run_alone(spec, way_in, writer, nodes, meta={"rocketmq_version": version, "access": access},
                            progress=progress)
    except WorkloadError as exc:
        raise click.ClickException(str(exc)) from None
    except KeyboardInterrupt:
        click.echo(f"interrupted; ledger (incomplete) in {run_dir / 'ledger.db'}", err=True)
        sys.exit(130)
    finally:
        writer.close()
    fr = summary.final_read
    click.echo(f"run {summary.run_id}: sent {summary.sent} (ok {summary.ok}, fail {summary.fail}, info {summary.info}), "
               f"received {summary.received} values in {summary.deliveries} deliveries, "
               f"{summary.unreceived} acknowledged values unreceived; drain {summary.drain.reason}"
               f"{'' if fr is None else f', final read {fr.rows} rows' + ('' if fr.complete else ' (incomplete)')}")
    if summary.foreign:
        click.echo(f"skipped {summary.foreign} messages of earlier runs (acknowledged, not recorded)")
    click.echo(f"ledger: {run_dir / 'ledger.db'}")


def _cluster(mode: str):
    """(nodes, access of `mode`, RocketMQ version) of the running cluster, or UsageError."""
    from chaoskit.cluster import access, engine, lifecycle

    client = engine.connect()
    cluster = lifecycle.find(client)
    nodes = cluster.nodes() if cluster else []
    running = [n for n in nodes if n.state == "running"]
    version = cluster.version if cluster and cluster.version != "?" else _env_version(client, running)
    try:
        way_in = access.for_mode(mode, running, version)
    except LookupError as exc:
        hint = " (start one with `chaoskit up --access proxy`)" if mode == "proxy" else " (start one with `chaoskit up`)"
        raise UsageError(f"no running chaoskit cluster to reach over {mode}: {exc}{hint}") from None
    first = way_in.endpoint.split(";")[0]
    host, port = first.rsplit(":", 1)
    try:
        socket.create_connection((host, int(port)), timeout=CONNECT_TIMEOUT_S).close()
    except OSError as exc:
        raise UsageError(f"{first} is unreachable ({exc})") from None
    return nodes, way_in, version


def _env_version(client, running: list) -> str:
    """ROCKETMQ_VERSION from a node container's environment (images without the label)."""
    if not running:
        return "unknown"
    env = client.containers.get(running[0].container_id).attrs["Config"].get("Env") or []
    return next((e.split("=", 1)[1] for e in env if e.startswith("ROCKETMQ_VERSION=")), "unknown")
