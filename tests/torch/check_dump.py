#!/usr/bin/python3
"""Cross-checks a `convplay run ... --dump` directory against PyTorch.

    /usr/bin/python3 tests/torch/check_dump.py DIR [DIR ...]

DIR holds manifest.json = {"state": ..., "input": "input.npy", "layers": [{"layer": 1,
"name": "conv2d", "output": "01_conv2d.npy", "weight": "...npy", "bias": "...npy"}, ...]}
and float32 little-endian .npy files.  Every layer is rebuilt with torch_layers.build, the
dumped weight/bias are copied in, and the stack is re-run in PyTorch from the dumped input,
each layer fed with PyTorch's own previous output.  A layer passes when
max|ours - torch| <= 1e-5 * max(1, max|torch|).  Prints one line per layer; exits 1 on any
mismatch (0 when all pass, 2 on a malformed dump). Several DIRs are checked in one process
(importing torch costs seconds; check_dump.sh passes all its dumps at once).
"""

import json
import os
import sys
import warnings

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import torch  # noqa: E402

from torch_layers import build, parse_state  # noqa: E402

RTOL = 1e-5


class DumpError(Exception):
    pass


def load_npy(dirname, name, what):
    if not name:
        raise DumpError(f"{what}: no file named in manifest.json")
    path = os.path.join(dirname, name)
    if not os.path.isfile(path):
        raise DumpError(f"{what}: missing file {name}")
    a = np.load(path, allow_pickle=False)
    if a.dtype != np.dtype("<f4"):
        raise DumpError(f"{what}: {name} has dtype {a.dtype}, expected float32 little-endian")
    return torch.from_numpy(np.ascontiguousarray(a))


def check(dirname, out=sys.stdout):
    """Returns True when every layer matches."""
    with open(os.path.join(dirname, "manifest.json"), encoding="utf-8") as fh:
        man = json.load(fh)
    state = man["state"]
    print(f"state: {state}", file=out)
    _, layers = parse_state(state)
    entries = man.get("layers", [])
    if len(entries) != len(layers):
        raise DumpError(f"manifest lists {len(entries)} layers, the state has {len(layers)}")
    x = load_npy(dirname, man.get("input"), "input")
    print(f"input: {tuple(x.shape)}", file=out)
    ok = True
    torch.set_num_threads(1)
    for i, (L, e) in enumerate(zip(layers, entries)):
        if e.get("layer", i + 1) != i + 1:
            raise DumpError(f"entry {i + 1} of the manifest says layer {e.get('layer')}")
        label = f"{i + 1:2d} {L['name']:<10}"
        if e.get("name") not in (None, L["name"]):
            print(f"{label} note: manifest calls it {e.get('name')!r}", file=out)
        try:
            layer = build(L, x.shape[1], x.dim() - 2)
        except Exception as exc:  # noqa: BLE001 - PyTorch refuses the layer
            print(f"{label} FAIL PyTorch refuses the layer: {exc}", file=out)
            return False
        if L["op"] in ("conv", "convT"):
            mod = layer.module
            w = load_npy(dirname, e.get("weight"), f"layer {i} weight")
            if tuple(w.shape) != tuple(mod.weight.shape):
                print(f"{label} FAIL weight shape {tuple(w.shape)}, PyTorch wants "
                      f"{tuple(mod.weight.shape)}", file=out)
                return False
            with torch.no_grad():
                mod.weight.copy_(w)
                if mod.bias is not None:
                    b = load_npy(dirname, e.get("bias"), f"layer {i} bias")
                    if tuple(b.shape) != tuple(mod.bias.shape):
                        print(f"{label} FAIL bias shape {tuple(b.shape)}, PyTorch wants "
                              f"{tuple(mod.bias.shape)}", file=out)
                        return False
                    mod.bias.copy_(b)
                elif e.get("bias"):
                    print(f"{label} FAIL a bias was dumped but the layer has bias=0", file=out)
                    return False
        try:
            with torch.no_grad():
                ref = layer(x)
        except Exception as exc:  # noqa: BLE001
            print(f"{label} FAIL PyTorch refuses the layer: {exc}", file=out)
            return False
        got = load_npy(dirname, e.get("output"), f"layer {i} output")
        if tuple(got.shape) != tuple(ref.shape):
            print(f"{label} FAIL shape {tuple(got.shape)}, PyTorch {tuple(ref.shape)}", file=out)
            ok = False
            x = ref
            continue
        scale = max(1.0, float(ref.abs().max())) if ref.numel() else 1.0
        err = float((got.double() - ref.double()).abs().max()) if ref.numel() else 0.0
        if not np.isfinite(err):
            err = float("inf")
        tol = RTOL * scale
        verdict = "ok  " if err <= tol else "FAIL"
        ok = ok and err <= tol
        print(f"{label} {verdict} shape {tuple(ref.shape)} max|err| {err:.3e} "
              f"(tol {tol:.1e}, max|ref| {scale:.3g})", file=out)
        x = ref
    return ok


def main(argv):
    if len(argv) < 2 or argv[1] in ("-h", "--help"):
        print(__doc__.strip(), file=sys.stderr)
        return 2
    warnings.filterwarnings("ignore")
    worst = 0
    for d in argv[1:]:
        if len(argv) > 2:
            print(f"=== {d}")
        try:
            ok = check(d)
        except (DumpError, OSError, KeyError, ValueError, json.JSONDecodeError) as e:
            print(f"malformed dump: {e}", file=sys.stderr)
            worst = 2
            continue
        print("all layers match" if ok else "MISMATCH")
        if not ok:
            worst = max(worst, 1)
    return worst


if __name__ == "__main__":
    sys.exit(main(sys.argv))
