#!/usr/bin/env python3
"""Runs LSTM cases through real PyTorch and reports outputs and gradients as JSON.

Used two ways:
  - imported by gen_nn_fixtures.py, which writes the committed golden fixtures;
  - as a filter by the differential suite (`npm run test:torch`):
        /usr/bin/python3 scripts/torch/lstm_reference.py < cases.json > results.json

A tensor in JSON is {"shape": [...], "data": [flat row-major floats]}.

A case:
  {"kind": "lstm" | "cell",
   "config": {"input_size", "hidden_size", "num_layers", "bias", "batch_first",
              "bidirectional", "proj_size"}          # cell: input_size, hidden_size, bias
   "seed": int,                                       # used when a tensor below is absent
   "state_dict": {key: tensor} | absent,              # absent: PyTorch's own init
   "input": tensor | absent (then random, "input_shape" gives the shape),
   "hx": [h0, c0] | null | absent,  "hx_random": bool (random hx when hx absent),
   "packed": {"lengths": [...], "enforce_sorted": bool} | null}
The result adds: state_dict, input, hx, loss_weights, output (padded, for packed input),
h_n, c_n, packed_out (data, batch_sizes, sorted_indices, unsorted_indices), grads.
The loss is sum(output * W_out) + sum(h_n * W_h) + sum(c_n * W_c) with random W.
"""
import json
import sys

import torch
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence


def to_json(t):
    """A tensor as JSON; float32 values with 9 significant digits, which round-trip exactly."""
    t = t.detach()
    flat = t.reshape(-1).tolist()
    data = [float("%.9g" % v) for v in flat] if t.dtype.is_floating_point else [int(v) for v in flat]
    return {"shape": list(t.shape), "data": data}


def from_json(j, dtype=torch.float32):
    return torch.tensor(j["data"], dtype=dtype).reshape(j["shape"])


def run_case(case):
    torch.manual_seed(case.get("seed", 0))
    cfg = case["config"]
    kind = case.get("kind", "lstm")
    if kind == "cell":
        module = torch.nn.LSTMCell(cfg["input_size"], cfg["hidden_size"], bias=cfg.get("bias", True))
    else:
        module = torch.nn.LSTM(
            cfg["input_size"], cfg["hidden_size"], num_layers=cfg.get("num_layers", 1),
            bias=cfg.get("bias", True), batch_first=cfg.get("batch_first", False),
            bidirectional=cfg.get("bidirectional", False), proj_size=cfg.get("proj_size", 0))
    module.train(False)  # no dropout in golden values
    if "state_dict" in case:
        module.load_state_dict({k: from_json(v) for k, v in case["state_dict"].items()})
    x = from_json(case["input"]) if "input" in case else torch.randn(*case["input_shape"])
    x.requires_grad_(True)

    hx = None
    if case.get("hx"):
        hx = [from_json(t) for t in case["hx"]]
    elif case.get("hx_random"):
        if kind == "cell":
            shape = list(x.shape[:-1]) + [cfg["hidden_size"]]
            hx = [torch.randn(*shape), torch.randn(*shape)]
        else:
            d = 2 if cfg.get("bidirectional") else 1
            ld = d * cfg.get("num_layers", 1)
            h_out = cfg.get("proj_size", 0) or cfg["hidden_size"]
            unbatched = x.dim() == 2
            n = [] if unbatched else [x.shape[0 if cfg.get("batch_first") else 1]]
            hx = [torch.randn(ld, *n, h_out), torch.randn(ld, *n, cfg["hidden_size"])]
    if hx is not None:
        for t in hx:
            t.requires_grad_(True)

    result = {"case": case.get("name"), "kind": kind, "config": cfg, "packed": case.get("packed"),
              "state_dict": {k: to_json(v) for k, v in module.state_dict().items()},
              "input": to_json(x)}
    if hx is not None:
        result["hx"] = [to_json(t) for t in hx]

    if kind == "cell":
        h1, c1 = module(x, tuple(hx) if hx is not None else None)
        output, h_n, c_n = None, h1, c1
    elif case.get("packed"):
        p = case["packed"]
        packed = pack_padded_sequence(x, torch.tensor(p["lengths"]), batch_first=cfg.get("batch_first", False),
                                      enforce_sorted=p.get("enforce_sorted", True))
        out_packed, (h_n, c_n) = module(packed, tuple(hx) if hx is not None else None)
        output, out_lengths = pad_packed_sequence(out_packed, batch_first=cfg.get("batch_first", False))
        result["packed_in"] = {
            "data": to_json(packed.data), "batch_sizes": to_json(packed.batch_sizes),
            "sorted_indices": None if packed.sorted_indices is None else to_json(packed.sorted_indices),
            "unsorted_indices": None if packed.unsorted_indices is None else to_json(packed.unsorted_indices)}
        result["packed_out"] = {"data": to_json(out_packed.data), "lengths": to_json(out_lengths)}
    else:
        output, (h_n, c_n) = module(x, tuple(hx) if hx is not None else None)

    loss_w = {}
    loss = 0
    for name, t in (("output", output), ("h_n", h_n), ("c_n", c_n)):
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
    if hx is not None:
        grads["h0"] = to_json(hx[0].grad)
        grads["c0"] = to_json(hx[1].grad)
    result["grads"] = grads
    result["loss"] = float(loss)
    return result


def main():
    cases = json.load(sys.stdin)
    json.dump([run_case(c) for c in cases], sys.stdout)


if __name__ == "__main__":
    main()
