"""Reading files as RocketMQ does: java.util.Properties grammar, the XML licence header, JSON, roles."""
from __future__ import annotations

from pathlib import Path

import pytest

from chaoskit.audit.deployment import read_files
from chaoskit.audit.model import Entry
from chaoskit.audit.read import BadInput, read_entries
from chaoskit.audit.values import apply

DATA = Path(__file__).parent / "data" / "audit"


def test_properties_grammar_keeps_trailing_spaces_and_lines(tmp_path: Path) -> None:
    f = tmp_path / "x.conf"
    f.write_text("# comment\n! bang\nlistenPort = 9876\nenableControllerInNamesrv = true  \n\n"
                 "a:b\nc d\nlong = x\\\n   y\n")
    entries, fmt = read_entries(f)
    assert fmt == "properties"
    assert entries == (Entry("listenPort", "9876", 3), Entry("enableControllerInNamesrv", "true  ", 4),
                       Entry("a", "b", 6), Entry("c", "d", 7), Entry("long", "xy", 8))


def test_xml_licence_header_is_skipped_and_lines_stay_right() -> None:
    entries, _ = read_entries(DATA / "seed" / "namesrv-n1.conf")
    assert [(e.key, e.value, e.line) for e in entries] == [
        ("listenPort", "9886", 19), ("enableControllerInNamesrv", "true", 20),
        ("controllerDLegerGroup", "group1", 23),
        ("controllerDLegerPeers", "n0-127.0.0.1:9878;n1-127.0.0.1:9868;n2-127.0.0.1:9858", 24),
        ("controllerDLegerSelfId", "n1", 25)]


def test_proxy_json(tmp_path: Path) -> None:
    f = tmp_path / "rmq-proxy.json"
    f.write_text('{\n  "rocketMQClusterName": "DefaultCluster",\n  "grpcServerPort": 8081,\n  "x": true\n}\n')
    (files,) = read_files([f])
    assert files.role == "proxy" and files.fmt == "json"
    assert files.entries == (Entry("rocketMQClusterName", "DefaultCluster", 2), Entry("grpcServerPort", "8081", 3),
                             Entry("x", "true", 4))


def test_a_json_file_is_a_proxy_file_only_by_its_keys_or_name(tmp_path: Path) -> None:
    (tmp_path / "package.json").write_text('{"name": "tools", "version": "1.0"}')
    (tmp_path / "my-proxy.json").write_text('{"namesrvAddr": "127.0.0.1:9876"}')
    (tmp_path / "other.json").write_text('{"proxyMode": "cluster"}')
    assert {f.name: f.role for f in read_files([tmp_path])} == {"my-proxy.json": "proxy", "other.json": "proxy"}
    with pytest.raises(BadInput, match="package.json is not a RocketMQ configuration file"):
        read_files([tmp_path / "package.json"])


def test_roles_of_the_seed_files() -> None:
    assert {f.name: f.role for f in read_files([DATA / "seed"])} == {
        "broker-n0.conf": "broker", "broker-n1.conf": "broker", "namesrv-n0.conf": "namesrv",
        "namesrv-n1.conf": "namesrv", "namesrv-n2.conf": "namesrv"}


def test_standalone_controller_role(tmp_path: Path) -> None:
    f = tmp_path / "controller.conf"
    f.write_text("controllerDLegerGroup = g\ncontrollerDLegerPeers = n0-10.0.0.1:9878\ncontrollerDLegerSelfId = n0\n")
    assert read_files([f])[0].role == "controller"


@pytest.mark.parametrize("content, message", [
    (b"\x00\x01binary", "is a binary file"),
    (b"hello = world\n", "is not a RocketMQ configuration file"),
    (b"{not json", "not valid JSON"),
])
def test_bad_files(tmp_path: Path, content: bytes, message: str) -> None:
    f = tmp_path / "x.json" if content.startswith(b"{") else tmp_path / "x.conf"
    f.write_bytes(content)
    with pytest.raises(BadInput, match=message):
        read_files([f])


def test_folder_without_rocketmq_files(tmp_path: Path) -> None:
    (tmp_path / "notes.conf").write_text("colour = blue\n")
    with pytest.raises(BadInput, match="no RocketMQ configuration file"):
        read_files([tmp_path])


@pytest.mark.parametrize("value, types, applied, problem", [
    ("true", {"boolean"}, "true", None),
    ("TRUE", {"boolean"}, "true", None),
    ("true  ", {"boolean"}, "false", "'true  ' (trailing spaces) reads as false"),
    ("yes", {"boolean"}, "false", "'yes' reads as false"),
    ("9876", {"int"}, "9876", None),
    ("9876 ", {"int"}, None, "'9876 ' (trailing spaces) fails int parsing"),
    ("2147483648", {"int"}, None, "(out of int range) fails int parsing"),
    ("4k", {"long"}, None, "(not a whole number)"),
    ("2147483648", {"long"}, "2147483648", None),
    (" a b  ", {"String"}, "a b", None),
    ("SLAVE", {"BrokerRole", "String"}, "SLAVE", None),
    ("x", {"MetricsExporterType"}, None, "RocketMQ cannot set a MetricsExporterType from a file"),
    (" 0.5 ", {"double"}, "0.5", None),
])
def test_values_as_properties2object_parses_them(value, types, applied, problem) -> None:
    got = apply(value, frozenset(types))
    assert got.value == applied
    assert (got.problem is None) if problem is None else problem in got.problem
