#!/usr/bin/env python3
"""Writes test/fixtures/torch/nn-gru-rnn.json: golden values from real PyTorch for nn.GRU,
nn.RNN (tanh and relu), nn.GRUCell and nn.RNNCell. Run from the repository root with Debian's
python3-torch:

    /usr/bin/python3 scripts/torch/gen_nn_gru_fixtures.py            # writes the fixture
    /usr/bin/python3 scripts/torch/gen_nn_gru_fixtures.py --stdout   # prints it (regeneration check)

Tiny sizes (the fixture is committed); each case records the state dict, input, h0, outputs and
the gradients of a random linear loss wrt every parameter, the input and h0
(scripts/torch/rnn_reference.py).
"""
import json
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(__file__))
from rnn_reference import run_case  # noqa: E402

I, H, T, N = 3, 4, 5, 3


def stack(kind, name, seed, input_shape, **cfg):
    packed = cfg.pop("packed", None)
    hx = cfg.pop("hx", False)
    return {"name": f"{kind} {name}", "kind": kind, "seed": seed, "config": {"input_size": I, "hidden_size": H, **cfg},
            "input_shape": input_shape, "hx_random": hx, "packed": packed}


def cell(kind, name, seed, input_shape, hx, **cfg):
    return {"name": f"{kind} {name}", "kind": kind, "seed": seed, "config": {"input_size": I, "hidden_size": H, **cfg},
            "input_shape": input_shape, "hx_random": hx}


def stack_cases(kind, base, **extra):
    return [
        stack(kind, "default", base + 1, [T, N, I], **extra),
        stack(kind, "numLayers=2, h0", base + 2, [T, N, I], num_layers=2, hx=True, **extra),
        stack(kind, "bidirectional", base + 3, [T, N, I], bidirectional=True, **extra),
        stack(kind, "batchFirst, bias=false", base + 4, [N, T, I], batch_first=True, bias=False, **extra),
        stack(kind, "unbatched + h0", base + 5, [T, I], hx=True, **extra),
        stack(kind, "packed, unsorted", base + 6, [T, N, I], packed={"lengths": [2, 5, 3], "enforce_sorted": False}, **extra),
        stack(kind, "3 layers, bidirectional, batchFirst, h0", base + 7, [N, T, I], num_layers=3, bidirectional=True,
              batch_first=True, hx=True, **extra),
        stack(kind, "2 layers, bidirectional, packed unsorted, h0", base + 8, [T, N, I], num_layers=2,
              bidirectional=True, hx=True, packed={"lengths": [3, 5, 1], "enforce_sorted": False}, **extra),
        stack(kind, "2 layers, bidirectional, bias=false, unbatched", base + 9, [T, I], num_layers=2,
              bidirectional=True, bias=False, **extra),
        stack(kind, "batchFirst, packed sorted, h0", base + 10, [N, T, I], batch_first=True, hx=True,
              packed={"lengths": [5, 4, 2], "enforce_sorted": True}, **extra),
    ]


CASES = [
    *stack_cases("gru", 100),
    *stack_cases("rnn", 200),
    *stack_cases("rnn", 300, nonlinearity="relu"),
    cell("gru_cell", "with h", 400, [N, I], True),
    cell("gru_cell", "no h, bias=false", 401, [N, I], False, bias=False),
    cell("gru_cell", "unbatched", 402, [I], True),
    cell("rnn_cell", "tanh with h", 410, [N, I], True),
    cell("rnn_cell", "relu, no h", 411, [N, I], False, nonlinearity="relu"),
    cell("rnn_cell", "relu, unbatched, bias=false", 412, [I], True, nonlinearity="relu", bias=False),
]
for c in CASES:
    if c["config"].get("nonlinearity") == "relu" and not c["kind"].endswith("cell"):
        c["name"] = c["name"].replace("rnn ", "rnn relu ", 1)


def main():
    root = os.path.join(os.path.dirname(__file__), "..", "..")
    path = os.path.join(root, "test", "fixtures", "torch", "nn-gru-rnn.json")
    fixture = {"torch_version": torch.__version__, "cases": [run_case(c) for c in CASES]}
    if "--stdout" in sys.argv:  # the regeneration check of the test:torch suite
        json.dump(fixture, sys.stdout, separators=(",", ":"))
        return
    with open(path, "w") as f:
        json.dump(fixture, f, separators=(",", ":"))
    print(f"wrote {path} ({os.path.getsize(path)} bytes, {len(CASES)} cases)")


if __name__ == "__main__":
    main()
