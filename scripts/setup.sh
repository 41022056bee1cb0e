#!/usr/bin/env bash
# One-command set-up on a fresh Debian/Ubuntu machine: the Debian packages that headless-gl
# (gpu.js's GPU path), Xvfb and the report test need, then the npm dependencies.
# Without root (or apt-get), it only runs `npm ci`: everything works, the gpu.js backend
# then falls back to its WebAssembly mode.
set -euo pipefail
cd "$(dirname "$0")/.."
PKGS="libxi-dev libglu1-mesa-dev libglew-dev pkg-config xvfb xauth chromium"
if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
  missing=$(for p in $PKGS; do dpkg -s "$p" >/dev/null 2>&1 || echo "$p"; done)
  if [ -n "$missing" ]; then
    echo "setup: installing Debian packages: $missing"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    # shellcheck disable=SC2086
    apt-get install -y -qq $missing >/dev/null
  fi
else
  echo "setup: not root or no apt-get: skipping Debian packages ($PKGS)"
fi
npm ci
# headless-gl is built from source by `npm ci` (package.json allowScripts); say whether it works.
if command -v xvfb-run >/dev/null 2>&1; then
  xvfb-run -a node -e "const {GPU}=require('gpu.js'); console.log('setup: gpu.js headless-gl available:', GPU.isHeadlessGLSupported)" || true
fi
