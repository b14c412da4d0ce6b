#!/usr/bin/python3
"""Runs `convplay export --to pytorch` on every stack of stacks.txt and checks the exported code.

    /usr/bin/python3 tests/export/check_pytorch.py CONVPLAY [STACKS]

For each state: the exported file runs under Debian's python3-torch (its own assert on the
output shape included), the shape it asserts equals the engine's, and its output `y` equals
`convplay run`'s last output within 1e-5 * max(1, max|y|). States marked '!' must be refused
(exit 1 and a message naming the layer). Exits 0 when all pass, 1 otherwise; prints
"skipped: torch not available" and exits 0 without torch.
"""

import contextlib
import io
import json
import os
import re
import runpy
import subprocess
import sys
import tempfile
import warnings

HERE = os.path.dirname(os.path.abspath(__file__))
RTOL = 1e-5


def read_stacks(path):
    good, bad = [], []
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            (bad if line.startswith("!") else good).append(line.lstrip("!"))
    return good, bad


def main(argv):
    if len(argv) not in (2, 3):
        print(__doc__.strip(), file=sys.stderr)
        return 2
    try:
        import numpy as np
        import torch
    except ImportError:
        print("skipped: torch not available")
        return 0
    torch.set_num_threads(1)
    warnings.filterwarnings("ignore")  # e.g. padding="same" with an even kernel: a note, not a failure
    cli = argv[1]
    good, bad = read_stacks(argv[2] if len(argv) == 3 else os.path.join(HERE, "stacks.txt"))
    failures, worst, compared = [], 0.0, 0
    with tempfile.TemporaryDirectory(prefix="convplay-export-pt-") as tmp:
        for i, state in enumerate(good):
            py = os.path.join(tmp, f"s{i}.py")
            run_dir = os.path.join(tmp, f"run{i}")
            r = subprocess.run([cli, "export", state, "--to", "pytorch", "--out", py], capture_output=True, text=True)
            if r.returncode != 0:
                failures.append(f"[{i}] export failed: {r.stderr.strip()}")
                continue
            code = open(py, encoding="utf-8").read()
            m = re.search(r"^assert tuple\(y\.shape\) == \(([0-9, ]+)\)", code, re.M)
            if not m:
                failures.append(f"[{i}] no shape assert in the exported code")
                continue
            asserted = [int(v) for v in m.group(1).replace(" ", "").strip(",").split(",")]
            try:
                with contextlib.redirect_stdout(io.StringIO()):  # it prints its output shape
                    g = runpy.run_path(py, run_name="__main__")
            except Exception as e:  # noqa: BLE001 - any failure of the exported code is a test failure
                failures.append(f"[{i}] the exported code fails: {type(e).__name__}: {e}")
                continue
            y = g["y"]
            shapes = subprocess.run([cli, "shapes", state, "--json"], capture_output=True, text=True)
            info = json.loads(shapes.stdout)
            engine_shape = info["layers"][-1]["out"] if info["layers"] else info["input"]
            if asserted != engine_shape or list(y.shape) != engine_shape:
                failures.append(f"[{i}] shape: asserted {asserted}, ran {list(y.shape)}, engine {engine_shape}")
                continue
            if "img=upload" in state:
                print(f"[{i}] ok   shape {engine_shape} (random stand-in input: values not compared)")
                continue
            r = subprocess.run([cli, "run", state, "--out", run_dir], capture_output=True, text=True)
            if r.returncode != 0:
                failures.append(f"[{i}] convplay run failed: {r.stderr.strip()}")
                continue
            with open(os.path.join(run_dir, "manifest.json"), encoding="utf-8") as fh:
                man = json.load(fh)
            ref = np.load(os.path.join(run_dir, man["layers"][-1]["output"]))
            got = y.numpy()
            scale = max(1.0, float(np.abs(got).max())) if got.size else 1.0
            err = float(np.abs(got.astype(np.float64) - ref.astype(np.float64)).max()) / scale if got.size else 0.0
            compared += 1
            worst = max(worst, err)
            verdict = "ok  " if err <= RTOL else "FAIL"
            print(f"[{i}] {verdict} shape {engine_shape} max|err|/max(1,|y|) {err:.2e}")
            if err > RTOL:
                failures.append(f"[{i}] values differ by {err:.2e} (relative): {state}")
        for j, state in enumerate(bad):
            r = subprocess.run([cli, "export", state, "--to", "pytorch"], capture_output=True, text=True)
            if r.returncode != 1 or not re.search(r"layer \d+ \(", r.stderr) or r.stdout:
                failures.append(f"[refused {j}] expected exit 1 and a message naming the layer, got {r.returncode}: "
                                f"{r.stderr.strip()!r}")
            else:
                print(f"[refused {j}] ok   {r.stderr.strip()}")
    for f in failures:
        print("FAIL", f)
    print(f"pytorch export: {len(good) + len(bad) - len(failures)} passed, {len(failures)} failed "
          f"({compared} outputs compared, worst relative error {worst:.2e})")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
