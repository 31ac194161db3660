"""The served releases (chaoskit/versions.py): their shape, the checks every command uses,
`chaoskit versions`, and the list against Maven Central's metadata when it is reachable."""
from __future__ import annotations

import re
import urllib.error
import urllib.request
import xml.etree.ElementTree as ET

import pytest
from click.testing import CliRunner

from chaoskit import versions
from chaoskit.cli import main
from chaoskit.cluster import image, spec
from chaoskit.errors import UsageError

METADATA = "https://repo1.maven.org/maven2/org/apache/rocketmq/rocketmq-{module}/maven-metadata.xml"


def test_the_list_is_ordered_unique_and_well_formed():
    assert versions.SERVED == ("5.0.0", "5.1.0", "5.1.1", "5.2.0", "5.3.3", "5.4.0", "5.5.0")
    assert list(versions.SERVED) == sorted(set(versions.SERVED), key=versions.key)
    assert all(re.fullmatch(r"5\.\d+\.\d+", v) for v in versions.SERVED)
    assert versions.DEFAULT == spec.DEFAULT_VERSION == "5.5.0"


def test_key_orders_numerically():
    assert sorted(["5.10.0", "5.9.1", "5.9.0"], key=versions.key) == ["5.9.0", "5.9.1", "5.10.0"]


@pytest.mark.parametrize("version, message", [
    ("4.9.7", "unknown RocketMQ version '4.9.7': expected a served 5.x.y release (5.0.0, 5.1.0"),
    ("5.5", "unknown RocketMQ version '5.5': expected a served 5.x.y release"),
    ("latest", "unknown RocketMQ version 'latest'"),
    ("5.1.4", "unknown RocketMQ version '5.1.4': Maven Central does not serve its server jars whole; served: 5.0.0"),
    ("5.5.1", "unknown RocketMQ version '5.5.1': Maven Central does not serve"),
])
def test_check_rejects_malformed_and_unserved_versions(version, message):
    with pytest.raises(UsageError) as exc:
        versions.check(version)
    assert message in str(exc.value)
    with pytest.raises(UsageError):
        spec.check_version(version)  # the image and every command go through the same check


def test_check_returns_a_served_version():
    assert versions.check("5.3.3") == "5.3.3"


def test_parse_list_keeps_order_and_drops_repeats():
    assert versions.parse_list(" 5.5.0, 5.0.0,5.5.0 ") == ("5.5.0", "5.0.0")
    assert versions.parse_list("all") == versions.SERVED
    with pytest.raises(UsageError, match="--versions is empty"):
        versions.parse_list(" , ")
    with pytest.raises(UsageError, match="'5.9.9'"):
        versions.parse_list("5.5.0,5.9.9")


def test_between_walks_either_way():
    assert versions.between("5.0.0", "5.2.0") == ("5.0.0", "5.1.0", "5.1.1", "5.2.0")
    assert versions.between("5.5.0", "5.3.3") == ("5.5.0", "5.4.0", "5.3.3")
    assert versions.between("5.4.0", "5.4.0") == ("5.4.0",)


def test_served_whole_is_the_5x_releases_every_module_lists():
    listed = {m: {"5.0.0", "5.1.0", "5.5.1", "5.0.0-ALPHA", "4.9.7"} for m in versions.MODULES}
    listed["proxy"] = {"5.0.0", "5.1.0"}        # 5.5.1 has no proxy
    listed["tools"] |= {"5.10.0"}
    assert versions.served_whole(listed) == ("5.0.0", "5.1.0")


def _maven_listing(module: str) -> set[str]:
    with urllib.request.urlopen(METADATA.format(module=module), timeout=10) as reply:
        return {v.text for v in ET.fromstring(reply.read()).iter("version")}


def test_the_list_matches_maven_central():
    """Every release all five server modules list, and no other (skipped when Maven Central is unreachable)."""
    try:
        listed = {m: _maven_listing(m) for m in versions.MODULES}
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        pytest.skip(f"Maven Central unreachable: {exc}")
    assert versions.served_whole(listed) == versions.SERVED


class _Images:
    def __init__(self, labels: dict[str, dict]) -> None:
        self._labels = labels

    def get(self, tag: str):
        import docker.errors

        if tag not in self._labels:
            raise docker.errors.ImageNotFound(tag)
        return type("Image", (), {"labels": self._labels[tag]})()


def test_versions_command_says_which_images_are_built(monkeypatch):
    digest = image.inputs_digest()
    client = type("Client", (), {"images": _Images({
        "chaoskit/rocketmq:5.5.0": {image.INPUTS_LABEL: digest},
        "chaoskit/rocketmq:5.0.0": {image.INPUTS_LABEL: "an-older-digest"},
    })})()
    monkeypatch.setattr("chaoskit.cluster.engine.connect", lambda: client)
    states = __import__("chaoskit.commands.versions", fromlist=["image_states"]).image_states()
    assert states == {"5.0.0": "out of date", "5.1.0": "not built", "5.1.1": "not built", "5.2.0": "not built",
                      "5.3.3": "not built", "5.4.0": "not built", "5.5.0": "built"}


def test_versions_command_without_docker_says_unknown(monkeypatch, tmp_path):
    monkeypatch.setenv("DOCKER_HOST", f"unix://{tmp_path}/no-docker.sock")
    res = CliRunner().invoke(main, ["versions"], terminal_width=200)
    assert res.exit_code == 0, res.output
    rows = [line for line in res.output.splitlines() if re.search(r"\b5\.\d+\.\d+\b", line)]
    assert [re.search(r"5\.\d+\.\d+", r).group() for r in rows] == list(versions.SERVED)
    assert all("unknown" in r for r in rows)
    assert "(default)" in rows[-1]
