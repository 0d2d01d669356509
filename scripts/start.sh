#!/usr/bin/env bash
# The main job: build the package, then serve the demo page (www/) and
# print its URL. PORT picks the port (default 8080).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh
exec node scripts/serve.mjs
