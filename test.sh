#!/usr/bin/env bash
# Every test, in two stages (run ./setup.sh first; .ci/run runs `./setup.sh && ./test.sh`):
#   1. fast, with no Docker engine reachable: ruff, then every test not marked
#      `integration` (a test that needs Docker fails here: mark it);
#   2. the integration suite against the real cluster (Docker and the node image).
#   ./test.sh                    # both stages
#   ./test.sh tests/test_run.py  # the same stages over the given tests (pytest arguments)
set -euo pipefail
cd "$(dirname "$0")"

PY=.venv/bin/python
[ -x "$PY" ] || { echo "test: no .venv here: run ./setup.sh first" >&2; exit 2; }

# pytest exits 5 when a stage selects no test: with no arguments the suite is
# broken (fail); with arguments the selection simply has none of that stage.
stage() {
  local name=$1; shift
  local start=$SECONDS rc=0
  echo "test: stage $name" >&2
  "$@" || rc=$?
  if [ "$rc" = 5 ] && [ "$SELECTED" = 1 ]; then
    echo "test: stage $name: no test of this stage in the selection" >&2
    rc=0
  fi
  echo "test: stage $name: exit $rc after $((SECONDS - start)) s" >&2
  return "$rc"
}
SELECTED=$([ $# -gt 0 ] && echo 1 || echo 0)
PYTEST=("$PY" -m pytest --strict-markers -p no:cacheprovider)

stage lint .venv/bin/ruff check .
DOCKER_HOST=unix:///nonexistent/docker.sock stage fast "${PYTEST[@]}" -m "not integration" "$@"
stage integration "${PYTEST[@]}" -m integration "$@"
