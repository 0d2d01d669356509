#!/usr/bin/env bash
# Every test: formatting, lints, the native Rust tests, the wasm build,
# and the JS tests against the built package.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --browser

echo "== cargo fmt --check"
cargo fmt --check
echo "== cargo clippy"
cargo clippy --all-targets -- -D warnings
cargo clippy --target wasm32-unknown-unknown -- -D warnings
echo "== cargo test"
cargo test
echo "== build"
bash scripts/build.sh
echo "== JS tests"
node --test tests/js/ tests/packaging/ tests/browser/
