#!/usr/bin/env bash
# One idempotent setup for chaoskit on Debian/Ubuntu (as root):
# installs what is missing (Docker engine and compose, debootstrap, iptables,
# Maven, a Java runtime for the remoting client, Chromium for the report
# tests), makes the project's virtual environment .venv with the Python
# package in it (the distribution's python3 refuses system-wide pip installs,
# PEP 668), resolves the remoting client's jars, starts dockerd if none runs,
# and builds the node image if absent.
#   ./setup.sh                          # default RocketMQ version
#   ROCKETMQ_VERSION=5.0.0 ./setup.sh   # another image
# Then: .venv/bin/chaoskit ...
set -euo pipefail
cd "$(dirname "$0")"

say() { printf 'setup: %s\n' "$*" >&2; }
die() { printf 'setup: %s\n' "$*" >&2; exit 1; }

if [ "$(id -u)" != 0 ]; then
  die "needs root (apt-get, dockerd, iptables). Without root, install yourself: Docker engine + compose, debootstrap, iptables, maven, a Java 17 runtime, chromium, Python >= 3.10 with venv; then: python3 -m venv .venv && .venv/bin/pip install -e '.[test]'"
fi
if ! command -v apt-get >/dev/null; then
  die "not Debian/Ubuntu: install Docker engine + compose, debootstrap, iptables, maven, a Java 17 runtime, chromium, Python >= 3.10 with venv by hand; then: python3 -m venv .venv && .venv/bin/pip install -e '.[test]'"
fi

# Each package only where its command is missing: a host with Docker CE (dockerd and the
# compose v2 plugin, as on GitHub's runners) keeps it; Debian's docker.io would conflict.
need=()
command -v dockerd >/dev/null || need+=(docker.io)
command -v docker-compose >/dev/null || docker compose version >/dev/null 2>&1 || need+=(docker-compose)
command -v debootstrap >/dev/null || need+=(debootstrap)
command -v iptables >/dev/null || need+=(iptables)
command -v mvn >/dev/null || need+=(maven)
command -v java >/dev/null || need+=(openjdk-17-jre-headless)
python3 -c 'import ensurepip, venv' 2>/dev/null || need+=(python3-venv)
if [ ${#need[@]} -gt 0 ]; then
  say "installing ${need[*]}"
  apt-get update -qq
  # No recommends: docker-compose recommends docker.io, which must not replace an installed Docker CE.
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
# Chromium only serves the report's browser test (it skips without it); Ubuntu ships it as a snap
# that a container cannot install, so its absence is not an error.
if ! command -v chromium >/dev/null; then
  say "installing chromium (for the report's browser test)"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >/dev/null 2>&1 \
    || say "chromium not installed: the report's browser test will skip"
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

# The project's own environment: every command in the README runs from .venv/bin.
if [ ! -x .venv/bin/python ]; then
  say "creating .venv"
  "${PYTHON:-python3}" -m venv .venv
fi
.venv/bin/python -m pip install -q --disable-pip-version-check -e '.[test]' 2>&1 | grep -v -i "running pip as the 'root' user" || true
.venv/bin/python -c 'from workloads.remoting.jvm import resolve_jars; resolve_jars()'
.venv/bin/chaoskit image --rocketmq-version "${ROCKETMQ_VERSION:-5.5.0}"
say "ready: .venv/bin/chaoskit"
