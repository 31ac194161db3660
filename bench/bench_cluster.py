"""Benchmark (not a test): image build from nothing, cached image to ready, cluster memory.

    flock /tmp/chaoskit-cluster.lock python bench/bench_cluster.py [--from-scratch] [--rocketmq-version V] [--rounds N]

--from-scratch removes the chaoskit images and the jar cache first, so the
build includes debootstrap, docker import and Maven resolution. It takes the
cluster down (and brings it back up ready). "Cached image to ready" is timed
--rounds times (down, then up), and its median reported.
"""
from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import time

import docker
from chaoskit.cluster import compose, engine
from chaoskit.cluster.image import BASE_IMAGE, ensure_image, image_tag
from chaoskit.cluster.lifecycle import up
from chaoskit.cluster.nodes import list_nodes
from chaoskit.cluster.spec import ClusterSpec
from chaoskit.paths import cache_dir


def memory_mib(client: docker.DockerClient) -> dict[str, float]:
    """Resident memory of each node as `docker stats` reports it."""
    out = subprocess.run(["docker", "stats", "--no-stream", "--format", "{{.Name}}\t{{.MemUsage}}"],
                         capture_output=True, text=True, check=True).stdout
    names = {c.name: c.labels.get("io.chaoskit.node") for c in client.containers.list()}
    mem = {}
    for line in out.splitlines():
        name, usage = line.split("\t")
        if names.get(name):
            value, unit = usage.split("/")[0].strip()[:-3], usage.split("/")[0].strip()[-3:]
            mem[names[name]] = float(value) * {"MiB": 1, "GiB": 1024, "KiB": 1 / 1024}[unit]
    return mem


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--from-scratch", action="store_true")
    ap.add_argument("--rocketmq-version", default="5.5.0")
    ap.add_argument("--replicas", type=int, default=2)
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    client = engine.connect()
    results: dict[str, object] = {"rocketmq_version": args.rocketmq_version, "replicas": args.replicas}
    compose.down()
    if args.from_scratch:
        for tag in (image_tag(args.rocketmq_version), BASE_IMAGE):
            try:
                client.images.remove(tag, force=True)
            except docker.errors.ImageNotFound:
                pass
        shutil.rmtree(cache_dir() / "jars" / args.rocketmq_version, ignore_errors=True)
        t = time.monotonic()
        ensure_image(client, args.rocketmq_version, print)
        results["image_build_from_nothing_s"] = round(time.monotonic() - t, 1)
    rounds = []
    for i in range(args.rounds):
        if i:
            compose.down()
        t = time.monotonic()
        up(ClusterSpec(args.rocketmq_version, args.replicas), timeout=400, log=print)
        rounds.append(round(time.monotonic() - t, 1))
    results["cached_image_to_ready_s"] = rounds
    results["cached_image_to_ready_median_s"] = statistics.median(rounds)
    time.sleep(20)  # let start-up settle before measuring memory
    mem = memory_mib(client)
    results["memory_mib"] = {k: round(v) for k, v in sorted(mem.items())}
    results["memory_total_mib"] = round(sum(mem.values()))
    results["nodes"] = [n.name for n in list_nodes(client)]
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
