#!/usr/bin/env python3
"""Saves a randomly initialised torch.nn.LSTM with torch.save(state_dict) and prints its output
on a random input, for test/io-tfjs-plain.torch.test.ts (run at test time, nothing committed).

stdin: {"config": {nn.LSTM kwargs}, "seed": int, "path": ".pt file", "shape": [N, L]}
stdout: {"x": [...] (N, L, input_size), "output": [...] (N, L, D*H)}, both batch-first.
"""
import json
import sys

import torch

spec = json.load(sys.stdin)
torch.manual_seed(spec["seed"])
lstm = torch.nn.LSTM(**spec["config"]).eval()
torch.save(lstm.state_dict(), spec["path"])
n, length = spec["shape"]
x = torch.randn(n, length, spec["config"]["input_size"])
with torch.no_grad():
    batch_first = spec["config"].get("batch_first", False)
    output, _ = lstm(x if batch_first else x.transpose(0, 1))
    if not batch_first:
        output = output.transpose(0, 1)
json.dump({"x": x.flatten().tolist(), "output": output.flatten().tolist(), "shape": list(output.shape)}, sys.stdout)
