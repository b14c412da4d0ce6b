#!/usr/bin/env bash
# The convplay command as a user meets it: good states, share links, and every kind of bad input
# (a clear message, a non-zero exit, and nothing written half-way). Usage: cli_test.sh path/to/convplay
set -u
CP=${1:?usage: cli_test.sh path/to/convplay}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
pass=0 fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }

# expect EXIT_CODE "substring of stdout+stderr" -- command...
expect() {
    local code=$1 want=$2
    shift 2
    local out rc
    out=$("$@" 2>&1)
    rc=$?
    if [ "$rc" != "$code" ]; then bad "$* -> exit $rc, wanted $code"$'\n'"$out"; return; fi
    case "$out" in
        *"$want"*) ok ;;
        *) bad "$* -> output lacks '$want':"$'\n'"$out" ;;
    esac
}

DEF='v=1&in=3x256x256&net=conv2d(out=16,k=3,s=2,p=1);relu;convT2d(out=3,k=3,s=2,p=1)'
expect 0 "1x16x128x128 -> 1x3x255x255" "$CP" shapes "$DEF"
expect 0 "layer 3 (convT2d) makes 255x255 but layer 1 (conv2d) took 256x256: set op=1" "$CP" shapes "$DEF"
expect 0 "H: (128 - 1) * 2 - 1 - 1 + 3 + 0 = 255" "$CP" shapes "$DEF"
expect 0 '"fix":"op=1"' "$CP" shapes "$DEF" --json
expect 0 '| 3 | `convT2d(out=3,k=3,s=2,p=1)` | 1x16x128x128 | 1x3x255x255 | 435 | 7.08M |' "$CP" shapes "$DEF" --markdown
expect 0 "fixed: v=1&in=3x256x256&img=photo&net=conv2d(out=16,k=3,s=2,p=1);relu;convT2d(out=3,k=3,s=2,p=1,op=1)" "$CP" solve "$DEF"
expect 0 "1x16x128x128" "$CP" shapes "http://127.0.0.1:8080/#$DEF"
expect 0 "v=1&in=3x256x256&img=photo&net=relu" sh -c "echo 'v=1&net=ReLU()' | '$CP' canon -"
# the reference's worked examples
expect 0 "-> 1x1x5" "$CP" shapes 'v=1&in=1x2&net=convT1d(out=1,k=3,s=2)'
expect 0 "-> 1x1x6" "$CP" shapes 'v=1&in=1x2&net=convT1d(out=1,k=3,s=2,op=1)'
expect 0 "-> 1x1x21" "$CP" shapes 'v=1&in=1x10&net=convT1d(out=1,k=3,s=2)'
expect 0 "-> 1x1x4x4" "$CP" shapes 'v=1&in=1x3x3&net=convT2d(out=1,k=2,s=2,p=1)'

# impossible parameters: PyTorch's words, exit 1
expect 1 "negative padding is not supported" "$CP" shapes 'v=1&in=3x8x8&net=conv2d(out=4,k=3,p=-1)'
expect 1 "Calculated padded input size per channel: (7 x 7). Kernel size: (9 x 9). Kernel size can't be greater than actual input size" \
    "$CP" shapes 'v=1&in=1x5x5&net=conv2d(out=1,k=9,p=1)'
expect 1 "output padding must be smaller than either stride or dilation, but got output_padding_height: 2 output_padding_width: 2 stride_height: 2 stride_width: 2 dilation_height: 1 dilation_width: 1" \
    "$CP" shapes 'v=1&in=1x4x4&net=convT2d(out=1,k=3,s=2,op=2)'
expect 1 "Given input size per channel: (1 x 1). Calculated output size per channel: (-1 x -1). Output size is too small" \
    "$CP" shapes 'v=1&in=1x1x1&net=convT2d(out=1,k=1,p=1)'
expect 1 "padding='same' is not supported for strided convolutions" "$CP" shapes 'v=1&net=conv2d(out=4,k=3,s=2,p=same)'
expect 1 "Given groups=1, weight of size [4, 8, 3, 3], expected input[1, 3, 256, 256] to have 8 channels, but got 3 channels instead" \
    "$CP" shapes 'v=1&net=conv2d(out=4,in=8,k=3)'
expect 1 "not computed: layer 1 failed" "$CP" shapes 'v=1&net=conv2d(out=4,k=3,g=2);relu'
# broken links and garbage
expect 1 "the link has no state after '#'" "$CP" shapes 'http://127.0.0.1:8080/'
expect 1 "layer 2: unknown layer 'conv9d'" "$CP" shapes 'v=1&net=relu;conv9d(out=1)'
expect 2 "missing <state>" "$CP" shapes
expect 2 "unknown option --frobnicate" "$CP" shapes "$DEF" --frobnicate
expect 2 "unknown command 'shape'" "$CP" shape "$DEF"
expect 1 "--layer 7: the net has 3 layers (1 to 3)" "$CP" explain "$DEF" --layer 7

# export: usage, refusals, and what the PyTorch code says (tests/export/ runs the code)
expect 2 "export needs --to (targets: pytorch, onnx, keras" "$CP" export "$DEF"
expect 2 "unknown target 'caffe'" "$CP" export "$DEF" --to caffe
expect 1 "layer 1 (conv2d(out=4,k=3,g=2)): in_channels must be divisible by groups" "$CP" export 'v=1&net=conv2d(out=4,k=3,g=2);relu' --to pytorch
expect 0 "assert tuple(y.shape) == (1, 3, 255, 255)" "$CP" export "$DEF" --to pytorch
expect 0 '("layer3", nn.ConvTranspose2d(16, 3, kernel_size=3, stride=2, padding=1)),' "$CP" export "$DEF" --to pytorch
expect 0 'nn.ZeroPad2d((2, 1, 0, 1))' "$CP" export 'v=1&in=1x8x8&net=conv2d(out=1,k=3,p=0:1x2:1)' --to pytorch
expect 0 "a random stand-in: this state's image was uploaded" "$CP" export 'v=1&in=1x8x8&img=upload&net=relu' --to pytorch
expect 0 "wrote $T/m.py" "$CP" export "$DEF" --to pytorch --out "$T/m.py"
expect 0 'x = layers.Conv2DTranspose(filters=3, kernel_size=3, strides=2, padding="valid", output_padding=0)(x)' "$CP" export "$DEF" --to keras
expect 0 "assert tuple(model.output_shape) == (1, 255, 255, 3)" "$CP" export "$DEF" --to keras
expect 2 "--to onnx writes binary: give --out FILE or redirect" script -qec "'$CP' export '$DEF' --to onnx" /dev/null

# explain
expect 0 "ring = d*(k-1) - p = 1*(3-1) - 1 = 1" "$CP" explain 'v=1&in=1x3x3&net=convT2d(out=1,k=3,s=2,p=1,op=1)'
expect 0 "9 input cells are never under any window tap" "$CP" explain 'v=1&in=1x5x5&net=conv2d(out=1,k=2,s=2)'
expect 0 "Pad the 12 input 1 before and 1 after along L (zeros) -> 14 grid." "$CP" explain 'v=1&in=1x12&net=conv1d(out=1,k=3,p=1)'
# the receptive field across the stack (--rf) and where input cells go (--reach)
RF='v=1&in=1x32x32&net=conv2d(out=1,k=3,p=1);conv2d(out=1,k=3,s=2,p=1);conv2d(out=1,k=3,p=1)'
expect 0 "= input: rows 12..20, cols 12..20 (9x9 of 32x32), channels 0 of 1" "$CP" explain "$RF" --rf
expect 0 "0*2 - 1 .. 1*2 - 1 + 1*(3 - 1) = -1..3; (2 - 1)*2 + 1*(3 - 1) + 1 = 5 cells; reaches 1 before cell 0 (padding)" "$CP" explain "$RF" --rf --at 0,0
expect 0 "The input region spans 5x5 = 25 cells; padding enters" "$CP" explain "$RF" --rf --layer 3 --at 0,0
expect 0 "= input: cells 3..7 (5, 3 cells read of 12), channels 0..1 of 2" "$CP" explain 'v=1&in=2x12&net=conv1d(out=4,k=3,d=2,g=2);convT1d(out=2,k=3,s=2)' --rf --at 7 --channels 1
expect 0 "= layer 3 conv2d: rows 0..2, cols 0..2 (3x3 of 16x16)" "$CP" explain "$RF" --reach --at 0,0
expect 1 "rows 99 are not within 0..15 of 1x1x16x16" "$CP" explain "$RF" --rf --at 99,0
expect 1 "--at 3: give row,column (spans allowed), as 4,7 or 2..5,7" "$CP" explain "$RF" --rf --at 3
expect 1 "--rf traces back from a layer's output: --layer 1 to 3" "$CP" explain "$RF" --rf --layer 0
expect 2 "--at and --channels go with --rf or --reach" "$CP" explain "$RF" --at 3,3
expect 1 "layer 2 is not computed" "$CP" explain 'v=1&in=1x8x8&net=conv2d(out=1,k=3);conv2d(out=1,k=9)' --rf --layer 2
# the same / tfsame note: PyTorch against TensorFlow with the layer's numbers
expect 0 "padding=1 pads 1 on both sides: out = floor((8 + 2*1 - 3)/2) + 1 = 4, the same size, but its windows start 1 cell earlier" "$CP" explain 'v=1&in=1x8x8&net=conv2d(out=1,k=3,s=2,p=tfsame)'
expect 0 "Along W, ceil_mode keeps a last window that starts at 4 (inside the input) and hangs 1 column over the edge" "$CP" explain 'v=1&in=1x6x5&net=maxpool2d(k=2,ceil=1)'

# gallery
expect 0 "3x256x256 -> 16x128x128 -> 16x128x128 -> 3x256x256" "$CP" gallery
expect 0 "convT1d(out=1,k=3,s=2)" "$CP" gallery --states
expect 0 '"id":"odd-256-fixed"' "$CP" gallery --json
expect 2 "gallery: unknown argument '--frobnicate'" "$CP" gallery --frobnicate

# run: files, and nothing half-written on failure
expect 0 "wrote 13 files" "$CP" run 'v=1&in=3x32x32&net=conv2d(out=8,k=3,s=2,p=1);relu;convT2d(out=3,k=3,s=2,p=1,op=1)' --out "$T/ok" --dump
for f in manifest.json input.npy input.png 01_conv2d.npy 01_conv2d.png 01_conv2d_weight.npy 01_conv2d_bias.npy 03_convT2d.npy; do
    [ -s "$T/ok/$f" ] && ok || bad "run did not write $f"
done
[ "$(head -c 6 "$T/ok/01_conv2d.npy" | tail -c 5)" = "NUMPY" ] && ok || bad "01_conv2d.npy has no NUMPY magic"
[ "$(head -c 4 "$T/ok/input.png" | tail -c 3)" = "PNG" ] && ok || bad "input.png is not a PNG"
grep -q '"shape":\[1,3,32,32\]' "$T/ok/manifest.json" && ok || bad "manifest lacks the output shape"
ls "$T" | grep -q stage && bad "a staging folder was left behind" || ok

# a PNG as input (the one we just wrote) and an .npy as input
expect 0 "1x3x32x32" "$CP" run 'v=1&in=3x8x8&net=conv2d(out=2,k=3,p=1)' --image "$T/ok/input.png" --out "$T/img"
grep -q '"state":"v=1&in=3x32x32&img=upload' "$T/img/manifest.json" && ok || bad "in= was not taken from the image"
expect 0 "relu       1x3x32x32" "$CP" run 'v=1&in=3x8x8&net=relu' --npy "$T/ok/input.npy" --out "$T/npy"

printf 'this is not a png' > "$T/fake.png"
expect 1 "is not an image convplay can read" "$CP" run "$DEF" --image "$T/fake.png" --out "$T/no1"
[ -e "$T/no1" ] && bad "a failed run created its output folder" || ok
expect 1 "cannot open" "$CP" run "$DEF" --image "$T/missing.png" --out "$T/no2"
[ -e "$T/no2" ] && bad "a failed run created its output folder" || ok
expect 1 "negative padding is not supported" "$CP" run 'v=1&in=1x8x8&net=relu;conv2d(out=1,k=3,p=-2)' --out "$T/no3"
[ -e "$T/no3" ] && bad "a failed run created its output folder" || ok
# an .npy of float64
python3 - "$T/f8.npy" <<'PY'
import struct, sys
h = "{'descr': '<f8', 'fortran_order': False, 'shape': (1, 1, 2, 2), }"
h += " " * (63 - (10 + len(h)) % 64) + "\n"
open(sys.argv[1], "wb").write(b"\x93NUMPY\x01\x00" + struct.pack("<H", len(h)) + h.encode() + struct.pack("<4d", 1, 2, 3, 4))
PY
expect 1 "dtype '<f8' is not supported; convplay reads float32" "$CP" run 'v=1&in=1x2x2&net=relu' --npy "$T/f8.npy" --out "$T/no4"
[ -e "$T/no4" ] && bad "a failed run created its output folder" || ok
expect 1 "does not fit the state's (N, C, L) input" "$CP" run 'v=1&in=1x8&net=relu' --npy "$T/ok/input.npy" --out "$T/no5"
expect 1 "img=upload: this state's image was uploaded" "$CP" run 'v=1&in=3x8x8&img=upload&net=relu' --out "$T/no6"
expect 1 "this stack needs" "$CP" run 'v=1&in=3x2048x2048&net=conv2d(out=15,k=1);relu;relu;relu' --out "$T/no7"

echo "cli: $pass passed, $fail failed"
[ "$fail" = 0 ]
