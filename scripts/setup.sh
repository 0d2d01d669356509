#!/usr/bin/env bash
# Installs what the build and the tests need, skipping what is present:
# the wasm32 target, wasm-bindgen-cli at exactly the version Cargo.toml
# pins, the npm packages of package-lock.json, and with --browser Debian's
# Chromium (for the browser tests) and redis-server (for the BullMQ
# tests). Quick when all is there.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { echo "setup: $*"; }

if ! rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; then
  say "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

pinned=$(sed -nE 's/^wasm-bindgen *= *"=([0-9.]+)".*/\1/p' Cargo.toml)
if [ -z "$pinned" ]; then
  echo "setup: Cargo.toml must pin wasm-bindgen with \"=\"" >&2
  exit 1
fi
installed=$(wasm-bindgen --version 2>/dev/null | awk '{print $2}' || true)
if [ "$installed" != "$pinned" ]; then
  say "installing wasm-bindgen-cli $pinned (once; about 2 minutes)"
  # --force: cargo may still list a version whose binary has gone.
  cargo install wasm-bindgen-cli --version "$pinned" --locked --force
fi

# npm ci when node_modules is missing or older than the lockfile.
stamp=node_modules/.package-lock.json
if [ ! -f "$stamp" ] || [ package-lock.json -nt "$stamp" ]; then
  say "installing npm packages (npm ci)"
  npm ci --no-audit --no-fund
fi

# With --browser (the test command): Debian's chromium (browser tests)
# and redis-server (the BullMQ tests start their own), in one apt-get.
if [ "${1:-}" = "--browser" ]; then
  missing=()
  [ -x /usr/bin/chromium ] || missing+=(chromium)
  command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
  if [ ${#missing[@]} -gt 0 ]; then
    say "installing Debian's ${missing[*]}"
    if [ "$(id -u)" = 0 ]; then sudo=""; else sudo="sudo"; fi
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
fi
