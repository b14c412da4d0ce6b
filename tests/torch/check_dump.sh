#!/usr/bin/env bash
# Cross-checks the native CLI against PyTorch on representative stacks:
# for each state, a random input .npy (numpy, seeded) -> `convplay run STATE --npy IN --out DIR
# --dump`, then tests/torch/check_dump.py on every dump in one process (1e-5 relative, layer by
# layer).
#
#   tests/torch/check_dump.sh            # from anywhere
#
# Environment: PYTHON (default /usr/bin/python3, Debian's python3-torch), CONVPLAY (default
# build/native/convplay), KEEP=1 keeps the temporary dump directories.
# Exit: 0 all match (or torch is not available: prints "skipped: torch not available"),
#       1 a mismatch or a CLI failure, 2 the CLI binary is missing.
set -u

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
PY="${PYTHON:-/usr/bin/python3}"
CLI="${CONVPLAY:-$ROOT/build/native/convplay}"
HERE="$ROOT/tests/torch"

if ! "$PY" -c 'import torch, numpy' >/dev/null 2>&1; then
  echo "skipped: torch not available"
  exit 0
fi
if [ ! -x "$CLI" ]; then
  echo "check_dump: the CLI $CLI does not exist (build it first: the native build puts it in build/native/)" >&2
  exit 2
fi

STATES=(
  # the default encoder-decoder stack
  'v=1&in=3x64x64&net=conv2d(out=16,k=3,s=2,p=1);relu;convT2d(out=3,k=3,s=2,p=1,op=1)'
  # every padding mode with symmetric numbers, non-square kernels and paddings
  'v=1&in=3x17x13&net=conv2d(out=4,k=3,p=2,pm=reflect);conv2d(out=4,k=3x2,p=1,pm=replicate);conv2d(out=5,k=3,p=1x2,pm=circular);conv2d(out=2,k=2x4,s=2x1,p=1x0)'
  # padding words and per side (zeros, and per side with reflect), bias off
  'v=1&in=2x15x12&net=conv2d(out=3,k=4,p=same);conv2d(out=3,k=3,s=2,p=tfsame);conv2d(out=2,k=2x3,p=1:0x2:1);conv2d(out=2,k=3,p=full,bias=0);conv2d(out=2,k=3,p=0:2x1:1,pm=reflect);conv2d(out=2,k=2,s=2,p=valid)'
  # groups, depthwise, dilation, batch 2
  'v=1&in=4x20x20&n=2&net=conv2d(out=8,k=3,p=2,d=2,g=4);conv2d(out=8,k=5,s=2,p=2,g=8);conv2d(out=6,k=3x2,d=3x1,g=2,pm=reflect);conv2d(out=4,k=3,p=same,d=2,pm=circular)'
  # transposed: output_padding, groups, dilation, non-square everything
  'v=1&in=4x7x9&net=convT2d(out=6,k=3,s=2,p=1,op=1,g=2);convT2d(out=2,k=4x3,s=3x2,p=1,op=2x1,d=2);convT2d(out=2,k=2,s=2,p=0,bias=0)'
  # 1-d stack
  'v=1&in=3x40&net=conv1d(out=5,k=5,s=2,p=2,pm=reflect);convT1d(out=3,k=4,s=2,p=1);conv1d(out=3,k=3,p=tfsame,g=3);maxpool1d(k=3,s=2,p=1);avgpool1d(k=2);upsample(scale=2,mode=linear);conv1d(out=2,k=3,p=1:2,pm=circular,d=2)'
  # pools: ceil_mode, count_include_pad, dilation, non-square
  'v=1&in=3x23x19&net=maxpool2d(k=3,s=2,p=1,ceil=1);avgpool2d(k=3,s=2,p=1,cip=0);avgpool2d(k=2x3,s=1,p=1,ceil=1);maxpool2d(k=2,s=1,d=2)'
  # upsample: non-integer and per-axis scales, size, align_corners
  'v=1&in=2x9x7&net=upsample(scale=1.5);upsample(scale=2x3,mode=bilinear);upsample(size=20x30,mode=bilinear,ac=1);upsample(scale=0.75,mode=bilinear);upsample(size=17)'
  # activations between convs
  'v=1&in=3x16x16&net=conv2d(out=4,k=3,p=1);leakyrelu(slope=0.2);conv2d(out=4,k=1);sigmoid;conv2d(out=4,k=3,p=1,bias=0);tanh;relu;leakyrelu'
  # dense 3x3 stride-1 convs with enough channels for the Winograd kernel: dilation 1-3, padding
  # modes, groups, odd sizes, batch 2
  'v=1&in=8x37x29&n=2&net=conv2d(out=16,k=3,p=1);relu;conv2d(out=16,k=3,p=2,d=2,pm=reflect);conv2d(out=32,k=3,p=same,g=2,pm=circular,bias=0);conv2d(out=32,k=3,d=3)'
  # a deeper encoder-decoder with a pool and an upsample
  'v=1&in=1x32x24&n=3&net=conv2d(out=8,k=3,p=1,pm=replicate);relu;maxpool2d(k=2);conv2d(out=16,k=3,s=2,p=1);relu;convT2d(out=8,k=4,s=2,p=1);relu;upsample(scale=2,mode=bilinear);conv2d(out=1,k=1)'
)

TMP="$(mktemp -d "${TMPDIR:-/tmp}/convplay-check-dump.XXXXXX")"
if [ "${KEEP:-0}" != "1" ]; then
  trap 'rm -rf "$TMP"' EXIT
fi

fail=0
failed=()
dirs=()
# One Python process makes every input (numpy only, seeded per stack).
if ! "$PY" - "$HERE" "$TMP" "${STATES[@]}" <<'PY'
import os, sys
import numpy as np
sys.path.insert(0, sys.argv[1])
from torch_layers import parse_state
for i, state in enumerate(sys.argv[3:]):
    shape, _ = parse_state(state)
    rng = np.random.default_rng(1000 + i)
    os.makedirs(f"{sys.argv[2]}/{i}/out", exist_ok=True)
    np.save(f"{sys.argv[2]}/{i}/in.npy", rng.uniform(-1, 1, size=shape).astype("<f4"))
PY
then
  echo "check_dump: could not make the inputs"; exit 1
fi
i=0
for state in "${STATES[@]}"; do
  dir="$TMP/$i"
  echo "=== [$i] $state"
  if "$CLI" run "$state" --npy "$dir/in.npy" --out "$dir/out" --dump >"$dir/cli.log" 2>&1; then
    dirs+=("$dir/out")
  else
    echo "    FAIL: convplay run exited non-zero:"; tail -n 5 "$dir/cli.log" | sed 's/^/      /'
    fail=$((fail + 1)); failed+=("$i")
  fi
  i=$((i + 1))
done

# One Python process (importing torch costs seconds) re-runs every dump.
if [ "${#dirs[@]}" -gt 0 ]; then
  "$PY" "$HERE/check_dump.py" "${dirs[@]}" | sed 's/^/    /'
  rc=${PIPESTATUS[0]}
  if [ "$rc" -ne 0 ]; then
    fail=$((fail + 1)); failed+=("check_dump.py exit $rc")
  fi
fi

echo
echo "check_dump: ${#STATES[@]} stacks, ${#dirs[@]} ran, $fail failure(s)${failed[*]:+ (${failed[*]})}"
[ "${KEEP:-0}" = "1" ] && echo "dumps kept in $TMP"
[ "$fail" -eq 0 ]
