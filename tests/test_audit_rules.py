"""Every audit rule, on the corrected seed set with one thing changed (exact findings)."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from chaoskit.audit.deployment import audit, read_files
from chaoskit.audit.known_keys import from_classes, load

DATA = Path(__file__).parent / "data" / "audit"
VERSION = "5.5.0"


@pytest.fixture(scope="module", autouse=True)
def known_keys() -> None:
    """The 5.5.0 keys, read once from the release's classes (the image build's jars) and cached."""
    load(VERSION)


def corrected() -> dict[str, str]:
    return {p.name: p.read_text() for p in sorted((DATA / "corrected").iterdir())}


def findings(tmp_path: Path, files: dict[str, str], severity: str | None = None) -> set[tuple]:
    """(severity, file name, line, key) of every finding, minus the corrected set's four infos."""
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    infos = {("info", f"broker-n{i}.conf", line, key) for i in (0, 1) for line, key in ((4, "brokerId"), (5, "brokerRole"))}
    got = {(f.severity, Path(f.file).name, f.line, f.key) for f in audit(read_files([tmp_path]), VERSION)}
    return {g for g in got - infos if severity is None or g[0] == severity}


def edit(text: str, key: str, value: str | None) -> str:
    """Set (or with None remove) `key` in a properties text, keeping the other lines in place."""
    pattern = re.compile(rf"^{key}\s*[=:].*$", re.MULTILINE)
    if value is None:
        return pattern.sub("", text)
    return pattern.sub(f"{key}={value}", text) if pattern.search(text) else text + f"\n{key}={value}\n"


def test_seed_set_as_printed() -> None:
    got = {(f.severity, Path(f.file).name, f.line, f.key) for f in audit(read_files([DATA / "seed"]), VERSION)}
    assert got == {
        # the only controller the brokers name is n0's, which does not start ('true  ' reads false)
        ("error", "broker-n0.conf", 9, "controllerAddr"), ("error", "broker-n1.conf", 9, "controllerAddr"),
        ("error", "broker-n0.conf", 10, "namesrvAddr"), ("error", "broker-n1.conf", 10, "namesrvAddr"),
        ("error", "broker-n1.conf", 12, "listenPort"),  # listenPort, listenPort-2, listenPort+1: three findings
        ("error", "broker-n1.conf", 13, "storePathRootDir"), ("error", "broker-n1.conf", 14, "storePathCommitLog"),
        ("error", "namesrv-n0.conf", 3, "enableControllerInNamesrv"),
        ("info", "broker-n0.conf", 4, "brokerId"), ("info", "broker-n0.conf", 5, "brokerRole"),
        ("info", "broker-n1.conf", 4, "brokerId"), ("info", "broker-n1.conf", 5, "brokerRole"),
    }
    ports = [f.message for f in audit(read_files([DATA / "seed"]), VERSION) if f.key == "listenPort"]
    assert [m.split(" is also")[0] for m in ports] == [
        "remoting port 30911", "fast remoting (listenPort-2) port 30909", "HA (listenPort+1) port 30912"]


def test_corrected_set_has_only_infos(tmp_path: Path) -> None:
    assert findings(tmp_path, corrected()) == set()


def test_unknown_key_gets_the_nearest_key_of_the_release(tmp_path: Path) -> None:
    files = corrected()
    files["broker-n0.conf"] = files["broker-n0.conf"].replace("allAckInSyncStateSet=true", "allAckInSyncStateset=true")
    found = [f for f in audit(read_files([_write(tmp_path, files)]), VERSION) if f.key == "allAckInSyncStateset"]
    assert [(f.severity, f.line, f.fix) for f in found] == [("warn", 11, "did you mean 'allAckInSyncStateSet'?")]
    assert "no broker configuration class of RocketMQ 5.5.0 has 'allAckInSyncStateset'" in found[0].message
    # ... and the typo leaves the default (false) in force, so the durability rule fires too
    assert findings(tmp_path, files) == {("warn", "broker-n0.conf", 11, "allAckInSyncStateset"),
                                         ("error", "broker-n0.conf", None, "allAckInSyncStateSet"),
                                         ("error", "broker-n1.conf", 11, "allAckInSyncStateSet")}


def test_a_key_of_another_role_is_named_so(tmp_path: Path) -> None:
    files = corrected()
    files["namesrv-n0.conf"] += "\nbrokerIP1 = 127.0.0.1\n"
    got = [f for f in audit(read_files([_write(tmp_path, files)]), VERSION) if f.key == "brokerIP1"]
    assert [(f.severity, f.line) for f in got] == [("warn", 10)]
    assert got[0].message.endswith("it is a broker key: RocketMQ ignores it silently and the default stays in force")


def _write(tmp_path: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    return tmp_path


def test_value_read_otherwise_than_written(tmp_path: Path) -> None:
    files = corrected()
    files["broker-n0.conf"] = edit(files["broker-n0.conf"], "listenPort", "30911 ")
    # '30911 ' is ignored: the broker listens on the default 10911 (no clash, but not what the file says)
    assert findings(tmp_path, files) == {("error", "broker-n0.conf", 12, "listenPort")}


def test_no_controller_deployed(tmp_path: Path) -> None:
    files = {k: v for k, v in corrected().items() if k.startswith("broker")}
    assert findings(tmp_path, files) == {("error", "broker-n0.conf", 9, "controllerAddr")}


def test_controllers_disagree(tmp_path: Path) -> None:
    files = corrected()
    files["namesrv-n1.conf"] = files["namesrv-n1.conf"].replace("n2-127.0.0.1:9858", "n2-127.0.0.1:9859")
    files["namesrv-n2.conf"] = files["namesrv-n2.conf"].replace("controllerDLegerGroup = group1",
                                                                "controllerDLegerGroup = group2")
    assert findings(tmp_path, files) == {("error", "namesrv-n1.conf", 24, "controllerDLegerPeers"),
                                         ("error", "namesrv-n2.conf", 23, "controllerDLegerGroup")}


def test_self_id_not_a_peer(tmp_path: Path) -> None:
    files = corrected()
    files["namesrv-n2.conf"] = files["namesrv-n2.conf"].replace("controllerDLegerSelfId = n2", "controllerDLegerSelfId = n3")
    # n2 then has no file: not audited (info); n3 is no peer (error)
    assert findings(tmp_path, files) == {("error", "namesrv-n2.conf", 25, "controllerDLegerSelfId"),
                                         ("info", "namesrv-n0.conf", 7, "controllerDLegerPeers")}


def test_two_peers_have_no_quorum_to_spare(tmp_path: Path) -> None:
    files = corrected()
    two = "n0-127.0.0.1:9878;n1-127.0.0.1:9868"
    files = {k: v.replace("n0-127.0.0.1:9878;n1-127.0.0.1:9868;n2-127.0.0.1:9858", two)
             .replace("127.0.0.1:9878;127.0.0.1:9868;127.0.0.1:9858", "127.0.0.1:9878;127.0.0.1:9868")
             for k, v in files.items() if k != "namesrv-n2.conf"}
    files = {k: v.replace(";127.0.0.1:9896", "") for k, v in files.items()}
    assert findings(tmp_path, files) == {("warn", "namesrv-n0.conf", 7, "controllerDLegerPeers")}


def test_controller_addr_on_the_namesrv_port_and_partial_lists(tmp_path: Path) -> None:
    files = corrected()
    files["broker-n0.conf"] = edit(files["broker-n0.conf"], "controllerAddr", "127.0.0.1:9876;127.0.0.1:9878;127.0.0.1:9868")
    files["broker-n1.conf"] = edit(files["broker-n1.conf"], "namesrvAddr", "127.0.0.1:9876;127.0.0.1:9886")
    got = {(f.severity, Path(f.file).name, f.key): f.message for f in audit(read_files([_write(tmp_path, files)]), VERSION)
           if f.severity != "info"}
    assert got == {
        ("error", "broker-n0.conf", "controllerAddr"): "controllerAddr names 127.0.0.1:9876, where no running controller "
        "listens (they run at 127.0.0.1:9878;127.0.0.1:9868;127.0.0.1:9858): the broker cannot reach it there",
        ("warn", "broker-n0.conf", "controllerAddr"): "controllerAddr names 2 of the 3 controllers: when those are down "
        "the broker reaches no controller",
        ("warn", "broker-n1.conf", "namesrvAddr"): "namesrvAddr names 2 of the 3 NameServers: when those are down the "
        "broker reaches no NameServer"}


def test_missing_addresses(tmp_path: Path) -> None:
    files = corrected()
    files["broker-n0.conf"] = edit(edit(files["broker-n0.conf"], "controllerAddr", None), "namesrvAddr", None)
    assert findings(tmp_path, files) == {("error", "broker-n0.conf", None, "controllerAddr"),
                                         ("error", "broker-n0.conf", None, "namesrvAddr")}


@pytest.mark.parametrize("key, value, line", [
    ("allAckInSyncStateSet", "false", 11), ("allAckInSyncStateSet", None, None),
    ("enableControllerMode", "false", 8),
])
def test_broker_durability_keys(tmp_path: Path, key: str, value: str | None, line: int | None) -> None:
    files = corrected()
    files["broker-n0.conf"] = edit(files["broker-n0.conf"], key, value)
    files["broker-n1.conf"] = edit(files["broker-n1.conf"], key, value)
    assert findings(tmp_path, files) >= {("error", "broker-n0.conf", line, key), ("error", "broker-n1.conf", line, key)}
    assert {f[3] for f in findings(tmp_path, files)} == {key}


def test_controller_mode_with_dledger_commitlog(tmp_path: Path) -> None:
    files = corrected()
    files = {k: (v + "enableDLegerCommitLog=true\n" if k.startswith("broker") else v) for k, v in files.items()}
    assert findings(tmp_path, files) == {("error", "broker-n0.conf", 15, "enableDLegerCommitLog"),
                                         ("error", "broker-n1.conf", 15, "enableDLegerCommitLog")}


def test_group_of_one_replica(tmp_path: Path) -> None:
    files = corrected()
    del files["broker-n1.conf"]
    infos = {("info", "broker-n1.conf", 4, "brokerId")}
    assert findings(tmp_path, files) - infos == {("error", "broker-n0.conf", 3, "brokerName")}


def test_replicas_disagree(tmp_path: Path) -> None:
    files = corrected()
    files["broker-n1.conf"] = edit(edit(files["broker-n1.conf"], "brokerClusterName", "Other"), "flushDiskType", "SYNC_FLUSH")
    assert findings(tmp_path, files) == {("error", "broker-n1.conf", 2, "brokerClusterName"),
                                         ("error", "broker-n1.conf", 16, "flushDiskType")}


def test_fast_port_clashes_with_a_namesrv(tmp_path: Path) -> None:
    files = corrected()
    files["broker-n1.conf"] = edit(files["broker-n1.conf"], "listenPort", "9888")   # fast port 9886 = namesrv-n1's
    got = [f for f in audit(read_files([_write(tmp_path, files)]), VERSION) if f.severity == "error"]
    assert [(Path(f.file).name, f.line, f.key) for f in got] == [("namesrv-n1.conf", 19, "listenPort")]
    assert got[0].message.startswith("namesrv port 9886 is also broker-n1.conf's fast remoting (listenPort-2) port")


def test_no_clash_on_different_hosts_and_default_store_clash_on_one(tmp_path: Path) -> None:
    files = corrected()
    for i in (0, 1):
        name = f"broker-n{i}.conf"
        files[name] = edit(edit(edit(files[name], "brokerIP1", f"10.0.0.{i + 1}"), "listenPort", "10911"),
                           "storePathCommitLog", None)
    assert findings(tmp_path, files) == set()
    files["broker-n1.conf"] = edit(files["broker-n1.conf"], "brokerIP1", "10.0.0.1")
    files = {k: (edit(edit(v, "storePathRootDir", None), "storePathCommitLog", None) if k.startswith("broker") else v)
             for k, v in files.items()}
    got = findings(tmp_path, files)
    assert {(f[1], f[3]) for f in got} == {("broker-n1.conf", "listenPort"), ("broker-n1.conf", "storePathRootDir"),
                                           ("broker-n1.conf", "storePathCommitLog")}


def test_known_keys_group_classes_by_role() -> None:
    keys = from_classes("9.9.9", {"org.apache.rocketmq.common.BrokerConfig": {"brokerName": ["String"]},
                                  "org.apache.rocketmq.remoting.netty.NettyServerConfig": {"listenPort": ["int"]}})
    assert keys.keys("broker") == ["brokerName", "listenPort", "rmqAddressServerDomain", "rmqAddressServerSubGroup"]
    assert keys.keys("namesrv") == ["listenPort"] and keys.keys("proxy") == []
    assert keys.types("broker", "listenPort") == frozenset({"int"})


def test_standalone_controllers_on_one_host_bind_only_their_peer_ports(tmp_path: Path) -> None:
    peers = "n0-127.0.0.1:9878;n1-127.0.0.1:9868;n2-127.0.0.1:9858"
    files = {k: edit(v, "namesrvAddr", "127.0.0.1:9876") for k, v in corrected().items() if k.startswith("broker")}
    for i in range(3):   # as RocketMQ's distribution/conf/controller/cluster-3n-independent/controller-n*.conf
        files[f"controller-n{i}.conf"] = f"controllerDLegerGroup = group1\ncontrollerDLegerPeers = {peers}\n" \
                                         f"controllerDLegerSelfId = n{i}\n"
    assert findings(tmp_path, files) == set()   # no clash on ControllerStartup's listenPort 19876
    files["controller-n2.conf"] = files["controller-n2.conf"].replace("n2-127.0.0.1:9858", "n2-127.0.0.1:9868")
    got = [f for f in audit(read_files([_write(tmp_path, files)]), VERSION) if Path(f.file).name == "controller-n2.conf"]
    assert sorted(f.message.split(":")[0] for f in got) == [
        "DLedger controller port 9868 is also controller-n1.conf's DLedger controller port, on the same host (127.0.0.1)",
        "controllerDLegerPeers differs from controller-n0.conf's"]



def test_an_address_without_a_port_is_an_error_not_a_crash(tmp_path: Path) -> None:
    files = corrected()
    files["broker-n0.conf"] = edit(files["broker-n0.conf"], "namesrvAddr", "127.0.0.1:9876;127.0.0.1;127.0.0.1:x")
    files["namesrv-n0.conf"] = edit(files["namesrv-n0.conf"], "controllerDLegerPeers",
                                    "n0-127.0.0.1;n1-127.0.0.1:9868;n2-127.0.0.1:9858")
    got = findings(tmp_path, files)   # no ValueError from a port that is not there
    found = audit(read_files([tmp_path]), VERSION)
    assert [(Path(f.file).name, f.line, f.message.split(": RocketMQ")[0]) for f in found if "no port" in f.message] == [
        ("broker-n0.conf", 10, "namesrvAddr: no port in 127.0.0.1, 127.0.0.1:x"),
        ("namesrv-n0.conf", 7, "controllerDLegerPeers: no port in n0-127.0.0.1")]
    # the other rules read on: n0's peers differ from n1's and n2's
    assert {("error", "namesrv-n1.conf", 24, "controllerDLegerPeers"),
            ("error", "namesrv-n2.conf", 24, "controllerDLegerPeers")} <= got
