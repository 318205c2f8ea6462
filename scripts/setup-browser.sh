#!/usr/bin/env bash
# Installs the headless browser the HTML drawing test runs (workflow-draw/tests/browser.rs):
# Debian's `chromium` package at /usr/bin/chromium. Idempotent: does nothing when it is there.
set -euo pipefail

BROWSER=/usr/bin/chromium

if [ ! -x "$BROWSER" ]; then
    if [ "$(id -u)" -eq 0 ]; then
        AS_ROOT=()
    elif command -v sudo >/dev/null 2>&1; then
        AS_ROOT=(sudo)
    else
        echo "setup-browser: $BROWSER is missing and installing it needs root (no sudo here)" >&2
        exit 1
    fi
    export DEBIAN_FRONTEND=noninteractive
    "${AS_ROOT[@]}" apt-get update
    "${AS_ROOT[@]}" apt-get install -y --no-install-recommends chromium
fi

"$BROWSER" --version
