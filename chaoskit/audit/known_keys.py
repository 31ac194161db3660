"""The keys each role's configuration classes accept in one RocketMQ release.

RocketMQ applies a properties file with MixAll.properties2Object (5.5.0
common/MixAll.java): for every public setter `setXxx` of the object
(Class.getMethods(), inherited ones too) it looks up the key `xxx` and
parses the value by the setter's first parameter type (int, long, double,
float, boolean, String; any other type is skipped). So the known keys are
read from the release's own classes by reflection (KnownKeys.java, run on
the release's server jars), not typed by hand, and cached per version.

Which classes each role feeds (5.5.0):
- namesrv: NamesrvStartup.createNamesrvController: NamesrvConfig,
  NettyServerConfig, NettyClientConfig; and ControllerConfig, JraftConfig
  when enableControllerInNamesrv is true.
- controller: ControllerStartup: ControllerConfig, JraftConfig,
  NettyServerConfig, NettyClientConfig.
- broker: BrokerStartup.configFileToConfigContext: BrokerConfig,
  NettyServerConfig, NettyClientConfig, MessageStoreConfig, AuthConfig; and
  properties2SystemEnv reads rmqAddressServerDomain, rmqAddressServerSubGroup.
- proxy: proxy/config/Configuration.java parses the JSON into ProxyConfig
  and AuthConfig (fastjson, through the same setters).
"""
from __future__ import annotations

import json
import shutil
import subprocess
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from chaoskit.files import write_atomically

_NETTY = ("org.apache.rocketmq.remoting.netty.NettyServerConfig", "org.apache.rocketmq.remoting.netty.NettyClientConfig")
_CONTROLLER = ("org.apache.rocketmq.common.ControllerConfig", "org.apache.rocketmq.common.JraftConfig")
_AUTH = "org.apache.rocketmq.auth.config.AuthConfig"
ROLE_CLASSES: dict[str, tuple[str, ...]] = {
    "namesrv": ("org.apache.rocketmq.common.namesrv.NamesrvConfig", *_NETTY, *_CONTROLLER),
    "controller": (*_CONTROLLER, *_NETTY),
    "broker": ("org.apache.rocketmq.common.BrokerConfig", *_NETTY,
               "org.apache.rocketmq.store.config.MessageStoreConfig", _AUTH),
    "proxy": ("org.apache.rocketmq.proxy.config.ProxyConfig", _AUTH),
}
# Keys read by name rather than through a setter (BrokerStartup.properties2SystemEnv).
_READ_BY_NAME = {"broker": {"rmqAddressServerDomain": "String", "rmqAddressServerSubGroup": "String"}}
# Parameter types properties2Object can parse; a setter of any other type never sees the file's value.
APPLIED_TYPES = {"int", "Integer", "long", "Long", "double", "Double", "boolean", "Boolean",
                 "float", "Float", "String"}
_PROGRAM = Path(__file__).with_name("KnownKeys.java")


class KeysUnavailable(RuntimeError):
    """The release's classes could not be read (no JDK, or no jars and no Maven)."""


@dataclass(frozen=True)
class KnownKeys:
    """role -> key -> the setter parameter types RocketMQ has for it."""

    version: str
    roles: dict[str, dict[str, frozenset[str]]]

    def types(self, role: str, key: str) -> frozenset[str]:
        return self.roles.get(role, {}).get(key, frozenset())

    def knows(self, role: str, key: str) -> bool:
        return key in self.roles.get(role, {})

    def keys(self, role: str) -> list[str]:
        return sorted(self.roles.get(role, {}))


def from_classes(version: str, by_class: dict[str, dict[str, list[str]]]) -> KnownKeys:
    """Group the classes' setters by role (a class missing from the release adds nothing)."""
    roles: dict[str, dict[str, frozenset[str]]] = {}
    for role, classes in ROLE_CLASSES.items():
        merged: dict[str, set[str]] = defaultdict(set)
        for cls in classes:
            for key, types in by_class.get(cls, {}).items():
                merged[key].update(types)
        for key, typ in _READ_BY_NAME.get(role, {}).items():
            merged[key].add(typ)
        roles[role] = {k: frozenset(v) for k, v in merged.items()}
    return KnownKeys(version, roles)


def load(version: str) -> KnownKeys:
    """The release's known keys, from the cache or read from its jars (then cached)."""
    from chaoskit.paths import cache_dir  # the cache the image build fills with the jars

    cached = cache_dir() / "audit" / f"known-keys-{version}.json"
    if not cached.is_file():
        by_class = _reflect(_server_jars(version, cache_dir()))
        cached.parent.mkdir(parents=True, exist_ok=True)
        # whole or not at all: a half-written cache would break every later audit of this version
        write_atomically(cached, json.dumps(by_class, indent=1, sort_keys=True))
    try:
        return from_classes(version, json.loads(cached.read_text()))
    except (OSError, ValueError, AttributeError) as exc:
        raise KeysUnavailable(f"the cached known keys {cached} cannot be read ({exc}): delete it to read them "
                              "again") from None


def _server_jars(version: str, cache: Path) -> Path:
    jars = cache / "jars" / version
    if any(jars.glob(f"rocketmq-broker-{version}.jar")):
        return jars
    from chaoskit.cluster.jars import resolve_jars  # Maven Central, once per version

    return resolve_jars(version, log=lambda _msg: None)


def _reflect(jars: Path) -> dict[str, dict[str, list[str]]]:
    if shutil.which("java") is None:
        raise KeysUnavailable("no java on PATH: the known keys are read from the release's classes")
    classes = sorted({c for cs in ROLE_CLASSES.values() for c in cs})
    try:
        proc = subprocess.run(["java", "-cp", f"{jars}/*", str(_PROGRAM), *classes],
                              capture_output=True, text=True, timeout=300, check=False)
    except subprocess.TimeoutExpired:
        raise KeysUnavailable("reading the configuration classes took over 300 s") from None
    if proc.returncode != 0:
        tail = (proc.stderr or proc.stdout).strip().splitlines()[-1:] or ["no output"]
        raise KeysUnavailable(f"reading the configuration classes failed: {tail[0]}")
    by_class: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for line in proc.stdout.splitlines():
        cls, key, typ = line.split("\t")
        if typ != "missing":
            by_class[cls][key].add(typ)
    return {c: {k: sorted(t) for k, t in keys.items()} for c, keys in by_class.items()}
