"""`run --config`: the user's files as the Docker cluster's per-node files, with every rewrite listed."""
from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from chaoskit.audit.known_keys import load as load_keys
from chaoskit.cluster import compose
from chaoskit.cluster.spec import ClusterSpec
from chaoskit.cluster.user_config import compose_nodes, load
from chaoskit.errors import UsageError
from chaoskit.paths import DOCKER_DIR, SCENARIO_DIR
from chaoskit.scenario import Overrides
from chaoskit.scenario import load as load_scenario

DATA = Path(__file__).parent / "data" / "audit"
PEERS = "n0-10.213.7.11:9878;n1-10.213.7.12:9878;n2-10.213.7.13:9878"
CONTROLLERS = "10.213.7.11:9878;10.213.7.12:9878;10.213.7.13:9878"
NAMESRVS = "10.213.7.11:9876;10.213.7.12:9876;10.213.7.13:9876"


@pytest.fixture(scope="module", autouse=True)
def known_keys() -> None:
    load_keys("5.5.0")


def namesrv(self_id: str, enable: str = "true") -> dict[str, str]:
    return {"listenPort": "9876", "enableControllerInNamesrv": enable, "controllerDLegerGroup": "group1",
            "controllerDLegerPeers": PEERS, "controllerDLegerSelfId": self_id}


def broker(controllers: str = CONTROLLERS, namesrvs: str = NAMESRVS) -> dict[str, str]:
    return {"brokerClusterName": "chaoskit", "brokerName": "broker-a", "brokerId": "-1", "brokerRole": "SLAVE",
            "deleteWhen": "04", "fileReservedTime": "48", "enableControllerMode": "true", "controllerAddr": controllers,
            "namesrvAddr": namesrvs, "allAckInSyncStateSet": "true", "listenPort": "10911",
            "storePathRootDir": "/data/store", "storePathCommitLog": "/data/store/commitlog"}


def test_corrected_seed_set_runs_as_written_but_for_addresses_ports_paths_and_names() -> None:
    uc = load(DATA / "corrected", "5.5.0")
    assert uc.replicas == 2
    assert uc.nodes == {"namesrv-0": namesrv("n0"), "namesrv-1": namesrv("n1"), "namesrv-2": namesrv("n2"),
                        "broker-a-0": broker(), "broker-a-1": broker()}
    changed = {(Path(r.file).name, r.key): (r.old, r.new) for r in uc.rewrites if r.old is not None}
    assert changed == {
        **{(f"namesrv-n{i}.conf", "controllerDLegerPeers"): ("n0-127.0.0.1:9878;n1-127.0.0.1:9868;n2-127.0.0.1:9858", PEERS)
           for i in range(3)},
        ("namesrv-n1.conf", "listenPort"): ("9886", "9876"), ("namesrv-n2.conf", "listenPort"): ("9896", "9876"),
        **{k: v for i, port in ((0, "30911"), (1, "30921")) for k, v in {
            (f"broker-n{i}.conf", "brokerClusterName"): ("DefaultCluster", "chaoskit"),
            (f"broker-n{i}.conf", "controllerAddr"): ("127.0.0.1:9878;127.0.0.1:9868;127.0.0.1:9858", CONTROLLERS),
            (f"broker-n{i}.conf", "namesrvAddr"): ("127.0.0.1:9876;127.0.0.1:9886;127.0.0.1:9896", NAMESRVS),
            (f"broker-n{i}.conf", "listenPort"): (port, "10911"),
            (f"broker-n{i}.conf", "storePathRootDir"): (f"/tmp/rmqstore/node0{i}", "/data/store"),
            (f"broker-n{i}.conf", "storePathCommitLog"): (f"/tmp/rmqstore/node0{i}/commitlog", "/data/store/commitlog"),
        }.items()},
    }
    # what the Docker cluster adds where the files say nothing, listed too
    added = {(Path(r.file).name, r.key, r.new) for r in uc.rewrites if r.old is None}
    assert ("broker-n0.conf", "brokerIP1", "10.213.7.21") in added
    assert ("broker-n1.conf", "mappedFileSizeCommitLog", "67108864") in added
    assert ("namesrv-n0.conf", "controllerStorePath", "/data/controller") in added
    assert {r.to_dict()["from"] for r in uc.rewrites if r.old is None} == {None}


def test_seed_set_as_printed_keeps_its_mistakes() -> None:
    uc = load(DATA / "seed", "5.5.0")
    assert uc.nodes["namesrv-0"]["enableControllerInNamesrv"] == "true  "   # RocketMQ reads false: no controller n0
    assert uc.nodes["broker-a-0"]["controllerAddr"] == uc.nodes["broker-a-1"]["controllerAddr"] == "10.213.7.11:9878"
    assert uc.nodes["broker-a-0"]["namesrvAddr"] == "10.213.7.11:9876"


def test_missing_all_ack_gets_rocketmqs_default_not_dockers(tmp_path: Path) -> None:
    for i in (0, 1):
        text = (DATA / "corrected" / f"broker-n{i}.conf").read_text().replace("allAckInSyncStateSet=true\n", "")
        (tmp_path / f"broker-n{i}.conf").write_text(text)
    uc = load(tmp_path, "5.5.0")
    assert uc.nodes["broker-a-0"]["allAckInSyncStateSet"] == "false"
    # no NameServer file: the Docker cluster's three, named in full
    assert uc.nodes["broker-a-0"]["namesrvAddr"] == NAMESRVS and uc.nodes["broker-a-0"]["controllerAddr"] == CONTROLLERS


def _copy(tmp_path: Path, skip: tuple[str, ...] = (), extra: dict[str, str] | None = None,
          edit: dict[str, tuple[str, str]] | None = None) -> Path:
    for p in (DATA / "corrected").iterdir():
        if p.name not in skip:
            text = p.read_text()
            old, new = (edit or {}).get(p.name, ("", ""))
            (tmp_path / p.name).write_text(text.replace(old, new) if old else text)
    for name, text in (extra or {}).items():
        (tmp_path / name).write_text(text)
    return tmp_path


@pytest.mark.parametrize("kwargs, message", [
    ({"skip": ("broker-n1.conf",)}, "1 broker file(s) of broker-a: the Docker cluster runs 2 or 3 replicas"),
    ({"skip": ("namesrv-n2.conf",)}, "2 NameServer file(s) with 3 controller peer(s): the Docker cluster runs 3"),
    ({"extra": {"c.conf": "controllerDLegerGroup = g\ncontrollerDLegerPeers = n0-1.2.3.4:9878\n"}},
     "standalone controller file(s) c.conf"),
    ({"edit": {"broker-n1.conf": ("brokerName = broker-a", "brokerName = broker-b")}},
     "2 broker groups (broker-a, broker-b): the Docker cluster runs one group"),
    ({"edit": {"broker-n1.conf": ("enableControllerMode = true", "enableControllerMode = false")}},
     "broker-n1.conf without enableControllerMode=true"),
    ({"edit": {"broker-n1.conf": ("127.0.0.1:9896", "10.9.9.9:9876")}},
     "broker-n1.conf: namesrvAddr names 10.9.9.9:9876, which is no node of these files"),
    ({"extra": {"rmq-proxy.json": '{"proxyMode": "local"}'}}, "proxyMode local"),
])
def test_what_the_docker_cluster_cannot_run(tmp_path: Path, kwargs: dict, message: str) -> None:
    with pytest.raises(UsageError, match=message.replace("(", r"\(").replace(")", r"\)")):
        load(_copy(tmp_path, **kwargs), "5.5.0")


def test_no_controller_at_all_cannot_run(tmp_path: Path) -> None:
    edit = {f"namesrv-n{i}.conf": ("enableControllerInNamesrv = true", "enableControllerInNamesrv = false") for i in range(3)}
    with pytest.raises(UsageError, match="no controller runs"):
        load(_copy(tmp_path, edit=edit), "5.5.0")


def test_a_proxy_file_keeps_its_keys(tmp_path: Path) -> None:
    proxy = '{"rocketMQClusterName": "DefaultCluster", "namesrvAddr": "127.0.0.1:9886", "grpcServerPort": 18081,\n' \
            ' "enableAclRpcHookForClusterMode": true}'
    uc = load(_copy(tmp_path, extra={"rmq-proxy.json": proxy}), "5.5.0")
    assert uc.nodes["proxy"] == {"rocketMQClusterName": "chaoskit", "namesrvAddr": "10.213.7.12:9876",
                                 "grpcServerPort": "8081", "enableAclRpcHookForClusterMode": "true"}


def test_compose_nodes_resolve_the_subnet() -> None:
    nodes = compose_nodes({"CHAOSKIT_SUBNET": "10.9.8"})
    assert nodes["broker-a-2"].ip == "10.9.8.23"
    assert nodes["namesrv-1"].env["controllerDLegerPeers"] == "n0-10.9.8.11:9878;n1-10.9.8.12:9878;n2-10.9.8.13:9878"
    assert compose_nodes()["broker-a-0"].env["allAckInSyncStateSet"] == "true"


def test_scenario_config_option_and_key(tmp_path: Path) -> None:
    sc = load_scenario("no-loss", Overrides(config=str(DATA / "corrected"), sets=("broker.flushDiskType=SYNC_FLUSH",)))
    assert sc.cluster.replicas == 2 and sc.cluster.node_overrides["broker-a-1"] == broker()
    assert sc.cluster.overrides == {"broker": {"flushDiskType": "SYNC_FLUSH"}}   # the scenario's tables give way
    assert len(sc.user_config.rewrites) == len(load(DATA / "corrected", "5.5.0").rewrites)
    toml = (SCENARIO_DIR / "no-loss.toml").read_text().replace("replicas = 2", 'replicas = 2\nconfig = "mine"')
    (tmp_path / "mine.toml").write_text(toml)
    (tmp_path / "mine").mkdir()
    _copy(tmp_path / "mine")
    assert load_scenario(str(tmp_path / "mine.toml")).cluster.node_overrides["namesrv-2"] == namesrv("n2")
    with pytest.raises(UsageError, match="--replicas 3, but the --config files have 2 brokers"):
        load_scenario("no-loss", Overrides(config=str(DATA / "corrected"), replicas=3))
    with pytest.raises(UsageError, match="--config: no such file or folder: nowhere"):
        load_scenario("no-loss", Overrides(config="nowhere"))


def test_launcher_renders_env_then_node_file_then_role_overrides(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("CHAOSKIT_STATE", str(tmp_path))
    spec = ClusterSpec(overrides={"broker": {"flushDiskType": "SYNC_FLUSH"}},
                       node_overrides={"broker-a-0": {"flushDiskType": "ASYNC_FLUSH", "listenPort": "10911",
                                                      "enableControllerMode": "true  "}})
    compose.write_overrides(spec)
    conf = tmp_path / "conf" / "broker"
    assert (conf / "node-broker-a-0.properties").read_text() == \
        "flushDiskType=ASYNC_FLUSH\nlistenPort=10911\nenableControllerMode=true  \n"
    # the launcher's own function, pointed at these files
    launch = (DOCKER_DIR / "launch.sh").read_text()
    func = launch[launch.index("render_properties() {"):launch.index("\n}\n", launch.index("render_properties() {")) + 3]
    script = func.replace("/chaoskit/conf", str(conf)) + f'render_properties "{tmp_path}/out"\n'
    env = {"PATH": os.environ["PATH"], "ROLE": "broker", "NODE": "broker-a-0", "RMQ_flushDiskType": "X",
           "RMQ_brokerName": "broker-a"}
    subprocess.run(["bash", "-c", script], env=env, check=True)
    assert (tmp_path / "out").read_text() == ("brokerName=broker-a\nflushDiskType=X\nflushDiskType=ASYNC_FLUSH\n"
                                              "listenPort=10911\nenableControllerMode=true  \nflushDiskType=SYNC_FLUSH\n")
    compose.write_overrides(ClusterSpec())   # a later run without --config leaves no node file behind
    assert not list(conf.glob("node-*"))
