"""Node files collected into a run: each node's main log, and a 5.1+ broker's store.log beside it."""
from __future__ import annotations

from types import SimpleNamespace

from chaoskit import runstore


class NoContainers:
    containers = SimpleNamespace(list=lambda **kw: [])


def test_a_brokers_store_log_is_collected_beside_its_main_log(tmp_path, monkeypatch):
    monkeypatch.setenv("CHAOSKIT_STATE", str(tmp_path / "state"))
    data = tmp_path / "state" / "data"
    for node, files in {"broker-a-0": ("broker.log", "store.log"), "broker-a-1": ("broker.log",),
                        "namesrv-0": ("namesrv.log",)}.items():
        logs = data / node / "logs" / "rocketmqlogs"
        logs.mkdir(parents=True)
        for name in files:
            (logs / name).write_text(f"{node} {name}\n")
    run = tmp_path / "run"
    run.mkdir()
    copied = runstore.collect_node_files(NoContainers(), run, data)
    assert copied == ["logs/broker-a-0.log", "logs/broker-a-0.store.log", "logs/broker-a-1.log", "logs/namesrv-0.log"]
    assert (run / "logs" / "broker-a-0.store.log").read_text() == "broker-a-0 store.log\n"
