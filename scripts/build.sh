#!/usr/bin/env bash
# scripts/build.sh: configures and builds; installs nothing (scripts/setup.sh does that, and
# scripts/test.sh / scripts/serve.sh run it first).
#
#   scripts/build.sh native   build/native: the convplay CLI and the GoogleTest suite (g++)
#   scripts/build.sh sanitize build/sanitize: the CLI, the GoogleTest suite and the libFuzzer
#                             targets (tests/fuzz) with clang, AddressSanitizer + UBSan
#   scripts/build.sh wasm     build/wasm:   the same engine and tests as wasm (SIMD128), plus
#                                           convplay_engine.js/.wasm for the page
#   scripts/build.sh wasm-threads  build/wasm-threads: the kernel tests as wasm with -pthread
#                             (threaded kernels against single-threaded ones under Node; not
#                             run by scripts/test.sh, which has no time left for them)
#   scripts/build.sh site     the wasm engine, the threaded engine (build/wasm-threads: only that
#                             target) and the playground (convplay_app), then assembles
#                             build/site: web/ (index.html = the playground, shapes.html = the
#                             plain shape table) + convplay_engine.js/.wasm +
#                             convplay_engine_mt.js/.wasm/.worker.js + convplay_app.js/.wasm
#
# JOBS overrides the parallelism (default: all cores).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
# The per-user cache shared by every checkout (same rule in setup.sh and build.sh).
CACHE=${CONVPLAY_CACHE:-${XDG_CACHE_HOME:-${HOME:-$(getent passwd "$(id -u)" | cut -d: -f6)}/.cache}/convplay}
JOBS=${JOBS:-$(nproc)}
# emcc runs node tools that need Debian's acorn module (docs/toolchain.md, trap 1).
export NODE_PATH=/usr/share/nodejs${NODE_PATH:+:$NODE_PATH}

say() { echo "build: $*"; }
die() { echo "build: ERROR: $*" >&2; exit 1; }
# Configure output is only interesting when it fails: keep it in a log, show it then.
quiet() {
    local log=$1; shift
    mkdir -p build
    "$@" >"$log" 2>&1 || { cat "$log" >&2; die "configure failed (log: $log)"; }
}

# Ninja when present (setup installs it); a folder keeps the generator it was configured with.
generator_args() {
    local dir=$1
    if [ ! -f "$dir/CMakeCache.txt" ] && command -v ninja >/dev/null; then echo "-G Ninja"; fi
}

build_native() {
    say "native: configure + build in build/native"
    # Configuring every time is cheap (about a second) and picks up new files and options.
    # shellcheck disable=SC2046
    quiet build/configure-native.log \
        cmake -S . -B build/native $(generator_args build/native) -DCMAKE_BUILD_TYPE=Release
    cmake --build build/native -j "$JOBS"
}

build_sanitize() {
    say "sanitize: configure + build in build/sanitize (clang, ASan + UBSan, fuzz targets)"
    command -v clang++ >/dev/null || die "clang++ not found (run scripts/setup.sh)"
    # -O1: sanitizer reports stay readable and the suite stays fast enough to run every time.
    # shellcheck disable=SC2046
    quiet build/configure-sanitize.log \
        env CC=clang CXX=clang++ cmake -S . -B build/sanitize $(generator_args build/sanitize) \
        -DCMAKE_BUILD_TYPE=None "-DCMAKE_CXX_FLAGS=-O1 -gline-tables-only" "-DCMAKE_C_FLAGS=-O1" \
        -DCONVPLAY_SANITIZE=ON -DCONVPLAY_FUZZ=ON
    cmake --build build/sanitize -j "$JOBS"
}

# configure_wasm [DIR [CMAKE ARGS...]]: DIR defaults to build/wasm.
configure_wasm() {
    local dir=${1:-build/wasm} node deps=()
    shift || true
    node=$(command -v node) || die "node not found (run scripts/setup.sh)"
    # Where setup put the UI's dependencies (imgui source, SDL2 built for wasm); the playground
    # target (src/app) exists only when both are given.
    if [ -f "$CACHE/deps.env" ]; then
        # shellcheck disable=SC1091
        . "$CACHE/deps.env"
        deps=(-DCONVPLAY_IMGUI_DIR="$CONVPLAY_IMGUI_DIR" -DCONVPLAY_SDL2_PREFIX="$CONVPLAY_SDL2_PREFIX")
    fi
    # The emulator lets ctest run the wasm tests under Node 20: emcmake's default adds
    # --experimental-wasm-threads (rejected by Node 20), and --no-experimental-fetch stops the
    # 3.1.6 runtime from fetch()ing the .wasm by file path (docs/toolchain.md, traps 2 and 3).
    # shellcheck disable=SC2046
    quiet "build/configure-$(basename "$dir").log" \
        emcmake cmake -S . -B "$dir" $(generator_args "$dir") -DCMAKE_BUILD_TYPE=Release \
        --no-warn-unused-cli "${deps[@]}" "-DCMAKE_CROSSCOMPILING_EMULATOR=$node;--no-experimental-fetch" "$@"
}

build_wasm_threads() {
    say "wasm-threads: configure + build the kernel tests with -pthread in build/wasm-threads"
    configure_wasm build/wasm-threads -DCONVPLAY_WASM_THREADS=ON
    cmake --build build/wasm-threads -j "$JOBS" --target convplay_tests
}

build_wasm() {
    say "wasm: configure + build in build/wasm"
    configure_wasm
    cmake --build build/wasm -j "$JOBS"
}

build_site() {
    say "site: wasm engine + playground + build/site"
    [ -f "$CACHE/deps.env" ] || die "the playground needs imgui and SDL2 for wasm: run scripts/setup.sh first"
    configure_wasm
    cmake --build build/wasm -j "$JOBS" --target convplay_engine_js convplay_app
    # The threaded engine for cross-origin isolated pages (web/engine_worker.js picks it): the
    # engine alone with -pthread, a second compile of the engine's libraries.
    configure_wasm build/wasm-threads -DCONVPLAY_WASM_THREADS=ON
    cmake --build build/wasm-threads -j "$JOBS" --target convplay_engine_js
    local js=build/wasm/convplay_engine.js wasm=build/wasm/convplay_engine.wasm
    local app_js=build/wasm/convplay_app.js app_wasm=build/wasm/convplay_app.wasm
    local mt=(build/wasm-threads/convplay_engine_mt.{js,wasm,worker.js})
    if [ ! -f "$js" ] || [ ! -f "$wasm" ]; then die "the build made no $js / $wasm"; fi
    if [ ! -f "$app_js" ] || [ ! -f "$app_wasm" ]; then die "the build made no $app_js / $app_wasm"; fi
    local f
    for f in "${mt[@]}"; do [ -f "$f" ] || die "the build made no $f"; done
    # Rebuilt from scratch each time so a file removed from web/ does not linger.
    rm -rf build/site.tmp
    mkdir -p build/site.tmp
    cp -R web/. build/site.tmp/
    cp "$js" "$wasm" "$app_js" "$app_wasm" "${mt[@]}" build/site.tmp/
    rm -rf build/site
    mv build/site.tmp build/site
    say "site: build/site ready"
}

[ $# -ge 1 ] || { sed -n '2,17p' "${BASH_SOURCE[0]}"; exit 2; }
for what in "$@"; do
    case $what in
        native) build_native ;;
        sanitize) build_sanitize ;;
        wasm) build_wasm ;;
        wasm-threads) build_wasm_threads ;;
        site) build_site ;;
        *) die "unknown target '$what' (native, sanitize, wasm, wasm-threads or site)" ;;
    esac
done
