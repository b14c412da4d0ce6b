"""How a convplay state maps onto PyTorch (the one place that says so).

Used by tests/fixtures/gen_fixtures.py (golden fixtures) and tests/torch/check_dump.py
(cross-check of the native CLI's --dump output).  Importing it requires torch.

    parse_state(text) -> (input_shape, [layer dicts])
    build(layer, in_channels, dims) -> callable(x)

The parser handles the grammar of docs/state-format.md (version 1).  It is a test helper, not
a validator: it accepts what the doc describes and raises ValueError on anything else, but
does not enforce the size limits.

Layer dicts are normalised: {"op": "conv"|"convT"|"maxpool"|"avgpool"|"upsample"|"relu"|
"leakyrelu"|"sigmoid"|"tanh"|"crop", "name": canonical name, "dims": 1|2|None, ...arguments under
their short names...}.
"""

import math
from urllib.parse import unquote

import torch
import torch.nn as nn
import torch.nn.functional as F

# ---------------------------------------------------------------------------------------------
# Parsing

_LAYER_NAMES = {
    "conv1d": ("conv", 1), "Conv1d": ("conv", 1),
    "conv2d": ("conv", 2), "Conv2d": ("conv", 2),
    "convT1d": ("convT", 1), "ConvTranspose1d": ("convT", 1), "deconv1d": ("convT", 1),
    "convT2d": ("convT", 2), "ConvTranspose2d": ("convT", 2), "deconv2d": ("convT", 2),
    "maxpool1d": ("maxpool", 1), "MaxPool1d": ("maxpool", 1),
    "maxpool2d": ("maxpool", 2), "MaxPool2d": ("maxpool", 2),
    "avgpool1d": ("avgpool", 1), "AvgPool1d": ("avgpool", 1),
    "avgpool2d": ("avgpool", 2), "AvgPool2d": ("avgpool", 2),
    "upsample": ("upsample", None), "Upsample": ("upsample", None),
    "relu": ("relu", None), "ReLU": ("relu", None),
    "sigmoid": ("sigmoid", None), "Sigmoid": ("sigmoid", None),
    "tanh": ("tanh", None), "Tanh": ("tanh", None),
    "leakyrelu": ("leakyrelu", None), "LeakyReLU": ("leakyrelu", None),
    "leaky_relu": ("leakyrelu", None),
    "crop1d": ("crop", 1), "Crop1d": ("crop", 1), "cropping1d": ("crop", 1),
    "crop2d": ("crop", 2), "Crop2d": ("crop", 2), "cropping2d": ("crop", 2),
}

_CANONICAL = {
    ("conv", 1): "conv1d", ("conv", 2): "conv2d", ("convT", 1): "convT1d",
    ("convT", 2): "convT2d", ("maxpool", 1): "maxpool1d", ("maxpool", 2): "maxpool2d",
    ("avgpool", 1): "avgpool1d", ("avgpool", 2): "avgpool2d", ("upsample", None): "upsample",
    ("relu", None): "relu", ("sigmoid", None): "sigmoid", ("tanh", None): "tanh",
    ("leakyrelu", None): "leakyrelu", ("crop", 1): "crop1d", ("crop", 2): "crop2d",
}

_LONG_ARGS = {
    "out_channels": "out", "kernel_size": "k", "padding": "p", "output_padding": "op",
    "padding_mode": "pm", "ceil_mode": "ceil", "count_include_pad": "cip",
    "scale_factor": "scale", "align_corners": "ac", "negative_slope": "slope",
    "in_channels": "in", "cropping": "c", "crop": "c", "stride": "s", "dilation": "d", "groups": "g",
}

_ALLOWED = {
    "conv": {"out", "k", "s", "p", "d", "g", "bias", "pm", "in", "w", "seed", "wv", "bv"},
    "convT": {"out", "k", "s", "p", "d", "g", "bias", "pm", "in", "op", "w", "seed", "wv", "bv"},
    "maxpool": {"k", "s", "p", "d", "ceil"},
    "avgpool": {"k", "s", "p", "ceil", "cip"},
    "upsample": {"scale", "size", "mode", "ac"},
    "relu": set(), "sigmoid": set(), "tanh": set(),
    "leakyrelu": {"slope"},
    "crop": {"c"},
}


def _int(text):
    if text.startswith(("-", "+")):
        body = text[1:]
    else:
        body = text
    if not body.isdigit():
        raise ValueError(f"not an integer: {text!r}")
    return int(text)


def _sizes(text, dims):
    """'3' -> (3,)*dims ; '3x5' -> (3, 5)."""
    parts = [_int(t) for t in text.split("x")]
    if len(parts) == 1:
        return tuple(parts * dims)
    if len(parts) != dims:
        raise ValueError(f"expected {dims} sizes: {text!r}")
    return tuple(parts)


def _bool(text):
    if text in ("1", "true"):
        return True
    if text in ("0", "false"):
        return False
    raise ValueError(f"not a boolean: {text!r}")


def _padding(text, dims):
    """Returns ('word', w) | ('sym', (p,...)) | ('sides', ((b,e),...))."""
    if text in ("valid", "same", "full", "tfsame"):
        return ("word", text)
    if ":" in text:
        axes = text.split("x")
        if len(axes) == 1:
            axes = axes * dims  # "1:2" is every axis
        if len(axes) != dims:
            raise ValueError(f"per-side padding needs {dims} axes: {text!r}")
        sides = []
        for a in axes:
            be = a.split(":")
            if len(be) != 2:
                raise ValueError(f"bad per-side padding: {text!r}")
            sides.append((_int(be[0]), _int(be[1])))
        return ("sides", tuple(sides))
    return ("sym", _sizes(text, dims))


def _floats(text):
    return tuple(float(t) for t in text.split("x"))


def _parse_layer(text, index):
    text = text.strip()
    if "(" in text:
        if not text.endswith(")"):
            raise ValueError(f"layer {index}: missing ')': {text!r}")
        name, body = text[:-1].split("(", 1)
        args = [a for a in body.split(",") if a != ""]
    else:
        name, args = text, []
    if name not in _LAYER_NAMES:
        raise ValueError(f"layer {index}: unknown layer {name!r}")
    op, dims = _LAYER_NAMES[name]
    raw = {}
    for a in args:
        if "=" not in a:
            raise ValueError(f"layer {index} ({name}): argument without '=': {a!r}")
        key, value = a.split("=", 1)
        key = _LONG_ARGS.get(key, key)
        if key not in _ALLOWED[op]:
            raise ValueError(f"layer {index} ({name}): unknown argument {key!r}")
        raw[key] = value
    L = {"op": op, "dims": dims, "name": _CANONICAL[(op, dims)]}
    if op in ("conv", "convT"):
        for req in ("out", "k"):
            if req not in raw:
                raise ValueError(f"layer {index} ({name}): missing {req}")
        L["out"] = _int(raw["out"])
        L["k"] = _sizes(raw["k"], dims)
        L["s"] = _sizes(raw.get("s", "1"), dims)
        L["p"] = _padding(raw.get("p", "0"), dims)
        L["d"] = _sizes(raw.get("d", "1"), dims)
        L["g"] = _int(raw.get("g", "1"))
        L["bias"] = _bool(raw.get("bias", "1"))
        L["pm"] = raw.get("pm", "zeros")
        L["in"] = _int(raw["in"]) if "in" in raw else None
        if op == "convT":
            L["op_"] = _sizes(raw.get("op", "0"), dims)
        L["w"] = raw.get("w", "rand")
        L["seed"] = _int(raw["seed"]) if "seed" in raw else None
        L["wv"] = [float(v) for v in raw["wv"].split("_")] if "wv" in raw else None
        L["bv"] = [float(v) for v in raw["bv"].split("_")] if "bv" in raw else None
    elif op in ("maxpool", "avgpool"):
        if "k" not in raw:
            raise ValueError(f"layer {index} ({name}): missing k")
        L["k"] = _sizes(raw["k"], dims)
        L["s"] = _sizes(raw["s"], dims) if "s" in raw else L["k"]
        # A padding word goes to PyTorch as it is (the pool refuses it in forward).
        p = raw.get("p", "0")
        L["p"] = p if p in ("valid", "same", "full", "tfsame") else _sizes(p, dims)
        L["ceil"] = _bool(raw.get("ceil", "0"))
        if op == "maxpool":
            L["d"] = _sizes(raw.get("d", "1"), dims)
        else:
            L["cip"] = _bool(raw.get("cip", "1"))
    elif op == "upsample":
        L["scale"] = _floats(raw["scale"]) if "scale" in raw else None
        L["size"] = tuple(_int(t) for t in raw["size"].split("x")) if "size" in raw else None
        L["mode"] = raw.get("mode", "nearest")
        L["ac"] = _bool(raw["ac"]) if "ac" in raw else None
    elif op == "leakyrelu":
        L["slope"] = float(raw.get("slope", "0.01"))
    elif op == "crop":
        kind, pv = _padding(raw.get("c", "0"), dims)
        if kind == "word":
            raise ValueError(f"layer {index} ({name}): c takes numbers only")
        L["c"] = pv if kind == "sides" else tuple((v, v) for v in pv)
    return L


def parse_state(text):
    """Returns (input_shape, layers); input_shape = (N, C, H, W) or (N, C, L)."""
    text = unquote(text.strip())
    if text.startswith("#"):
        text = text[1:]
    kv = {}
    for part in text.split("&"):
        if part == "":
            continue
        if "=" not in part:
            raise ValueError(f"bad key/value: {part!r}")
        k, v = part.split("=", 1)
        if k == "batch":
            k = "n"
        kv[k] = v
    if kv.get("v", "1") != "1":
        raise ValueError("unsupported version")
    shape = [_int(t) for t in kv.get("in", "3x256x256").split("x")]
    if len(shape) not in (2, 3):
        raise ValueError(f"bad input shape: {kv.get('in')!r}")
    n = _int(kv.get("n", "1"))
    net = kv.get("net", "")
    layers = [_parse_layer(t, i) for i, t in enumerate(net.split(";")) if t.strip() != ""]
    return (n, *shape), layers


# ---------------------------------------------------------------------------------------------
# Building

_CONV = {1: nn.Conv1d, 2: nn.Conv2d}
_CONVT = {1: nn.ConvTranspose1d, 2: nn.ConvTranspose2d}
_MAXPOOL = {1: nn.MaxPool1d, 2: nn.MaxPool2d}
_AVGPOOL = {1: nn.AvgPool1d, 2: nn.AvgPool2d}


def _one(t):
    """PyTorch accepts a 1-tuple for 1-d layers; pass a plain int there to stay close to how
    people write it (messages are the same).  A string (a padding word) passes unchanged."""
    return t if isinstance(t, str) else (t[0] if len(t) == 1 else t)


def tfsame_sides(i, k, s, d):
    """TensorFlow 'SAME' per axis: (before, after)."""
    ke = d * (k - 1) + 1
    total = max(0, (math.ceil(i / s) - 1) * s + ke - i) if s > 0 else 0
    before = total // 2
    return before, total - before


class Layer:
    """A built layer: call it with a tensor.  `module` is the nn.Module that holds the weight
    and bias (conv/convT) or does the work; `pre` a padding step applied before it (or None)."""

    def __init__(self, module, pre=None):
        self.module = module
        self.pre = pre

    def __call__(self, x):
        if self.pre is not None:
            x = self.pre(x)
        return self.module(x)


class Crop(nn.Module):
    """A crop as PyTorch code writes it, a slice: x[..., t:H-b, l:W-r] (`sides` = ((t, b), (l, r))
    or ((l, r),)).  PyTorch has no crop module and a slice never fails: a negative amount would
    count from the other end and an empty slice would give an empty tensor.  convplay refuses
    both, in the words below; they are convplay's, written after PyTorch's pools ("Output size
    is too small")."""

    def __init__(self, sides, dims):
        super().__init__()
        self.sides, self.dims = sides, dims

    def forward(self, x):
        axes = len(self.sides)
        names = ["L"] if axes == 1 else ["H", "W"]
        for a, (b, e) in enumerate(self.sides):
            if b < 0 or e < 0:
                raise RuntimeError(f"Crop{self.dims}d: cropping must be non-negative, but got {b}:{e} along {names[a]}")
        size = list(x.shape[2:])
        out = [n - b - e for n, (b, e) in zip(size, self.sides)]
        if min(out) < 1:
            c = x.shape[1]
            given = "x".join(str(v) for v in [c] + size)
            calc = "x".join(str(v) for v in [c] + out)
            raise RuntimeError(f"Given input size: ({given}). Calculated output size: ({calc}). Output size is too small")
        index = tuple(slice(b, n - e) for n, (b, e) in zip(size, self.sides))
        return x[(Ellipsis, *index)]


def build(layer, in_channels, dims):
    """Constructs the PyTorch module for `layer` fed with `in_channels` channels and `dims`
    spatial dimensions.  Raises whatever PyTorch raises at construction ("init" errors)."""
    op = layer["op"]
    if op == "conv":
        d_ = layer["dims"]
        cin = layer["in"] if layer["in"] is not None else in_channels
        kind, pv = layer["p"]
        pm = layer["pm"]
        k, s, d = layer["k"], layer["s"], layer["d"]
        pre = None
        if kind == "word" and pv in ("same", "valid"):
            padding = pv
        elif kind == "word" and pv == "full":
            padding = _one(tuple(dd * (kk - 1) for kk, dd in zip(k, d)))
        elif kind == "sym":
            padding = _one(pv)
        else:
            # per side or tfsame: explicit F.pad, then padding=0
            mode = "constant" if pm == "zeros" else pm
            padding = 0

            if kind == "sides":
                sides = pv

                def pre(x, sides=sides, mode=mode):
                    flat = []
                    for b, e in reversed(sides):  # F.pad wants last axis first
                        flat += [b, e]
                    return F.pad(x, tuple(flat), mode=mode)
            else:  # tfsame, resolved from the actual input size

                def pre(x, k=k, s=s, d=d, mode=mode):
                    flat = []
                    for ax in reversed(range(len(k))):
                        i = x.shape[x.dim() - len(k) + ax]
                        flat += list(tfsame_sides(i, k[ax], s[ax], d[ax]))
                    return F.pad(x, tuple(flat), mode=mode)
        m = _CONV[d_](cin, layer["out"], _one(k), stride=_one(s), padding=padding,
                      dilation=_one(d), groups=layer["g"], bias=layer["bias"],
                      padding_mode=(pm if pre is None else "zeros"))
        return Layer(m, pre)
    if op == "convT":
        d_ = layer["dims"]
        cin = layer["in"] if layer["in"] is not None else in_channels
        kind, pv = layer["p"]
        if kind == "word":
            # PyTorch itself refuses every padding word here, 'valid' included (see shapes.cpp)
            padding = pv
        elif kind == "sym":
            padding = _one(pv)
        else:
            raise ValueError("per-side padding has no PyTorch ConvTranspose equivalent")
        m = _CONVT[d_](cin, layer["out"], _one(layer["k"]), stride=_one(layer["s"]),
                       padding=padding, output_padding=_one(layer["op_"]), groups=layer["g"],
                       bias=layer["bias"], dilation=_one(layer["d"]),
                       padding_mode=layer["pm"])
        return Layer(m)
    if op == "maxpool":
        m = _MAXPOOL[layer["dims"]](_one(layer["k"]), stride=_one(layer["s"]),
                                    padding=_one(layer["p"]), dilation=_one(layer["d"]),
                                    ceil_mode=layer["ceil"])
        return Layer(m)
    if op == "avgpool":
        m = _AVGPOOL[layer["dims"]](_one(layer["k"]), stride=_one(layer["s"]),
                                    padding=_one(layer["p"]), ceil_mode=layer["ceil"],
                                    count_include_pad=layer["cip"])
        return Layer(m)
    if op == "upsample":
        kw = {"mode": layer["mode"]}
        if layer["size"] is not None:
            kw["size"] = layer["size"][0] if len(layer["size"]) == 1 else layer["size"]
        if layer["scale"] is not None:
            kw["scale_factor"] = (layer["scale"][0] if len(layer["scale"]) == 1
                                  else layer["scale"])
        if layer["ac"] is not None:
            kw["align_corners"] = layer["ac"]
        return Layer(nn.Upsample(**kw))
    if op == "crop":
        return Layer(Crop(layer["c"], layer["dims"]))
    if op == "relu":
        return Layer(nn.ReLU())
    if op == "leakyrelu":
        return Layer(nn.LeakyReLU(layer["slope"]))
    if op == "sigmoid":
        return Layer(nn.Sigmoid())
    if op == "tanh":
        return Layer(nn.Tanh())
    raise ValueError(f"unknown op {op!r}")


def first_line(msg):
    """PyTorch's C++ errors may carry a backtrace after the first line; keep the first."""
    return msg.split("\n", 1)[0]
