#!/usr/bin/env bash
# scripts/serve.sh: sets everything up, builds the wasm engine and the playground, assembles
# build/site (web/ plus convplay_engine.js/.wasm and convplay_app.js/.wasm) and serves it at
# http://127.0.0.1:8080 until Ctrl-C: the playground at /, the plain shape table at /shapes.html.
# PORT overrides the port. Python's http.server (3.11) sends .wasm as application/wasm, which
# the browser needs to compile it while it downloads.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
PORT=${PORT:-8080}

scripts/setup.sh
scripts/build.sh site
echo "serve: http://127.0.0.1:$PORT/  (Ctrl-C stops)"
exec python3 -m http.server "$PORT" --bind 127.0.0.1 --directory build/site
