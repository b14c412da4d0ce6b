#!/usr/bin/env bash
# scripts/serve.sh: sets everything up, builds the wasm engine and the playground, assembles
# build/site (web/ plus the engine builds and convplay_app.js/.wasm) and serves it at
# http://127.0.0.1:8080 until Ctrl-C: the playground at /, the plain shape table at /shapes.html.
# PORT overrides the port. scripts/serve.py sends Cross-Origin-Opener-Policy: same-origin and
# Cross-Origin-Embedder-Policy: require-corp, so the page is cross-origin isolated and its engine
# Worker runs the threaded engine (convplay_engine_mt.js) on up to hardwareConcurrency threads;
# `scripts/serve.sh --no-isolation` serves without them (one thread, as an ordinary host).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
PORT=${PORT:-8080}

scripts/setup.sh
scripts/build.sh site
echo "serve: http://127.0.0.1:$PORT/  (Ctrl-C stops)"
exec python3 scripts/serve.py --port "$PORT" --dir build/site "$@"
