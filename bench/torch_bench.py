#!/usr/bin/python3
"""PyTorch's nn.LSTM (or nn.GRU) for the benchmark (one process; JSON lines on stdout like worker.ts).

Usage: torch_bench.py '<json settings>'   (run by bench/run.ts)
Settings: {"shapes": [{id,T,B,I,H,layers,directions}], "stream": {B,I,H,steps}, warmup, minIters,
maxIters, budgetMs, threads, cell ('lstm' default | 'gru'), system (the result rows' id, default 'torch')}
"""
import json
import resource
import sys
import time

import torch


def emit(obj):
    sys.stdout.write(json.dumps(obj) + '\n')
    sys.stdout.flush()


def measure(fn, st, big):
    w0 = time.perf_counter()
    fn()
    slow = time.perf_counter() - w0 > 1.0
    for _ in range(1, 1 if big or slow else st['warmup']):
        fn()
    min_iters = min(3, st['minIters']) if slow else st['minIters']
    samples = []
    start = time.perf_counter()
    while len(samples) < st['maxIters'] and (len(samples) < min_iters or (time.perf_counter() - start) * 1000 < st['budgetMs']):
        t0 = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - t0) * 1000)
    samples_sorted = sorted(samples)
    n = len(samples_sorted)
    med = samples_sorted[n // 2] if n % 2 else (samples_sorted[n // 2 - 1] + samples_sorted[n // 2]) / 2
    return med, samples


def main():
    st = json.loads(sys.argv[1])
    torch.set_num_threads(st['threads'])
    torch.manual_seed(0)
    gru = st.get('cell', 'lstm') == 'gru'
    system = st.get('system', 'torch')
    module = torch.nn.GRU if gru else torch.nn.LSTM
    emit({'type': 'info', 'system': system, 'torch': torch.__version__, 'threads': torch.get_num_threads()})
    s = st['stream']
    lstm = module(s['I'], s['H'])
    x = torch.randn(1, s['B'], s['I'])
    state = torch.zeros(1, s['B'], s['H']) if gru else (torch.zeros(1, s['B'], s['H']), torch.zeros(1, s['B'], s['H']))
    with torch.no_grad():
        for _ in range(300):
            _, state = lstm(x, state)
        per = []
        for _ in range(st['streamSteps']):
            t0 = time.perf_counter()
            _, state = lstm(x, state)
            per.append((time.perf_counter() - t0) * 1000)
    per.sort()
    emit({'type': 'result', 'system': system, 'shape': 'stream', 'mode': 'forward', 'ms': per[len(per) // 2], 'samples': len(per)})
    for sh in sorted(st['shapes'], key=lambda v: v['id'] == 'S3'):
        lstm = module(sh['I'], sh['H'], num_layers=sh['layers'], bidirectional=sh['directions'] == 2)
        x = torch.randn(sh['T'], sh['B'], sh['I'])
        big = sh['id'] == 'S3'

        def forward():
            with torch.no_grad():
                lstm(x)

        def train():
            lstm.zero_grad(set_to_none=True)
            lstm(x)[0].sum().backward()
            next(lstm.parameters()).grad.data_ptr()

        for mode, fn in (('forward', forward), ('train', train)):
            try:
                med, samples = measure(fn, st, big)
                emit({'type': 'result', 'system': system, 'shape': sh['id'], 'mode': mode, 'ms': med, 'samples': samples, 'peakBytes': None})
            except Exception as e:  # noqa: BLE001 - reported, not hidden
                emit({'type': 'error', 'system': system, 'shape': sh['id'], 'mode': mode, 'message': str(e)})
    emit({'type': 'memory', 'system': system, 'maxRssBytes': resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024, 'wasmHeapBytes': None})


main()
