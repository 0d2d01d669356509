#!/usr/bin/env bash
# Builds the .wasm and the JS glue into pkg/: pkg/node (CommonJS, loads
# synchronously) and pkg/web (ES module, `await init()`), then prints the
# size of the .wasm, raw and gzipped.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh

cargo build --release --target wasm32-unknown-unknown
wasm=target/wasm32-unknown-unknown/release/taskqueue_wasm.wasm
rm -rf pkg
wasm-bindgen "$wasm" --out-dir pkg/node --target nodejs
# The glue of the Node build is CommonJS, but our package.json says
# "type": "module"; a nested package.json says otherwise for that folder.
echo '{ "type": "commonjs" }' > pkg/node/package.json
wasm-bindgen "$wasm" --out-dir pkg/web --target web
node scripts/size.mjs pkg/web/taskqueue_wasm_bg.wasm
