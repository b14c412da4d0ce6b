#!/usr/bin/env bash
# The run budgets (src/core/limits.hpp) as a user meets them: states far over budget are refused
# with the numbers and the limit BEFORE anything is allocated (peak RSS stays tiny), and a state
# just inside the budget runs with its peak RSS under 1 GB. Peak RSS is GNU time's "Maximum
# resident set size". Usage: budget_test.sh path/to/convplay   (about 5 s)
set -u
CP=${1:?usage: budget_test.sh path/to/convplay}
TIME=/usr/bin/time
if [ ! -x "$TIME" ]; then echo "skipped: GNU time (/usr/bin/time) is not installed"; exit 0; fi
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
pass=0 fail=0

# run_peak EXIT_CODE MAX_KB "substring of output" STATE: runs `convplay run STATE`, checks exit
# code, message and peak RSS (KB).
run_peak() {
    local code=$1 max_kb=$2 want=$3 state=$4
    "$TIME" -f '%M' -o "$T/rss" "$CP" run "$state" --out "$T/out" >"$T/log" 2>&1
    local rc=$? kb
    kb=$(tail -n 1 "$T/rss")
    if [ "$rc" != "$code" ]; then
        fail=$((fail + 1)); echo "FAIL: $state -> exit $rc, wanted $code"; cat "$T/log"; return
    fi
    if ! grep -qF -- "$want" "$T/log"; then
        fail=$((fail + 1)); echo "FAIL: $state -> output lacks '$want':"; cat "$T/log"; return
    fi
    if [ "$kb" -gt "$max_kb" ]; then
        fail=$((fail + 1)); echo "FAIL: $state -> peak RSS $kb KB, over $max_kb KB"; return
    fi
    pass=$((pass + 1))
    echo "ok: peak RSS $((kb / 1024)) MiB, exit $rc: $state"
}

# Refused from the arithmetic alone: a few MB at most (the binary itself).
SMALL=65536
run_peak 1 $SMALL "268435456 pixels per channel (at most 16777216)" 'v=1&in=1x16384x16384'
run_peak 1 $SMALL "144000000 pixels per channel (at most 16777216)" 'v=1&in=3x12000x12000'
run_peak 1 $SMALL "pixels per channel (at most 16777216)" 'v=1&in=3x65536x65536&img=noise&net=relu'
run_peak 1 $SMALL "needs 4.0 GiB (at most 256 MiB per tensor)" 'v=1&n=64&in=4096x64x64&net=relu'
run_peak 1 $SMALL "(at most 512 MiB per layer)" 'v=1&in=64x64x64&net=conv2d(out=4096,k=3);conv2d(out=4096,k=3)'
run_peak 1 $SMALL "(at most 512 MiB per layer)" 'v=1&in=1x1x1&net=maxpool2d(k=65536,s=65536,p=32768)'
run_peak 1 $SMALL "(at most 768 MiB for the input and every layer)" \
    'v=1&in=3x4096x4096&net=conv2d(out=3,k=3,p=1);conv2d(out=3,k=3,p=1);conv2d(out=3,k=3,p=1);conv2d(out=3,k=3,p=1)'
run_peak 1 $SMALL "million multiply-adds (at most 16000 million per run)" \
    'v=1&in=64x512x512&net=conv2d(out=64,k=9);conv2d(out=64,k=9)'
# Just inside the budgets: runs, and the whole process stays under 1 GB.
run_peak 0 1000000 "wrote" 'v=1&in=3x2896x2896&net=conv2d(out=3,k=3,p=1);relu;conv2d(out=3,k=3,p=1)'

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
