#!/usr/bin/env bash
# Builds the .wasm and its JS glue (an ES module) into pkg/, then prints
# the size of the .wasm, raw and gzipped. The package's entry points in
# js/ load that one glue: js/node.mjs synchronously from disk (Node), and
# js/browser.mjs by fetch (browsers, bundlers).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh

cargo build --release --target wasm32-unknown-unknown
wasm=target/wasm32-unknown-unknown/release/taskqueue_wasm.wasm
rm -rf pkg
wasm-bindgen "$wasm" --out-dir pkg --target web
node scripts/size.mjs pkg/taskqueue_wasm_bg.wasm
