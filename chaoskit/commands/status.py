"""`chaoskit status`: every node, its container state, address and role."""
from __future__ import annotations

import json
from dataclasses import asdict

import click
from rich.console import Console
from rich.table import Table

from chaoskit.cluster.lifecycle import current
from chaoskit.commands import Command


def status_rows(cluster) -> tuple[list[dict], object]:
    nodes = cluster.nodes()
    roles = cluster.roles()
    replicas = {r.node: r for r in roles.replicas}
    rows = []
    for n in nodes:
        rep = replicas.get(n.name)
        rows.append({
            "node": n.name, "kind": n.kind, "state": n.state, "address": n.ip,
            "role": roles.role_of(n),
            "broker_id": rep.broker_id if rep else None,
            "in_sync": rep.in_sync if rep else None,
        })
    return rows, roles


@click.command(cls=Command)
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
def command(as_json: bool) -> None:
    """Show every node: container state, address, role, broker id, epoch, SyncStateSet.

    Example: chaoskit status --json
    """
    try:
        cluster = current()
    except LookupError as exc:
        raise click.ClickException(str(exc)) from None
    rows, roles = status_rows(cluster)
    summary = {
        "rocketmq_version": cluster.version,
        "controller_leader": roles.controller_leader,
        "master": roles.master,
        "master_epoch": roles.master_epoch,
        "sync_state_set": list(roles.sync_state_set),
        "sync_state_set_epoch": roles.sync_state_set_epoch,
        "replicas": [asdict(r) for r in roles.replicas],
        "errors": list(roles.errors),
    }
    if as_json:
        click.echo(json.dumps({"nodes": rows, **summary}, indent=2))
        return
    table = Table(title=f"chaoskit cluster · RocketMQ {cluster.version}")
    for col in ("node", "state", "address", "role", "broker id", "in SyncStateSet"):
        table.add_column(col)
    for r in rows:
        style = {"running": "green", "paused": "yellow"}.get(r["state"], "red")
        table.add_row(r["node"], f"[{style}]{r['state']}[/]", r["address"], r["role"],
                      "" if r["broker_id"] is None else str(r["broker_id"]),
                      "" if r["in_sync"] is None else ("yes" if r["in_sync"] else "[red]no[/]"))
    console = Console()
    console.print(table)
    console.print(f"master epoch {roles.master_epoch}, SyncStateSet {list(roles.sync_state_set)} "
                  f"(epoch {roles.sync_state_set_epoch})")
    for err in roles.errors:
        console.print(f"[yellow]lookup: {err}[/]", markup=True, highlight=False)
