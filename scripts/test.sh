#!/usr/bin/env bash
# scripts/test.sh: sets everything up (scripts/setup.sh), builds, and runs every test:
#
#   native   GoogleTest suite built with g++, the CLI test and the PyTorch cross-check
#            (tests/torch/check_dump.sh) (ctest in build/native)
#   sanitize the same suite (and the CLI test) built with clang under ASan + UBSan
#            (ctest in build/sanitize; any bad access, leak or undefined behaviour fails)
#   fuzz     each libFuzzer target of tests/fuzz from its seed corpus, a fixed number of inputs
#            with a fixed seed (the same inputs on every machine, ~15 s per target; FUZZ_SECONDS=N
#            explores instead: N seconds per target, a random seed); one test per target, failed
#            by any crash, hang or broken property
#   wasm     the same GoogleTest suite as wasm SIMD128 (ctest in build/wasm, run by Node)
#   web      Node tests of the wasm engine module and Playwright tests of the page
#            (node --test tests/web/*.test.mjs, headless Debian Chromium; the site stage also
#            builds the threaded engine, which threads.test.mjs runs on a cross-origin isolated page)
#
# A stage whose build fails counts as one failed test, and the tests that need it are skipped;
# the other stages still run. The last line is always "N passed, M failed" (all stages); the
# exit status is non-zero when anything failed. Full logs: build/test-logs/.
# JOBS overrides the parallelism (default: all cores).
set -uo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT" || exit 1
export JOBS=${JOBS:-$(nproc)}
LOGS=build/test-logs
passed=0 failed=0
t_all=$SECONDS

stage() { echo; echo "=== $* ==="; }
finish() {
    echo
    echo "(total time $((SECONDS - t_all)) s; logs in $LOGS/)"
    echo "$passed passed, $failed failed"
    [ "$failed" = 0 ]
    exit
}
# Adds a stage's counts. A non-zero exit with no failure counted (a crash, a test list that
# could not be read) still counts as one failure, so nothing fails silently.
count() {
    local name=$1 rc=$2 p=$3 f=$4
    if [ "$rc" != 0 ] && [ "$f" = 0 ]; then f=1; fi
    passed=$((passed + p)) failed=$((failed + f))
    echo "--- $name: $p passed, $f failed"
}

# Runs ctest in build folder $2; prints failures and the summary (passing lines go to the log).
run_ctest() {
    local name=$1 dir=$2 log=$LOGS/ctest-$1.log rc line total=0 nfail=0
    stage "$name tests (ctest in $dir)"
    ctest --test-dir "$dir" --output-on-failure -j "$JOBS" --timeout 600 </dev/null >"$log" 2>&1
    rc=$?
    grep -vE '^ +Start +[0-9]+: |^ *[0-9]+/[0-9]+ Test +#[0-9]+: .* Passed ' "$log"
    # e.g. "97% tests passed, 3 tests failed out of 120"
    line=$(grep -E '[0-9]+% tests passed, [0-9]+ tests? failed out of [0-9]+' "$log" | tail -n 1)
    if [ -n "$line" ]; then
        nfail=$(sed -E 's/.* ([0-9]+) tests? failed out of ([0-9]+).*/\1/' <<<"$line")
        total=$(sed -E 's/.* ([0-9]+) tests? failed out of ([0-9]+).*/\2/' <<<"$line")
    fi
    count "$name" "$rc" $((total - nfail)) "$nfail"
}

# Runs a build step; a failure counts as one failed test. Returns its status.
run_build() {
    local name=$1; shift
    stage "build $name"
    local t0=$SECONDS
    if "$@" </dev/null 2>&1 | tee "$LOGS/build-$name.log"; then
        echo "--- build $name: ok ($((SECONDS - t0)) s)"
        return 0
    fi
    echo "--- build $name: FAILED (log: $LOGS/build-$name.log)"
    failed=$((failed + 1))
    return 1
}

# Runs every libFuzzer target in build/sanitize/tests/fuzz, starting from a scratch copy of its
# committed seed corpus (what it discovers is not written back into the repository). By default
# each target runs a fixed number of inputs from a fixed seed: libFuzzer is then deterministic, so
# the test command gives the same verdict on every machine (a slower one only takes longer; the
# time cap is a safety net), and a green run here means a green CI. FUZZ_SECONDS=N explores:
# N seconds per target from a random seed. A crash, leak, timeout or broken property leaves its
# input in build/fuzz-artifacts/<target>/ and counts as a failed test; add that file to
# tests/fuzz/corpus/<target>/ once fixed (the corpus replays in every ctest run).
fuzz_runs() {  # inputs per target for ~15 s on one core of a 2-core CI machine (measured)
    case $1 in
        shapes | embed_flags) echo 6000 ;;
        image) echo 5000 ;;
        explain) echo 25000 ;;
        state_text | npy) echo 150000 ;;
        *) echo 10000 ;;
    esac
}
run_fuzzers() {
    local dir=build/sanitize/tests/fuzz t bin log work art execs budget
    if [ -n "${FUZZ_SECONDS:-}" ]; then
        stage "fuzz (${FUZZ_SECONDS} s per target, random seed; tests/fuzz)"
    else
        stage "fuzz (fixed seed and input count per target; tests/fuzz)"
    fi
    for bin in "$dir"/fuzz_*; do
        t=${bin##*/fuzz_}
        case $t in *_replay) continue ;; esac
        log=$LOGS/fuzz-$t.log work=build/fuzz-work/$t art=build/fuzz-artifacts/$t
        rm -rf "$work" "$art"
        mkdir -p "$work" "$art"
        cp tests/fuzz/corpus/"$t"/* "$work"/ 2>/dev/null
        if [ -n "${FUZZ_SECONDS:-}" ]; then
            budget=(-max_total_time="$FUZZ_SECONDS")
        else
            budget=(-seed=1 -runs="$(fuzz_runs "$t")" -max_total_time=300)
        fi
        "$bin" "${budget[@]}" -timeout=10 -rss_limit_mb=2048 -max_len=4096 \
            -print_final_stats=1 -artifact_prefix="$art/" "$work" </dev/null >"$log" 2>&1
        local rc=$?
        execs=$(sed -nE 's/^stat::number_of_executed_units: *([0-9]+).*/\1/p' "$log" | tail -n 1)
        if [ "$rc" = 0 ]; then
            echo "fuzz_$t: ${execs:-?} executions, no findings"
            count "fuzz_$t" 0 1 0 >/dev/null
        else
            echo "fuzz_$t: FAILED after ${execs:-?} executions (exit $rc); input in $art/, log $log:"
            grep -E 'ERROR|SUMMARY|fuzz property|runtime error|Test unit written' "$log" | head -n 10
            count "fuzz_$t" 1 0 1 >/dev/null
        fi
    done
}

# ---------------------------------------------------------------------------------------------
stage "setup"
if ! scripts/setup.sh </dev/null; then
    echo "setup failed: nothing was built or tested"
    failed=$((failed + 1))
    finish
fi
mkdir -p "$LOGS"

if run_build native scripts/build.sh native; then
    run_ctest native build/native  # includes the PyTorch cross-check (tests/CMakeLists.txt)
fi

if run_build sanitize scripts/build.sh sanitize; then
    run_ctest sanitize build/sanitize
    run_fuzzers
fi

if run_build wasm scripts/build.sh wasm; then
    run_ctest wasm build/wasm
    if run_build site scripts/build.sh site; then
        stage "web tests (node --test tests/web/*.test.mjs)"
        tap=$LOGS/node-test.tap
        # spec for people, TAP to a file for the counts. --test-timeout: Node 20 applies it to each
        # file as a whole; a file that hangs (a page.evaluate whose promise never settles has no
        # bound of its own) is cancelled, named and counted, instead of holding CI until its own
        # limit kills the run with no summary. The slowest file, worker.test, took 67 s at load 12
        # on 2 cores (22 s in CI's last run): 600 s is far beyond any file that works.
        node --test --test-timeout=600000 --test-reporter=spec --test-reporter-destination=stdout \
             --test-reporter=tap --test-reporter-destination="$tap" tests/web/*.test.mjs </dev/null
        rc=$?
        tap_count() { sed -nE "s/^# $1 ([0-9]+)$/\1/p" "$tap" | tail -n 1; }
        np=$(tap_count pass) nf=$(tap_count fail) nc=$(tap_count cancelled)
        count web "$rc" "${np:-0}" $(( ${nf:-0} + ${nc:-0} ))
    fi
fi

finish
