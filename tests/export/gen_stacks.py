#!/usr/bin/env python3
"""Writes tests/export/stacks.txt: the stacks every exporter test runs (PyTorch, ONNX, Keras).

    python3 tests/export/gen_stacks.py build/native/convplay > tests/export/stacks.txt

One state per line: first a hand-picked gallery that covers every layer type and argument of
the state grammar, then random stacks (seeded, so the file is the same every run) that the
engine accepts. `convplay shapes` decides what is valid; a random stack it refuses is skipped.
Lines starting with '#' are comments; the tests ignore them. Needs no torch.
"""

import random
import subprocess
import sys

GALLERY = [
    # the README's encoder-decoder, fixed, and its odd-size twin
    "v=1&in=3x64x64&img=photo&net=conv2d(out=16,k=3,s=2,p=1);relu;convT2d(out=3,k=3,s=2,p=1,op=1)",
    "v=1&in=3x63x63&img=checker&net=conv2d(out=8,k=3,s=2,p=1);relu;convT2d(out=3,k=3,s=2,p=1)",
    # every padding mode with numbers, non-square kernels and paddings
    "v=1&in=3x17x13&img=gradient&net=conv2d(out=4,k=3,p=2,pm=reflect);conv2d(out=4,k=3x2,p=1,pm=replicate);"
    "conv2d(out=5,k=3,p=1x2,pm=circular);conv2d(out=2,k=2x4,s=2x1,p=1x0)",
    # padding words and per side, every mode
    "v=1&in=2x15x12&img=noise&net=conv2d(out=3,k=4,p=same);conv2d(out=3,k=3,s=2,p=tfsame);conv2d(out=2,k=2x3,p=1:0x2:1);"
    "conv2d(out=2,k=3,p=full,bias=0);conv2d(out=2,k=3,p=0:2x1:1,pm=reflect);conv2d(out=2,k=2,s=2,p=valid)",
    "v=1&in=1x19x17&img=text&net=conv2d(out=2,k=3,p=2:1x1:2,pm=circular);conv2d(out=2,k=2,p=0:1x1:0,pm=replicate);"
    "conv2d(out=2,k=3,s=2,p=tfsame,pm=reflect);conv2d(out=2,k=4,p=same,pm=circular)",
    # negative padding crops (non-zeros modes only, as in PyTorch)
    "v=1&in=2x12x12&img=photo&net=conv2d(out=2,k=3,p=-1,pm=reflect);conv2d(out=2,k=1,p=-1:2x1:-1,pm=replicate)",
    # groups, depthwise, dilation, batch 2, presets
    "v=1&in=4x20x20&n=2&img=noise&seed=7&net=conv2d(out=8,k=3,p=2,d=2,g=4);conv2d(out=8,k=5,s=2,p=2,g=8);"
    "conv2d(out=6,k=3x2,d=3x1,g=2,pm=reflect);conv2d(out=4,k=3,p=same,d=2,pm=circular)",
    "v=1&in=3x24x24&img=photo&net=conv2d(out=3,k=3,p=1,g=3,w=sobelx);leakyrelu(slope=0.2);"
    "convT2d(out=6,k=4,s=2,p=1,g=3,w=bilinear);sigmoid;conv2d(out=3,k=5,p=2,w=gauss);tanh;"
    "conv2d(out=3,k=3,p=1,w=sharpen,bias=0);conv2d(out=3,k=3,p=1,w=laplace);conv2d(out=3,k=3,w=box);"
    "conv2d(out=3,k=3,p=1,w=sobely);conv2d(out=3,k=1,w=identity)",
    # transposed: output_padding, groups, dilation, non-square everything
    "v=1&in=4x7x9&img=gradient&net=convT2d(out=6,k=3,s=2,p=1,op=1,g=2);convT2d(out=2,k=4x3,s=3x2,p=1,op=2x1,d=2);"
    "convT2d(out=2,k=2,s=2,p=0,bias=0)",
    # explicit weights and bias
    "v=1&in=1x8x8&img=impulse&net=conv2d(out=1,k=3,p=1,wv=1_2_3_4_5_6_7_8_9,bv=0.5);"
    "convT2d(out=1,k=2,s=2,wv=1_-1_0.25_2,bias=0)",
    # 1-d stack
    "v=1&in=3x40&img=photo&net=conv1d(out=5,k=5,s=2,p=2,pm=reflect);convT1d(out=3,k=4,s=2,p=1);"
    "conv1d(out=3,k=3,p=tfsame,g=3);maxpool1d(k=3,s=2,p=1);avgpool1d(k=2);upsample(scale=2,mode=linear);"
    "conv1d(out=2,k=3,p=1:2,pm=circular,d=2);upsample(size=31);avgpool1d(k=3,s=2,p=1,ceil=1,cip=0);"
    "maxpool1d(k=2,s=1,d=2,ceil=1)",
    # pools: ceil_mode, count_include_pad, dilation, non-square
    "v=1&in=3x23x19&img=photo&net=maxpool2d(k=3,s=2,p=1,ceil=1);avgpool2d(k=3,s=2,p=1,cip=0);"
    "avgpool2d(k=2x3,s=1,p=1,ceil=1);maxpool2d(k=2,s=1,d=2)",
    # ceil_mode where PyTorch drops the last window (it would start in the right padding)
    "v=1&in=2x5x7&img=photo&net=maxpool2d(k=2,s=2,p=1,ceil=1);avgpool2d(k=2,s=2,p=1,ceil=1)",
    # upsample: integer and per-axis scales, size, align_corners
    "v=1&in=2x9x7&img=checker&net=upsample(scale=2);upsample(scale=2x3,mode=bilinear);"
    "upsample(size=20x30,mode=bilinear,ac=1);upsample(size=17);upsample(scale=2,mode=bilinear,ac=0)",
    # a deeper encoder-decoder with a pool and an upsample, batch 3
    "v=1&in=1x32x24&n=3&img=text&net=conv2d(out=8,k=3,p=1,pm=replicate);relu;maxpool2d(k=2);"
    "conv2d(out=16,k=3,s=2,p=1);relu;convT2d(out=8,k=4,s=2,p=1);relu;upsample(scale=2,mode=bilinear);conv2d(out=1,k=1)",
    # crops: after a decoder that overshoots (2-d, two levels, 1-d), after an upsample, batch 2
    "v=1&in=3x45x45&img=photo&net=conv2d(out=8,k=3,s=2);relu;convT2d(out=3,k=4,s=2);crop2d(c=0:1)",
    "v=1&in=2x33x31&img=checker&net=conv2d(out=4,k=3,s=2,p=1);conv2d(out=8,k=3,s=2,p=1);convT2d(out=4,k=4,s=2);"
    "crop2d(c=1:2x1:1);tanh;convT2d(out=2,k=3,s=2);crop2d(c=1)",
    "v=1&in=2x41&img=sine&net=conv1d(out=3,k=4,s=2);convT1d(out=2,k=5,s=2);crop1d(c=1:2)",
    "v=1&in=1x10x9&n=2&img=noise&net=maxpool2d(k=2);upsample(scale=3);crop2d(c=2:3x0:1)",
    # an uploaded image: the export uses a random stand-in (values are not compared)
    "v=1&in=3x16x16&img=upload&net=conv2d(out=4,k=3,s=2,p=1);relu",
    # ONNX Runtime refused or miscomputed these (QA H4). Per-side negative padding with zeros:
    # ONNX's Conv takes no negative pads, so the export crops first.
    "v=1&in=1x12x12&img=photo&net=conv2d(out=1,k=3,p=-1:1x0:0)",
    "v=1&in=2x13&img=sine&net=conv1d(out=2,k=1,s=1,p=-1:0,d=2,g=1,pm=zeros)",
    "v=1&in=3x14x12&img=gradient&net=conv2d(out=2,k=2,s=1,p=0:-1x0:2,d=1,g=1,pm=zeros);"
    "conv2d(out=1,k=4,s=2,p=0,d=1,g=1,pm=replicate);convT2d(out=2,k=3,s=2,p=2,op=1,d=1,g=1)",
    # transposed conv with output_padding >= stride (below the dilation): cells within the full
    # conv (op <= p), bias-only cells past it (op > p), with and without bias, one axis only
    "v=1&in=1x10x10&img=photo&net=convT2d(out=2,k=3,s=1,p=0,op=1,d=2)",
    "v=1&in=1x23x15&img=photo&net=avgpool2d(k=3,s=1,p=0,ceil=0,cip=1);convT2d(out=2,k=3,s=1,p=2,op=1,d=2,g=1)",
    "v=1&in=2x20&img=noise&net=convT1d(out=4,k=3,s=3,p=0,op=0,d=1,g=2);convT1d(out=8,k=4,s=1,p=0,op=1,d=2,g=4)",
    "v=1&in=2x9x11&img=noise&net=convT2d(out=3,k=3,s=1x2,p=1x0,op=2x1,d=3x2,bias=0);convT2d(out=2,k=2,s=1,p=1,op=2,d=3)",
    # upsample: float32 sizes that differ from PyTorch's double (20 * 0.7), and nearest's
    # channels-last copy / halving (one channel), 1-d, linear with a non-whole product
    "v=1&in=2x20x4&img=photo&net=upsample(scale=0.7,mode=nearest)",
    "v=1&in=1x10&img=sine&net=upsample(scale=1.3,mode=linear,ac=1)",
    "v=1&in=1x8x17&img=photo&net=upsample(scale=1.09,mode=nearest)",
    "v=1&in=1x11&img=sine&net=upsample(scale=1.09)",
    "v=1&in=1x8x17&img=photo&net=avgpool2d(k=3,s=1,p=1,ceil=1,cip=1);upsample(scale=1.3,mode=bilinear);"
    "upsample(scale=1.09,mode=nearest)",
    "v=1&in=1x17x14&img=noise&net=upsample(size=25,mode=nearest);conv2d(out=1,k=1,s=1,p=-1:1x-1:-1,d=1,g=1,pm=zeros);"
    "upsample(scale=0.3,mode=nearest)",
    "v=1&in=3x7x9&img=photo&net=upsample(scale=1.7x2.01);upsample(scale=0.7x1.3,mode=bilinear);"
    "upsample(scale=1.5,mode=bilinear,ac=1);upsample(size=13x5,mode=bilinear)",
    "v=1&in=1x5x6&img=checker&net=upsample(scale=2.01);upsample(scale=1.001x0.999)",
]

# States the engine refuses: the exporters must refuse them too, with PyTorch's message.
REFUSED = [
    "v=1&in=3x8x8&net=conv2d(out=4,k=3);convT2d(out=3,k=3,s=2,op=2)",
    "v=1&in=3x4x4&net=maxpool2d(k=3);conv2d(out=2,k=5)",
]


def rand_layer(r, dims, channels):
    """One random layer (text) for a tensor with `channels` channels and `dims` spatial axes."""
    d = f"{dims}d"
    op = r.choice(["conv", "conv", "conv", "convT", "convT", "maxpool", "avgpool", "upsample", "act"])
    if op in ("conv", "convT"):
        g = r.choice([1, 1, 1, channels])
        out = g * r.randint(1, 3)
        k = r.randint(1, 5)
        args = [f"out={out}", f"k={k}"]
        s = r.choice([1, 1, 2, 3])
        if s != 1:
            args.append(f"s={s}")
        dil = r.choice([1, 1, 1, 2])
        if dil != 1:
            args.append(f"d={dil}")
        if op == "conv":
            pick = r.random()
            if pick < 0.4:
                args.append(f"p={r.randint(0, k)}")
            elif pick < 0.6:
                sides = "x".join(f"{r.randint(0, 2)}:{r.randint(0, 2)}" for _ in range(dims))
                args.append(f"p={sides}")
            elif pick < 0.8:
                args.append("p=" + r.choice(["same", "valid", "full", "tfsame"]))
            pm = r.choice(["zeros", "zeros", "reflect", "replicate", "circular"])
            if pm != "zeros":
                args.append(f"pm={pm}")
        else:
            args.append(f"p={r.randint(0, k - 1)}")
            if s > 1 or dil > 1:
                args.append(f"op={r.randint(0, max(s, dil) - 1)}")
        if g != 1:
            args.append(f"g={g}")
        if r.random() < 0.2:
            args.append("bias=0")
        if r.random() < 0.2:
            args.append("w=" + r.choice(["gauss", "box", "sobelx", "identity", "bilinear"]))
        name = "conv" if op == "conv" else "convT"
        return f"{name}{d}({','.join(args)})", out
    if op in ("maxpool", "avgpool"):
        k = r.randint(1, 4)
        args = [f"k={k}", f"s={r.randint(1, 3)}", f"p={r.randint(0, k // 2)}"]
        if op == "maxpool" and r.random() < 0.3:
            args.append("d=2")
        if r.random() < 0.5:
            args.append("ceil=1")
        if op == "avgpool" and r.random() < 0.5:
            args.append("cip=0")
        return f"{op}{d}({','.join(args)})", channels
    if op == "upsample":
        mode = r.choice(["nearest", "linear" if dims == 1 else "bilinear"])
        args = [r.choice([f"scale={r.randint(1, 3)}", f"size={r.randint(3, 30)}"])]
        if mode != "nearest":
            args.append(f"mode={mode}")
            if r.random() < 0.5:
                args.append(f"ac={r.randint(0, 1)}")
        return f"upsample({','.join(args)})", channels
    return r.choice(["relu", "sigmoid", "tanh", "leakyrelu", "leakyrelu(slope=0.3)"]), channels


def valid(cli, state):
    res = subprocess.run([cli, "shapes", state], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return res.returncode == 0


def main(argv):
    if len(argv) != 2:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    cli = argv[1]
    r = random.Random(20261201)
    print("# Stacks for the exporter tests (PyTorch, ONNX, Keras). Written by gen_stacks.py: edit that, not this.")
    print("# gallery")
    for s in GALLERY:
        assert valid(cli, s), s
        print(s)
    print("# refused (the exporters must refuse these too)")
    for s in REFUSED:
        assert not valid(cli, s), s
        print("!" + s)
    print("# random")
    made = 0
    while made < 40:
        dims = r.choice([1, 2, 2, 2])
        c = r.randint(1, 4)
        size = "x".join(str(r.randint(4, 24)) for _ in range(dims))
        img = r.choice(["photo", "checker", "gradient", "noise", "text", "impulse"])
        layers = []
        ch = c
        for _ in range(r.randint(1, 5)):
            text, ch = rand_layer(r, dims, ch)
            layers.append(text)
        state = f"v=1&in={c}x{size}&img={img}&seed={r.randint(0, 99)}&net={';'.join(layers)}"
        if valid(cli, state):
            print(state)
            made += 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
