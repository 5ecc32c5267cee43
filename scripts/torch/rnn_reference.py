#!/usr/bin/env python3
"""Runs nn.GRU / nn.RNN / nn.GRUCell / nn.RNNCell cases through real PyTorch and reports outputs
and gradients as JSON (the GRU/RNN twin of lstm_reference.py, same tensor JSON).

Used two ways:
  - imported by gen_nn_gru_fixtures.py, which writes the committed golden fixtures;
  - as a filter by the differential suite (`npm run test:torch`):
        /usr/bin/python3 scripts/torch/rnn_reference.py < cases.json > results.json

A case:
  {"kind": "gru" | "rnn" | "gru_cell" | "rnn_cell",
   "config": {"input_size", "hidden_size", "num_layers", "bias", "batch_first", "bidirectional",
              "nonlinearity"}                        # cells: input_size, hidden_size, bias, nonlinearity
   "seed": int, "input_shape": [...], "hx_random": bool,
   "packed": {"lengths": [...], "enforce_sorted": bool} | null}
The result adds: state_dict, input, hx ([h0] when given), loss_weights, output (padded, for
packed input), h_n, packed_in / packed_out, grads (every parameter, input, h0).
The loss is sum(output * W_out) + sum(h_n * W_h) with random W.
"""
import json
import os
import sys

import torch
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

sys.path.insert(0, os.path.dirname(__file__))
from lstm_reference import to_json  # noqa: E402


def build(kind, cfg):
    bias = cfg.get("bias", True)
    if kind == "gru_cell":
        return torch.nn.GRUCell(cfg["input_size"], cfg["hidden_size"], bias=bias)
    if kind == "rnn_cell":
        return torch.nn.RNNCell(cfg["input_size"], cfg["hidden_size"], bias=bias,
                                nonlinearity=cfg.get("nonlinearity", "tanh"))
    common = dict(num_layers=cfg.get("num_layers", 1), bias=bias, batch_first=cfg.get("batch_first", False),
                  bidirectional=cfg.get("bidirectional", False))
    if kind == "gru":
        return torch.nn.GRU(cfg["input_size"], cfg["hidden_size"], **common)
    return torch.nn.RNN(cfg["input_size"], cfg["hidden_size"], nonlinearity=cfg.get("nonlinearity", "tanh"), **common)


def run_case(case):
    torch.manual_seed(case.get("seed", 0))
    cfg = case["config"]
    kind = case["kind"]
    cell = kind.endswith("_cell")
    module = build(kind, cfg)
    module.train(False)  # no dropout in golden values
    x = torch.randn(*case["input_shape"])
    x.requires_grad_(True)
    h0 = None
    if case.get("hx_random"):
        if cell:
            h0 = torch.randn(*(list(x.shape[:-1]) + [cfg["hidden_size"]]))
        else:
            ld = (2 if cfg.get("bidirectional") else 1) * cfg.get("num_layers", 1)
            n = [] if x.dim() == 2 else [x.shape[0 if cfg.get("batch_first") else 1]]
            h0 = torch.randn(ld, *n, cfg["hidden_size"])
        h0.requires_grad_(True)

    result = {"case": case.get("name"), "kind": kind, "config": cfg, "packed": case.get("packed"),
              "state_dict": {k: to_json(v) for k, v in module.state_dict().items()}, "input": to_json(x)}
    if h0 is not None:
        result["hx"] = [to_json(h0)]

    output = None
    if cell:
        h_n = module(x, h0)
    elif case.get("packed"):
        p = case["packed"]
        bf = cfg.get("batch_first", False)
        packed = pack_padded_sequence(x, torch.tensor(p["lengths"]), batch_first=bf, enforce_sorted=p.get("enforce_sorted", True))
        out_packed, h_n = module(packed, h0)
        output, out_lengths = pad_packed_sequence(out_packed, batch_first=bf)
        result["packed_in"] = {
            "data": to_json(packed.data), "batch_sizes": to_json(packed.batch_sizes),
            "sorted_indices": None if packed.sorted_indices is None else to_json(packed.sorted_indices),
            "unsorted_indices": None if packed.unsorted_indices is None else to_json(packed.unsorted_indices)}
        result["packed_out"] = {"data": to_json(out_packed.data), "lengths": to_json(out_lengths)}
    else:
        output, h_n = module(x, h0)

    loss_w = {}
    loss = 0
    for name, t in (("output", output), ("h_n", h_n)):
        if t is None:
            continue
        w = torch.randn(*t.shape)
        loss_w[name] = to_json(w)
        loss = loss + (t * w).sum()
        result[name] = to_json(t)
    result["loss_weights"] = loss_w
    loss.backward()
    grads = {k: to_json(p.grad) for k, p in module.named_parameters()}
    grads["input"] = to_json(x.grad)
    if h0 is not None:
        grads["h0"] = to_json(h0.grad)
    result["grads"] = grads
    result["loss"] = float(loss)
    return result


def main():
    cases = json.load(sys.stdin)
    json.dump([run_case(c) for c in cases], sys.stdout)


if __name__ == "__main__":
    main()
