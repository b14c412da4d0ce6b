#!/usr/bin/env bash
# scripts/bench.sh: builds what the benchmark needs and runs it: our engine against
# tfjs-backend-wasm (XNNPACK) and onnxruntime-web (wasm, 1 thread), single thread, in Node and in
# headless Chromium (bench/README.md says what is measured and how).
#
#   scripts/bench.sh                  set-up check, build, then Node and Chromium
#   scripts/bench.sh node             only Node        (bench/node.mjs)
#   scripts/bench.sh browser          only Chromium    (bench/browser.mjs)
#   scripts/bench.sh [node|browser|all] -- [options]  options go to both runners, e.g.
#       -- --runs 21 --warmup-ms 2000 --layers conv64-64_64,dw32_128 --readback --json out.json
#       (--json FILE: the browser run writes FILE with .browser before the extension)
#   scripts/bench.sh browser -- --threads 2   the threaded table (Chromium, cross-origin isolated;
#                                     needs build/wasm-threads from scripts/build.sh site)
#   --no-build                        use build/wasm-bench as it is
#   --no-setup                        skip scripts/setup.sh (it takes a second when all is there)
#
# It builds in its own folder, build/wasm-bench (engine + ceiling module only, no tests), so it
# does not disturb build/wasm. BENCH_BUILD overrides the folder. JOBS: build parallelism.
# Timings are only as good as the machine is quiet: the report prints the load average before
# and after; on a 2-core machine, run it when nothing else compiles.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
BUILD=${BENCH_BUILD:-build/wasm-bench}
JOBS=${JOBS:-$(nproc)}
export NODE_PATH=/usr/share/nodejs${NODE_PATH:+:$NODE_PATH}

say() { echo "bench: $*" >&2; }
die() { echo "bench: ERROR: $*" >&2; exit 1; }

what=all build=1 setup=1 pass=()
while [ $# -gt 0 ]; do
    case $1 in
        node|browser|all) what=$1 ;;
        --no-build) build=0 ;;
        --no-setup) setup=0 ;;
        --) shift; pass=("$@"); break ;;
        -h|--help) sed -n '2,22p' "${BASH_SOURCE[0]}"; exit 0 ;;
        *) die "unknown argument '$1' (try --help)" ;;
    esac
    shift
done

if [ "$setup" = 1 ]; then
    scripts/setup.sh --skip-web-ui >&2 || die "scripts/setup.sh failed"
fi

if [ "$build" = 1 ]; then
    node=$(command -v node) || die "node not found"
    say "build: $BUILD (convplay_engine_js, convplay_ceiling)"
    mkdir -p build
    gen=()
    if [ ! -f "$BUILD/CMakeCache.txt" ] && command -v ninja >/dev/null; then gen=(-G Ninja); fi
    emcmake cmake -S . -B "$BUILD" "${gen[@]}" -DCMAKE_BUILD_TYPE=Release -DCONVPLAY_TESTS=OFF \
        "-DCMAKE_CROSSCOMPILING_EMULATOR=$node;--no-experimental-fetch" >build/configure-bench.log 2>&1 ||
        { cat build/configure-bench.log >&2; die "configure failed (log: build/configure-bench.log)"; }
    cmake --build "$BUILD" -j "$JOBS" --target convplay_engine_js convplay_ceiling >&2 ||
        die "build failed"
fi

# The browser run gets its own --json file name.
browser_pass=()
for ((i = 0; i < ${#pass[@]}; ++i)); do
    a=${pass[i]}
    if [ "$a" = --json ] && [ $((i + 1)) -lt ${#pass[@]} ]; then
        f=${pass[i + 1]}
        browser_pass+=(--json "${f%.*}.browser.${f##*.}")
        i=$((i + 1))
    else
        browser_pass+=("$a")
    fi
done

say "machine load now: $(cut -d' ' -f1-3 /proc/loadavg) (2 cores: anything near 1+ means other work shares the CPU)"
rc=0
if [ "$what" = all ] || [ "$what" = node ]; then
    say "Node run (bench/node.mjs)"
    node bench/node.mjs --build "$BUILD" "${pass[@]}" || rc=1
fi
if [ "$what" = all ] || [ "$what" = browser ]; then
    [ "$what" = all ] && echo
    say "headless Chromium run (bench/browser.mjs)"
    node bench/browser.mjs --build "$BUILD" "${browser_pass[@]}" || rc=1
fi
exit $rc
