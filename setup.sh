#!/usr/bin/env bash
# One idempotent setup for chaoskit on Debian/Ubuntu (as root):
# installs what is missing (Docker engine and compose, debootstrap, iptables,
# Maven, Chromium for the report tests, the Python package), starts dockerd
# if none runs, and builds the node image if absent.
#   ./setup.sh                          # default RocketMQ version
#   ROCKETMQ_VERSION=5.0.0 ./setup.sh   # another image
set -euo pipefail
cd "$(dirname "$0")"

say() { printf 'setup: %s\n' "$*" >&2; }
die() { printf 'setup: %s\n' "$*" >&2; exit 1; }

if [ "$(id -u)" != 0 ]; then
  die "needs root (apt-get, dockerd, iptables). Without root, install yourself: Docker engine + compose, debootstrap, iptables, maven, chromium, Python >= 3.10; then: pip install -e '.[test]'"
fi
if ! command -v apt-get >/dev/null; then
  die "not Debian/Ubuntu: install Docker engine + compose, debootstrap, iptables, maven, chromium, Python >= 3.10 by hand; then: pip install -e '.[test]'"
fi

need=()
command -v dockerd >/dev/null || need+=(docker.io)
command -v docker-compose >/dev/null || need+=(docker-compose)
command -v debootstrap >/dev/null || need+=(debootstrap)
command -v iptables >/dev/null || need+=(iptables)
command -v mvn >/dev/null || need+=(maven)
command -v javac >/dev/null || need+=(openjdk-17-jdk-headless)  # `chaoskit audit` reads a release's config classes with java (source launcher)
command -v chromium >/dev/null || need+=(chromium)
if [ ${#need[@]} -gt 0 ]; then
  say "installing ${need[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi

if ! docker info >/dev/null 2>&1; then
  say "starting dockerd"
  # A daemon killed with its session leaves pid files behind; none runs now.
  if ! pgrep -x dockerd >/dev/null; then rm -f /var/run/docker.pid /var/run/docker/containerd/containerd.pid; fi
  # No systemd here: run the daemon directly, logging beside the other system logs.
  nohup dockerd >/var/log/chaoskit-dockerd.log 2>&1 &
  for _ in $(seq 60); do docker info >/dev/null 2>&1 && break; sleep 1; done
  docker info >/dev/null 2>&1 || die "dockerd did not start: see /var/log/chaoskit-dockerd.log"
fi

# actionlint checks the nightly workflow in the tests (a Go module; skipped without Go).
if ! command -v actionlint >/dev/null && command -v go >/dev/null; then
  say "installing actionlint"
  GOBIN=/usr/local/bin go install github.com/rhysd/actionlint/cmd/actionlint@v1.7.7 2>/dev/null || say "actionlint not installed (its test will skip)"
fi

PY=${PYTHON:-python3}
"$PY" -m pip install -q --disable-pip-version-check -e '.[test]' 2>&1 | grep -v -i "running pip as the 'root' user" || true
"$PY" -m chaoskit image --rocketmq-version "${ROCKETMQ_VERSION:-5.5.0}"
say "ready"
