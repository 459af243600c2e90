#!/usr/bin/env bash
# Installs Debian's chromium for the browser tests (playwright-core drives it; it downloads no
# browser of its own), and openssl, with which the mTLS test makes its certificates. Does nothing
# when both are on PATH (or CHROMIUM_PATH names a chromium). Installing needs root and apt-get (CI and the development containers run as root on
# Debian); elsewhere it says what to do and fails.
set -euo pipefail

missing=()
if [ -n "${CHROMIUM_PATH:-}" ]; then
  if [ ! -x "$CHROMIUM_PATH" ]; then
    echo "install-browser: CHROMIUM_PATH=$CHROMIUM_PATH is not an executable file" >&2
    exit 1
  fi
else
  command -v chromium >/dev/null 2>&1 || missing+=(chromium)
fi
command -v openssl >/dev/null 2>&1 || missing+=(openssl)
[ ${#missing[@]} -eq 0 ] && exit 0

if ! command -v apt-get >/dev/null 2>&1; then
  echo "install-browser: ${missing[*]} not on PATH and there is no apt-get to install it." >&2
  echo "install-browser: install them yourself (for Chromium, 'chromium' on PATH or CHROMIUM_PATH)." >&2
  exit 1
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "install-browser: ${missing[*]} not on PATH; installing needs root." >&2
  echo "install-browser: run 'sudo apt-get update && sudo apt-get install -y ${missing[*]}'." >&2
  exit 1
fi

echo "install-browser: installing ${missing[*]} with apt-get (a few minutes the first time)"
export DEBIAN_FRONTEND=noninteractive
apt-get update
apt-get install -y "${missing[@]}"
for program in "${missing[@]}"; do
  command -v "$program" >/dev/null 2>&1 || {
    echo "install-browser: apt-get finished but $program is still not on PATH" >&2
    exit 1
  }
done
