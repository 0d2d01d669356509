#!/usr/bin/env bash
# The main job: build the package, then run the Node example (a
# build-and-deploy pipeline with a failure and a retry). The demo page
# takes this place once it exists.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh
node examples/pipeline.mjs
