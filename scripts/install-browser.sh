#!/usr/bin/env bash
# Installs Debian's chromium for the browser tests (playwright-core drives it; it downloads no
# browser of its own). Does nothing when `chromium` is already on PATH or CHROMIUM_PATH names
# one. Installing needs root and apt-get (CI and the development containers run as root on
# Debian); elsewhere it says what to do and fails.
set -euo pipefail

if [ -n "${CHROMIUM_PATH:-}" ]; then
  if [ -x "$CHROMIUM_PATH" ]; then exit 0; fi
  echo "install-browser: CHROMIUM_PATH=$CHROMIUM_PATH is not an executable file" >&2
  exit 1
fi
command -v chromium >/dev/null 2>&1 && exit 0

if ! command -v apt-get >/dev/null 2>&1; then
  echo "install-browser: chromium is not on PATH and there is no apt-get to install it." >&2
  echo "install-browser: install Chromium yourself and put 'chromium' on PATH, or set CHROMIUM_PATH." >&2
  exit 1
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "install-browser: chromium is not on PATH; installing it needs root." >&2
  echo "install-browser: run 'sudo apt-get update && sudo apt-get install -y chromium', or set CHROMIUM_PATH." >&2
  exit 1
fi

echo "install-browser: installing chromium with apt-get (a few minutes the first time)"
export DEBIAN_FRONTEND=noninteractive
apt-get update
apt-get install -y chromium
command -v chromium >/dev/null 2>&1 || {
  echo "install-browser: apt-get finished but chromium is still not on PATH" >&2
  exit 1
}
