"""Builds the node image chaoskit/rocketmq:<version>, all from registries we can reach.

Base: a Java 17 runtime with iptables and iproute2, bootstrapped from Debian
packages (debootstrap + docker import) because no image registry is assumed.
On top: the RocketMQ server jars resolved from Maven Central by docker/pom.xml,
our launcher and logging config (docker/).
"""
from __future__ import annotations

import hashlib
import shutil
import subprocess
import tempfile
from collections.abc import Callable
from pathlib import Path

import docker.errors

import docker
from chaoskit.cluster.jars import resolve_jars
from chaoskit.cluster.spec import check_version
from chaoskit.errors import UsageError
from chaoskit.paths import DOCKER_DIR

BASE_IMAGE = "chaoskit/jre17-base:bookworm"
BASE_PACKAGES = "openjdk-17-jre-headless,iptables,iproute2,procps,openssl"
_INPUTS = ("Dockerfile", "launch.sh", "mqadmin", "cds-train.sh")  # plus conf/: what the image is built from
INPUTS_LABEL = "io.chaoskit.inputs"

Log = Callable[[str], None]


def image_tag(version: str) -> str:
    return f"chaoskit/rocketmq:{version}"


def has_image(client: docker.DockerClient, tag: str) -> bool:
    try:
        client.images.get(tag)
        return True
    except docker.errors.ImageNotFound:
        return False


def build_base(client: docker.DockerClient, log: Log) -> None:
    """Bootstrap Debian bookworm with a JRE and import it as BASE_IMAGE."""
    if shutil.which("debootstrap") is None:
        raise UsageError("debootstrap is not installed: run ./setup.sh (or apt-get install debootstrap)")
    with tempfile.TemporaryDirectory(prefix="chaoskit-rootfs-") as tmp:
        rootfs = Path(tmp) / "rootfs"
        log(f"bootstrapping {BASE_IMAGE} from Debian packages (about 80 s)")
        _run(["debootstrap", "--variant=minbase", f"--include={BASE_PACKAGES}", "bookworm", str(rootfs)],
             "debootstrap failed")
        shutil.rmtree(rootfs / "var/cache/apt/archives", ignore_errors=True)
        log(f"importing {BASE_IMAGE}")
        tar = subprocess.Popen(["tar", "-C", str(rootfs), "-c", "."], stdout=subprocess.PIPE)
        assert tar.stdout is not None
        client.api.import_image_from_stream(tar.stdout, repository=BASE_IMAGE.split(":")[0],
                                            tag=BASE_IMAGE.split(":")[1], changes=["ENV LANG=C.UTF-8"])
        if tar.wait() != 0:
            raise UsageError("could not pack the bootstrapped root file system")


def inputs_digest() -> str:
    """A digest of the files docker/ builds the image from: an image with another one is out of date."""
    digest = hashlib.sha256()
    for path in [*(DOCKER_DIR / n for n in _INPUTS), *sorted((DOCKER_DIR / "conf").iterdir())]:
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def build_image(client: docker.DockerClient, version: str, log: Log) -> str:
    """Build chaoskit/rocketmq:<version>; returns the image id."""
    if not has_image(client, BASE_IMAGE):
        build_base(client, log)
    jars = resolve_jars(version, log)
    with tempfile.TemporaryDirectory(prefix="chaoskit-image-") as ctx:
        ctxp = Path(ctx)
        for name in _INPUTS:
            shutil.copy2(DOCKER_DIR / name, ctxp / name)
        shutil.copytree(DOCKER_DIR / "conf", ctxp / "conf")
        shutil.copytree(jars, ctxp / "jars")
        log(f"building {image_tag(version)}")
        try:
            image, _ = client.images.build(path=ctx, tag=image_tag(version), rm=True, pull=False,
                                           buildargs={"ROCKETMQ_VERSION": version, "BASE_IMAGE": BASE_IMAGE},
                                           labels={INPUTS_LABEL: inputs_digest()})
        except docker.errors.BuildError as exc:
            said = [line.strip() for chunk in exc.build_log for line in str(chunk.get("stream", "")).splitlines()]
            last = next((line for line in reversed(said) if line), "")
            raise UsageError(f"building {image_tag(version)} failed: {exc.msg}" + (f" ({last})" if last else "")) from None
    return image.id


def ensure_image(client: docker.DockerClient, version: str, log: Log) -> str:
    """The image id of chaoskit/rocketmq:<version>, building it if absent or built from other docker/ files."""
    tag = image_tag(check_version(version))
    if has_image(client, tag):
        image = client.images.get(tag)
        if (image.labels or {}).get(INPUTS_LABEL) == inputs_digest():
            return image.id
        log(f"{tag} was built from other files in docker/: rebuilding it")
    return build_image(client, version, log)


def _run(cmd: list[str], what: str) -> None:
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode != 0:
        tail = (proc.stderr or proc.stdout).strip().splitlines()[-1:] or ["no output"]
        raise UsageError(f"{what}: {tail[0]}")
