#!/usr/bin/env python3
"""Writes test/fixtures/torch/nn-lstm.json: golden values from real PyTorch for nn.LSTM,
nn.LSTMCell and nn.utils.rnn. Run from the repository root with Debian's python3-torch:

    /usr/bin/python3 scripts/torch/gen_nn_fixtures.py

Sizes are tiny on purpose (the fixture is committed). Every case records the state dict, the
input, the initial state, the outputs and the gradients of a random linear loss with respect to
every parameter, the input and the initial state.
"""
import json
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(__file__))
from lstm_reference import run_case, to_json  # noqa: E402
from torch.nn.utils.rnn import pack_padded_sequence, pack_sequence, pad_packed_sequence, pad_sequence  # noqa: E402

I, H, T, N = 3, 4, 5, 3


def lstm(name, seed, input_shape, **cfg):
    packed = cfg.pop("packed", None)
    hx_random = cfg.pop("hx", False)
    config = {"input_size": I, "hidden_size": H, **cfg}
    return {"name": name, "kind": "lstm", "seed": seed, "config": config, "input_shape": input_shape,
            "hx_random": hx_random, "packed": packed}


CASES = [
    lstm("default", 1, [T, N, I]),
    lstm("numLayers=2", 2, [T, N, I], num_layers=2),
    lstm("bidirectional", 3, [T, N, I], bidirectional=True),
    lstm("batchFirst", 4, [N, T, I], batch_first=True),
    lstm("projSize=2", 5, [T, N, I], proj_size=2),
    lstm("bias=false", 6, [T, N, I], bias=False),
    lstm("h0 given", 7, [T, N, I], hx=True),
    lstm("unbatched", 8, [T, I]),
    lstm("unbatched + h0", 9, [T, I], hx=True),
    lstm("packed, sorted", 10, [T, N, I], packed={"lengths": [5, 3, 2], "enforce_sorted": True}),
    lstm("packed, unsorted", 11, [T, N, I], packed={"lengths": [2, 5, 3], "enforce_sorted": False}),
    lstm("3 layers, bidirectional, projSize, batchFirst, h0", 12, [N, T, I], num_layers=3, bidirectional=True,
         proj_size=3, batch_first=True, hx=True),
    lstm("2 layers, bidirectional, packed unsorted, h0", 13, [T, N, I], num_layers=2, bidirectional=True, hx=True,
         packed={"lengths": [3, 5, 1], "enforce_sorted": False}),
    lstm("2 layers, bidirectional, projSize, bias=false, unbatched, h0", 14, [T, I], num_layers=2,
         bidirectional=True, proj_size=2, bias=False, hx=True),
    lstm("2 layers, projSize, batchFirst, packed unsorted", 15, [N, T, I], num_layers=2, proj_size=3,
         batch_first=True, packed={"lengths": [4, 2, 5], "enforce_sorted": False}),
    lstm("bidirectional, batchFirst, packed sorted, h0", 16, [N, T, I], bidirectional=True, batch_first=True,
         hx=True, packed={"lengths": [5, 5, 2], "enforce_sorted": True}),
    {"name": "cell", "kind": "cell", "seed": 20, "config": {"input_size": I, "hidden_size": H},
     "input_shape": [N, I], "hx_random": True},
    {"name": "cell, no state", "kind": "cell", "seed": 21, "config": {"input_size": I, "hidden_size": H},
     "input_shape": [N, I], "hx_random": False},
    {"name": "cell, unbatched, bias=false", "kind": "cell", "seed": 22,
     "config": {"input_size": I, "hidden_size": H, "bias": False}, "input_shape": [I], "hx_random": True},
]


def rnn_utils():
    torch.manual_seed(30)
    x = torch.randn(4, 3, 2)
    out = {"padded": to_json(x), "cases": []}
    for lengths, enforce, batch_first in (([4, 2, 1], True, False), ([1, 4, 3], False, False),
                                          ([2, 4, 3], False, True)):
        inp = x.transpose(0, 1) if batch_first else x
        p = pack_padded_sequence(inp, torch.tensor(lengths), batch_first=batch_first, enforce_sorted=enforce)
        padded, lens = pad_packed_sequence(p, batch_first=batch_first, padding_value=-1.5, total_length=6)
        out["cases"].append({
            "lengths": lengths, "enforce_sorted": enforce, "batch_first": batch_first,
            "data": to_json(p.data), "batch_sizes": to_json(p.batch_sizes),
            "sorted_indices": None if p.sorted_indices is None else to_json(p.sorted_indices),
            "unsorted_indices": None if p.unsorted_indices is None else to_json(p.unsorted_indices),
            "repadded": to_json(padded), "lengths_out": to_json(lens)})
    seqs = [torch.randn(2, 3), torch.randn(4, 3), torch.randn(1, 3)]
    out["sequences"] = [to_json(s) for s in seqs]
    out["pad_sequence"] = to_json(pad_sequence(seqs, padding_value=0.5))
    out["pad_sequence_batch_first"] = to_json(pad_sequence(seqs, batch_first=True))
    ps = pack_sequence(seqs, enforce_sorted=False)
    out["pack_sequence"] = {"data": to_json(ps.data), "batch_sizes": to_json(ps.batch_sizes),
                            "sorted_indices": to_json(ps.sorted_indices),
                            "unsorted_indices": to_json(ps.unsorted_indices)}
    return out


def main():
    root = os.path.join(os.path.dirname(__file__), "..", "..")
    path = os.path.join(root, "test", "fixtures", "torch", "nn-lstm.json")
    fixture = {"torch_version": torch.__version__, "cases": [run_case(c) for c in CASES], "rnn_utils": rnn_utils()}
    with open(path, "w") as f:
        json.dump(fixture, f, separators=(",", ":"))
    print(f"wrote {path} ({os.path.getsize(path)} bytes, {len(CASES)} cases)")


if __name__ == "__main__":
    main()
