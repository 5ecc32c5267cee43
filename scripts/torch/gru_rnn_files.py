#!/usr/bin/python3
"""Real PyTorch files of nn.GRU / nn.RNN for the torch suite of the CLI and io.loadOnnx
(test/cli-gru-rnn.torch.test.ts): per case, `torch.save(module.state_dict())` under a prefix
(as a model holding the module as `gru` / `rnn` saves it) and `torch.onnx.export` (opset 14,
eval mode), with PyTorch's output and h_n on a seeded input.

Run with Debian's python3-torch: reads {"dir": ..., "cases": [{"name", "module", "options",
"batch", "steps", "h0"}]} as JSON on stdin, writes <dir>/<name>.pt and <name>.onnx, prints
{name: {"input", "h0", "output", "h_n"}} as JSON.
"""
import json
import os
import sys
import warnings

import torch

warnings.filterwarnings('ignore')


def arr(t):
    t = t.detach().contiguous()
    return {'shape': list(t.shape), 'values': [float('%.9g' % v) for v in t.flatten().tolist()]}


class Holder(torch.nn.Module):
    def __init__(self, name, module):
        super().__init__()
        setattr(self, name, module)


def main():
    spec = json.load(sys.stdin)
    out = {}
    for k, c in enumerate(spec['cases']):
        torch.manual_seed(1000 + k)
        o = c['options']
        cls = torch.nn.GRU if c['module'] == 'GRU' else torch.nn.RNN
        m = cls(**o).eval()
        prefix = c['module'].lower()
        torch.save(Holder(prefix, m).state_dict(), os.path.join(spec['dir'], c['name'] + '.pt'))
        D = 2 if o.get('bidirectional') else 1
        L = o.get('num_layers', 1)
        n, t = c['batch'], c['steps']
        x = torch.randn((n, t, o['input_size']) if o.get('batch_first') else (t, n, o['input_size']))
        h0 = torch.randn(D * L, n, o['hidden_size']) * 0.5 if c['h0'] else None
        with torch.no_grad():
            y, hn = m(x, h0) if h0 is not None else m(x)
        args = (x, h0) if h0 is not None else (x,)
        names = ['input', 'h0'] if h0 is not None else ['input']
        torch.onnx.export(m, args, os.path.join(spec['dir'], c['name'] + '.onnx'), opset_version=14,
                          input_names=names, output_names=['output', 'h_n'])
        out[c['name']] = {'input': arr(x), 'h0': arr(h0) if h0 is not None else None, 'output': arr(y), 'h_n': arr(hn)}
    json.dump(out, sys.stdout)


if __name__ == '__main__':
    main()
