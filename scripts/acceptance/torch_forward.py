#!/usr/bin/env python3
"""Runs the nn.LSTM of a real PyTorch state-dict file on a given input (acceptance check).

stdin: {"file", "prefix", "config": {input_size, hidden_size, num_layers, bias, bidirectional,
proj_size}, "input": {"shape", "data"}} -> stdout: {"output", "h_n", "c_n"} as {"shape", "data"}.
"""
import json
import sys
import warnings

import torch

warnings.filterwarnings("ignore")
req = json.load(sys.stdin)
sd = torch.load(req["file"], map_location="cpu", weights_only=True)
sub = {k[len(req["prefix"]):]: v.float() for k, v in sd.items() if k.startswith(req["prefix"])}
c = req["config"]
lstm = torch.nn.LSTM(c["input_size"], c["hidden_size"], num_layers=c["num_layers"], bias=c["bias"],
                     bidirectional=c["bidirectional"], proj_size=c["proj_size"])
lstm.load_state_dict(sub)  # strict
lstm.eval()
x = torch.tensor(req["input"]["data"], dtype=torch.float32).reshape(req["input"]["shape"])
with torch.no_grad():
    out, (h, cc) = lstm(x)
j = lambda t: {"shape": list(t.shape), "data": t.reshape(-1).tolist()}
print(json.dumps({"output": j(out), "h_n": j(h), "c_n": j(cc)}))
