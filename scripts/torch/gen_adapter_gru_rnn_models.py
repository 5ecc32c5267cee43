#!/usr/bin/env python3
"""Writes test/fixtures/torch/adapters-gru-rnn-models.json: real PyTorch nn.GRU / nn.RNN modules
(multi-layer, bidirectional, batch_first, bias=False, tanh and relu) for the whole-model adapters'
test (test/adapters-gru-rnn-models.test.ts: adapters.toKeras of the loaded module predicts what
PyTorch computes, and adapters.toTorch gives the state dict back). Run from the repository root
with Debian's python3-torch:

    /usr/bin/python3 scripts/torch/gen_adapter_gru_rnn_models.py            # writes the fixture
    /usr/bin/python3 scripts/torch/gen_adapter_gru_rnn_models.py --stdout   # prints it (regeneration check)

Each case records the state dict (PyTorch's key order), a batch-major input and h0, PyTorch's
output (in the module's layout) and h_n, and, per layer and direction, the Keras weights
written here from PyTorch's equations and Keras' layout, independently of lstm-bridge:
  GRU (Keras reset_after=True, gates z, r, h; PyTorch rows r, z, n):
    kernel = [W_iz; W_ir; W_in]^T (I, 3H), recurrent_kernel = [W_hz; W_hr; W_hn]^T (H, 3H),
    bias = [[b_iz, b_ir, b_in], [b_hz, b_hr, b_hn]] (2, 3H)
  SimpleRNN: kernel = W_ih^T, recurrent_kernel = W_hh^T, bias = b_ih + b_hh (float32 sum).
Tiny sizes: the fixture is committed.
"""
import json
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(__file__))
from lstm_reference import to_json  # noqa: E402

I, H, T, N = 3, 4, 5, 2

CASES = [
    {"name": "gru 1 layer", "kind": "gru", "seed": 1, "config": {}},
    {"name": "gru 2 layers, bidirectional, batch_first, h0", "kind": "gru", "seed": 2,
     "config": {"num_layers": 2, "bidirectional": True, "batch_first": True}, "h0": True},
    {"name": "gru 3 layers, bias=False, batch_first", "kind": "gru", "seed": 3,
     "config": {"num_layers": 3, "bias": False, "batch_first": True}},
    {"name": "gru 2 layers, bidirectional (time-major)", "kind": "gru", "seed": 4,
     "config": {"num_layers": 2, "bidirectional": True}},
    {"name": "rnn tanh 2 layers, bidirectional, batch_first, h0", "kind": "rnn", "seed": 5,
     "config": {"num_layers": 2, "bidirectional": True, "batch_first": True}, "h0": True},
    {"name": "rnn relu 3 layers, batch_first", "kind": "rnn", "seed": 6,
     "config": {"num_layers": 3, "batch_first": True, "nonlinearity": "relu"}},
    {"name": "rnn tanh bias=False, bidirectional", "kind": "rnn", "seed": 7,
     "config": {"bias": False, "bidirectional": True}},
    {"name": "rnn relu 1 layer (time-major), h0", "kind": "rnn", "seed": 8,
     "config": {"nonlinearity": "relu"}, "h0": True},
]


def build(kind, cfg):
    common = dict(num_layers=cfg.get("num_layers", 1), bias=cfg.get("bias", True),
                  batch_first=cfg.get("batch_first", False), bidirectional=cfg.get("bidirectional", False))
    if kind == "gru":
        return torch.nn.GRU(I, H, **common)
    return torch.nn.RNN(I, H, nonlinearity=cfg.get("nonlinearity", "tanh"), **common)


def zrh(t):
    """PyTorch's GRU row blocks r, z, n -> Keras' z, r, h (along dim 0)."""
    r, z, n = t.chunk(3, 0)
    return torch.cat([z, r, n], 0)


def keras_weights(kind, sd, suffix, bias):
    w_ih, w_hh = sd[f"weight_ih{suffix}"], sd[f"weight_hh{suffix}"]
    if kind == "gru":
        out = {"kernel": zrh(w_ih).t(), "recurrent_kernel": zrh(w_hh).t()}
        if bias:
            out["bias"] = torch.stack([zrh(sd[f"bias_ih{suffix}"]), zrh(sd[f"bias_hh{suffix}"])])
    else:
        out = {"kernel": w_ih.t(), "recurrent_kernel": w_hh.t()}
        if bias:
            out["bias"] = sd[f"bias_ih{suffix}"] + sd[f"bias_hh{suffix}"]
    return {k: to_json(v.contiguous()) for k, v in out.items()}


def run(case):
    torch.manual_seed(case["seed"])
    cfg = case["config"]
    module = build(case["kind"], cfg).eval()
    layers, dirs = cfg.get("num_layers", 1), 2 if cfg.get("bidirectional") else 1
    x = torch.randn(N, T, I)  # batch-major, as the Keras model takes it
    h0 = torch.randn(layers * dirs, N, H) if case.get("h0") else None
    with torch.no_grad():
        output, h_n = module(x if cfg.get("batch_first") else x.transpose(0, 1), h0)
    sd = module.state_dict()
    keras = [[keras_weights(case["kind"], sd, f"_l{k}{'_reverse' if d else ''}", cfg.get("bias", True))
              for d in range(dirs)] for k in range(layers)]
    return {
        "name": case["name"], "kind": case["kind"],
        "config": {"input_size": I, "hidden_size": H, "num_layers": layers, "bias": cfg.get("bias", True),
                   "batch_first": cfg.get("batch_first", False), "bidirectional": dirs == 2,
                   "nonlinearity": cfg.get("nonlinearity", "tanh")},
        "state_dict": [[k, to_json(v)] for k, v in sd.items()],
        "input": to_json(x), "h0": None if h0 is None else to_json(h0),
        "output": to_json(output), "h_n": to_json(h_n), "keras": keras,
    }


def main():
    fixture = {"torch_version": torch.__version__, "cases": [run(c) for c in CASES]}
    if "--stdout" in sys.argv:
        json.dump(fixture, sys.stdout, separators=(",", ":"))
        return
    path = os.path.join(os.path.dirname(__file__), "..", "..", "test", "fixtures", "torch", "adapters-gru-rnn-models.json")
    with open(path, "w") as f:
        json.dump(fixture, f, separators=(",", ":"))
    print(f"wrote {os.path.normpath(path)} ({os.path.getsize(path)} bytes, {len(CASES)} cases)")


if __name__ == "__main__":
    main()
