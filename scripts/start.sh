#!/usr/bin/env bash
# The main job: build the package, then run the seed's example. (The demo
# page replaces the example here once it exists.)
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh
cargo run --quiet --example seed
