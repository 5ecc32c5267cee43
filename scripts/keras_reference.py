#!/usr/bin/env python3
"""Independent numpy reference of a Keras / TF.js model file's forward pass.

Reads the file with h5py / zipfile / json directly (not with lstm-bridge's readers) and runs
the model in numpy with Keras' own equations, for the layers lstm-bridge's loaders support:
InputLayer, Dense, Embedding (mask_zero), Masking, Dropout and noise layers (identity at
inference), Activation, Flatten, RepeatVector, Reshape, Permute, Concatenate, Add, Multiply,
Average, Maximum, Minimum, BatchNormalization, LayerNormalization, TimeDistributed(Dense),
LSTM (Keras 1 per-gate and fused, Keras 2/3, CuDNNLSTM), Bidirectional(LSTM), Keras 3's
NotEqual mask op. Masks follow Keras (TF backend): a masked step carries the states and repeats
the previous output (zeros before the first valid step, or zeros with zero_output_for_mask,
which Bidirectional sets when it returns sequences). hard_sigmoid is 0.2x + 0.5 up to Keras 2
and x / 6 + 0.5 in Keras 3.

Usage: keras_reference.py FILE [--config CONFIG_JSON] < {"inputs": [{"shape": [...], "values": [...]}]}
Prints {"outputs": [{"shape": [...], "values": [...]}]}.
Used by scripts/check-acceptance-io.ts and the saveKeras suite (test/io-keras-save.torch.test.ts).
"""
import io
import json
import math
import os
import re
import sys
import zipfile

import h5py
import numpy as np


def s(v):
    return v.decode() if isinstance(v, bytes) else str(v)


def names_attr(attrs, key):
    if key in attrs:
        return [s(x) for x in attrs[key]]
    out, k = [], 0
    while f'{key}{k}' in attrs:
        out += [s(x) for x in attrs[f'{key}{k}']]
        k += 1
    return out


# ---------------------------------------------------------------- reading files

def snake(name):
    name = re.sub(r'\W+', '', name)
    name = re.sub(r'(.)([A-Z][a-z]+)', r'\1_\2', name)
    return re.sub(r'([a-z])([A-Z])', r'\1_\2', name).lower()


def read_h5(path, config_path):
    f = h5py.File(path, 'r')
    version = s(f.attrs.get('keras_version', ''))
    if config_path:
        cfg = json.load(open(config_path))
        version = version or cfg.get('keras_version', '')
    else:
        cfg = json.loads(s(f.attrs['model_config']))
    root = f['model_weights'] if 'model_weights' in f else f
    weights = {}
    for layer in names_attr(root.attrs, 'layer_names'):
        g = root[layer]
        weights[layer] = [(n, np.asarray(g[n], dtype=np.float64)) for n in names_attr(g.attrs, 'weight_names')]
    return cfg, version, weights


def datasets_below(g, prefix=''):
    out = []
    def key(k):
        return (0, int(k)) if k.isdigit() else (1, k)
    for k in sorted(g.keys(), key=key):
        child = g[k]
        name = f'{prefix}/{k}' if prefix else k
        if isinstance(child, h5py.Dataset):
            out.append((name, np.asarray(child, dtype=np.float64)))
        else:
            out += datasets_below(child, name)
    return out


def read_keras3(path):
    z = zipfile.ZipFile(path)
    cfg = json.loads(z.read('config.json'))
    version = json.loads(z.read('metadata.json')).get('keras_version', '3')
    f = h5py.File(io.BytesIO(z.read('model.weights.h5')), 'r')
    layers = cfg['config']['layers']
    if cfg['class_name'] == 'Sequential' and layers and layers[0]['class_name'] == 'InputLayer':
        layers = layers[1:]
    weights, counts = {}, {}
    for l in layers:
        base = snake(l['class_name'])
        n = counts.get(base)
        counts[base] = 0 if n is None else n + 1
        group = base if n is None else f'{base}_{n + 1}'
        if group in f['layers']:
            weights[l['config']['name']] = datasets_below(f['layers'][group])
    return cfg, version, weights


def read_tfjs(path):
    m = json.load(open(path))
    topo = m['modelTopology']
    cfg = topo.get('model_config', topo)
    version = topo.get('keras_version', '')
    d = os.path.dirname(path)
    flat = []
    for g in m['weightsManifest']:
        data = b''.join(open(os.path.join(d, p), 'rb').read() for p in g['paths'])
        off = 0
        for w in g['weights']:
            n = int(np.prod(w['shape'])) if w['shape'] else 1
            a = np.frombuffer(data, dtype='<f4', count=n, offset=off).reshape(w['shape']).astype(np.float64)
            off += 4 * n
            flat.append((w['name'], a))
    layer_cfgs = cfg['config'] if isinstance(cfg['config'], list) else cfg['config']['layers']
    names = [l['config']['name'] for l in layer_cfgs]
    inner = {}
    for l in layer_cfgs:
        if l['class_name'] == 'Bidirectional':
            for k in ('layer', 'backward_layer'):
                if k in l['config']:
                    inner[l['config'][k]['config']['name']] = l['config']['name']
    weights = {}
    for name, a in flat:
        segs = name.split('/')
        owner = next((x for x in segs if x in names), None) or next((inner[x] for x in segs if x in inner), None)
        weights.setdefault(owner, []).append((name, a))
    return cfg, version, weights


# ---------------------------------------------------------------- maths

def activation(name, generation):
    if isinstance(name, dict):
        name = name.get('config')
    name = name or 'linear'
    if name in ('hard_sigmoid', 'hardSigmoid'):
        return (lambda x: np.clip(x / 6 + 0.5, 0, 1)) if generation == 3 else (lambda x: np.clip(0.2 * x + 0.5, 0, 1))
    def softmax(x):
        e = np.exp(x - x.max(-1, keepdims=True))
        return e / e.sum(-1, keepdims=True)
    erf = np.vectorize(math.erf)
    table = {
        'linear': lambda x: x, 'relu': lambda x: np.maximum(x, 0), 'sigmoid': lambda x: 1 / (1 + np.exp(-x)),
        'tanh': np.tanh, 'softmax': softmax, 'elu': lambda x: np.where(x > 0, x, np.exp(x) - 1),
        'selu': lambda x: 1.0507009873554805 * np.where(x > 0, x, 1.6732632423543772 * (np.exp(x) - 1)),
        'softplus': lambda x: np.log1p(np.exp(x)), 'softsign': lambda x: x / (1 + np.abs(x)),
        'swish': lambda x: x / (1 + np.exp(-x)), 'silu': lambda x: x / (1 + np.exp(-x)),
        'relu6': lambda x: np.clip(x, 0, 6), 'gelu': lambda x: 0.5 * x * (1 + erf(x / math.sqrt(2))),
    }
    return table[name]


def lstm_weights(ws, convention):
    """[(name, array)] of one direction -> kernel (I, 4U), recurrent (U, 4U), bias (4U), gates i, f, c, o."""
    names = [re.sub(r':\d+$', '', n) for n, _ in ws]
    arrays = [a for _, a in ws]
    if convention == 'keras1':
        by = {}
        for n, a in zip(names, arrays):
            m = re.search(r'(?:^|_)([WUb])(?:_([icfo]))?$', n)
            by[m.group(1) + ('_' + m.group(2) if m.group(2) else '')] = a
        if 'W' in by:
            return by['W'], by['U'], by['b']
        return tuple(np.concatenate([by[f'{p}_{g}'] for g in 'ifco'], axis=-1) for p in 'WUb')
    role = {}
    for n, a in zip(names, arrays):
        last = n.split('/')[-1]
        if n.split('/')[-2:-1] == ['vars']:
            last = ['kernel', 'recurrent_kernel', 'bias'][int(last)]
        role[last] = a
    k, r, b = role['kernel'], role['recurrent_kernel'], role.get('bias')
    if convention == 'cudnn':
        I, U = k.shape[0], r.shape[0]
        k = np.concatenate([k[:, g * U:(g + 1) * U].reshape(-1).reshape(U, I).T for g in range(4)], axis=1)
        r = np.concatenate([r[:, g * U:(g + 1) * U].T for g in range(4)], axis=1)
        b = b[:4 * U] + b[4 * U:]
    if b is None:
        b = np.zeros(k.shape[1])
    return k, r, b


def run_lstm(x, mask, w, cfg, generation, zero_output, state=None):
    """x (N, T, F) -> outputs (N, T, U) in processing order, h, c."""
    k, r, b = w
    U = r.shape[0]
    act = activation(cfg.get('activation', 'tanh'), generation)
    ract = activation(cfg.get('recurrent_activation', cfg.get('inner_activation', 'hard_sigmoid' if generation < 2 else 'sigmoid')), generation)
    N, T, _ = x.shape
    h = np.zeros((N, U)) if state is None else state[0]
    c = np.zeros((N, U)) if state is None else state[1]
    prev = np.zeros((N, U))
    order = range(T - 1, -1, -1) if cfg.get('go_backwards') else range(T)
    outs = []
    for t in order:
        z = x[:, t] @ k + h @ r + b
        i, f, g, o = (z[:, j * U:(j + 1) * U] for j in range(4))
        c2 = ract(f) * c + ract(i) * act(g)
        h2 = ract(o) * act(c2)
        if mask is None:
            h, c, out = h2, c2, h2
        else:
            m = mask[:, t][:, None]
            h, c = np.where(m, h2, h), np.where(m, c2, c)
            out = np.where(m, h2, 0 if zero_output else prev)
        prev = out
        outs.append(out)
    return np.stack(outs, 1), h, c


class Model:
    def __init__(self, cfg, version, weights):
        self.generation = 3 if version.startswith('3') else 1 if version.startswith('1') else 2
        if not version:
            text = json.dumps(cfg)
            self.generation = 3 if 'batch_shape' in text or 'registered_name' in text else 1 if 'output_dim' in text and '"init"' in text else 2
        self.cfg = cfg
        self.weights = weights

    def conv(self, layer_cfg, class_name):
        if class_name == 'CuDNNLSTM':
            return 'cudnn'
        return 'keras1' if self.generation == 1 else 'keras'

    def layer(self, class_name, c, x, mask, kwargs):
        name = c.get('name')
        ws = self.weights.get(name, [])
        arr = [a for _, a in ws]
        g = self.generation
        if class_name in ('Dropout', 'SpatialDropout1D', 'GaussianNoise', 'GaussianDropout', 'AlphaDropout'):
            return x, mask
        if class_name == 'Activation':
            return activation(c['activation'], g)(x), mask
        if class_name == 'Dense':
            y = x @ arr[0] + (arr[1] if len(arr) > 1 else 0)
            return activation(c.get('activation'), g)(y), mask
        if class_name == 'TimeDistributed':
            inner = c['layer']
            y = x @ arr[0] + (arr[1] if len(arr) > 1 else 0)
            return activation(inner['config'].get('activation'), g)(y), mask
        if class_name == 'Embedding':
            idx = x.astype(np.int64)
            return arr[0][idx], (idx != 0 if c.get('mask_zero') else None)
        if class_name == 'Masking':
            m = np.any(x != c.get('mask_value', 0.0), axis=-1)
            return x * m[..., None], m
        if class_name == 'Flatten':
            return x.reshape(x.shape[0], -1), None
        if class_name == 'RepeatVector':
            return np.repeat(x[:, None, :], c['n'], axis=1), None
        if class_name == 'Reshape':
            return x.reshape((x.shape[0],) + tuple(c['target_shape'])), None
        if class_name == 'Permute':
            return np.transpose(x, (0,) + tuple(c['dims'])), None
        if class_name == 'BatchNormalization':
            eps = c.get('epsilon', 1e-3)
            center, scale = c.get('center', True), c.get('scale', True)
            it = iter(arr)
            gamma = next(it) if scale else 1
            beta = next(it) if center else 0
            mean, var = next(it), next(it)
            return (x - mean) / np.sqrt(var + eps) * gamma + beta, mask
        if class_name == 'LayerNormalization':
            eps = c.get('epsilon', 1e-3)
            mu = x.mean(-1, keepdims=True)
            var = x.var(-1, keepdims=True)
            it = iter(arr)
            gamma = next(it) if c.get('scale', True) else 1
            beta = next(it) if c.get('center', True) else 0
            return (x - mu) / np.sqrt(var + eps) * gamma + beta, mask
        if class_name in ('Concatenate', 'Add', 'Multiply', 'Average', 'Maximum', 'Minimum'):
            xs = x
            if class_name == 'Concatenate':
                y = np.concatenate(xs, axis=c.get('axis', -1))
            else:
                op = {'Add': np.add, 'Multiply': np.multiply, 'Maximum': np.maximum, 'Minimum': np.minimum, 'Average': np.add}[class_name]
                y = xs[0]
                for other in xs[1:]:
                    y = op(y, other)
                if class_name == 'Average':
                    y = y / len(xs)
            masks = [m for m in (mask or []) if m is not None]
            out_mask = None
            if masks:
                out_mask = masks[0]
                for m in masks[1:]:
                    out_mask = out_mask & m
            return y, out_mask
        if class_name in ('LSTM', 'CuDNNLSTM'):
            state = kwargs.get('initial_state')
            y, h, cc = run_lstm(x, mask, lstm_weights(ws, self.conv(c, class_name)), c, g, c.get('zero_output_for_mask', False), state)
            seq = c.get('return_sequences', False)
            out = y if seq else y[:, -1]
            out_mask = mask if seq else None
            if c.get('return_state'):
                return [out, h, cc], [out_mask, None, None]
            return out, out_mask
        if class_name == 'Bidirectional':
            inner = c['layer']
            fc = dict(inner['config'])
            bc = dict(c['backward_layer']['config']) if 'backward_layer' in c else dict(fc, go_backwards=not fc.get('go_backwards', False))
            cls = inner['class_name']
            fnames = {fc['name'], 'forward_' + fc['name'], 'forward_layer'}
            bnames = {bc.get('name'), 'backward_' + fc['name'], 'backward_layer'}
            fw, bw = [], []
            for n, a in ws:
                segs = re.sub(r':\d+$', '', n).split('/')
                if any(sg in fnames for sg in segs):
                    fw.append((n, a))
                elif any(sg in bnames for sg in segs):
                    bw.append((n, a))
                elif any(sg.startswith('forward') for sg in segs):
                    fw.append((n, a))
                else:
                    bw.append((n, a))
            seq = fc.get('return_sequences', False)
            zero = seq
            yf, hf, cf = run_lstm(x, mask, lstm_weights(fw, self.conv(fc, cls)), fc, g, zero)
            yb, hb, cb = run_lstm(x, mask, lstm_weights(bw, self.conv(bc, cls)), bc, g, zero)
            if seq:
                of, ob = yf, yb[:, ::-1]
            else:
                of, ob = yf[:, -1], yb[:, -1]
            mode = c.get('merge_mode', 'concat')
            merged = {'concat': lambda: np.concatenate([of, ob], -1), 'sum': lambda: of + ob, 'mul': lambda: of * ob,
                      'ave': lambda: (of + ob) / 2}[mode]()
            out_mask = mask if seq else None
            if fc.get('return_state'):
                return [merged, hf, cf, hb, cb], [out_mask, None, None, None, None]
            return merged, out_mask
        raise ValueError(f'reference: layer class {class_name} not implemented')

    def run(self, inputs):
        cfg = self.cfg
        if cfg['class_name'] == 'Sequential':
            layers = cfg['config'] if isinstance(cfg['config'], list) else cfg['config']['layers']
            x, mask = inputs[0], None
            for l in layers:
                if l['class_name'] == 'InputLayer':
                    continue
                x, mask = self.layer(l['class_name'], l['config'], x, mask, {})
            return [x]
        c = cfg['config']
        tensors = {}
        for l, x in zip(c['input_layers'] if isinstance(c['input_layers'][0], list) else [c['input_layers']], inputs):
            tensors[(l[0], 0, 0)] = (x, None)
        pending = []
        for l in c['layers']:
            if l['class_name'] == 'InputLayer':
                continue
            for k, node in enumerate(l.get('inbound_nodes', [])):
                pending.append((l, k, node))
        def refs(node):
            if isinstance(node, dict):
                found = []
                def walk(v):
                    if isinstance(v, dict) and v.get('class_name') == '__keras_tensor__':
                        found.append(tuple(v['config']['keras_history']))
                    elif isinstance(v, list):
                        for u in v:
                            walk(u)
                    elif isinstance(v, dict):
                        for u in v.values():
                            walk(u)
                walk(node['args'])
                walk(node.get('kwargs', {}))
                return found
            return [tuple(e[:3]) for e in node]
        def value(v):
            if isinstance(v, dict) and v.get('class_name') == '__keras_tensor__':
                return tensors[tuple(v['config']['keras_history'])]
            if isinstance(v, list):
                return [value(u) for u in v]
            return (v, None)
        while pending:
            for item in list(pending):
                l, k, node = item
                if not all(r in tensors for r in refs(node)):
                    continue
                pending.remove(item)
                kwargs = {}
                if isinstance(node, dict):
                    args = [value(a) for a in node['args']]
                    first = args[0]
                    if l['class_name'] == 'NotEqual':
                        tensors[(l['name'], k, 0)] = (first[0] != args[1][0], None)
                        continue
                    kw = node.get('kwargs', {})
                    explicit_mask = kw.get('mask')
                    if 'initial_state' in kw and kw['initial_state'] is not None:
                        kwargs['initial_state'] = [value(v)[0] for v in kw['initial_state']]
                else:
                    vals = [tensors[tuple(e[:3])] for e in node]
                    first = vals[0] if len(vals) == 1 else vals
                    explicit_mask = None
                    if l['class_name'] in ('LSTM', 'CuDNNLSTM') and len(vals) == 3:
                        first = vals[0]
                        kwargs['initial_state'] = [vals[1][0], vals[2][0]]
                if isinstance(first, list):
                    x, mask = [t[0] for t in first], [t[1] for t in first]
                else:
                    x, mask = first
                if explicit_mask is not None:
                    mask = value(explicit_mask)[0]
                y, m = self.layer(l['class_name'], l['config'], x, mask, kwargs)
                ys, ms = (y, m) if isinstance(y, list) else ([y], [m])
                for t, (yy, mm) in enumerate(zip(ys, ms)):
                    tensors[(l['name'], k, t)] = (yy, mm)
        outs = c['output_layers'] if isinstance(c['output_layers'][0], list) else [c['output_layers']]
        return [tensors[tuple(o)][0] for o in outs]


def main():
    path = sys.argv[1]
    config = sys.argv[sys.argv.index('--config') + 1] if '--config' in sys.argv else None
    if path.endswith('.json'):
        cfg, version, weights = read_tfjs(path)
    elif zipfile.is_zipfile(path):
        cfg, version, weights = read_keras3(path)
    else:
        cfg, version, weights = read_h5(path, config)
    if 'model_config' in cfg:
        cfg = cfg['model_config']
    req = json.load(sys.stdin)
    inputs = [np.asarray(i['values'], dtype=np.float64).reshape(i['shape']) for i in req['inputs']]
    outs = Model(cfg, version, weights).run(inputs)
    print(json.dumps({'outputs': [{'shape': list(o.shape), 'values': np.asarray(o, dtype=np.float64).ravel().tolist()} for o in outs]}))


if __name__ == '__main__':
    main()
