#!/usr/bin/python3
"""Dumps one ONNX backend node test (a folder with `model.onnx` and `test_data_set_*/`) as JSON
on stdout: the node's op type, attributes, input/output names, and every test data set's input
and output tensors, named after the graph's inputs and outputs.

Needs the `onnx` package (`apt-get install -y python3-onnx`). Reads files only; runs nothing from
them.

    /usr/bin/python3 scripts/onnx-node-test-to-json.py <test folder>
"""
import glob
import json
import os
import sys

import onnx
from onnx import numpy_helper


def tensor_json(t):
    a = numpy_helper.to_array(t)
    return {'dtype': str(a.dtype), 'shape': list(a.shape), 'data': [float(v) for v in a.reshape(-1)]}


def main(folder):
    model = onnx.load(os.path.join(folder, 'model.onnx'))
    graph = model.graph
    if len(graph.node) != 1:
        raise SystemExit(f'{folder}: expected a single-node graph, got {len(graph.node)} nodes')
    node = graph.node[0]
    attributes = {}
    for a in node.attribute:
        v = onnx.helper.get_attribute_value(a)
        if isinstance(v, bytes):
            v = v.decode()
        elif isinstance(v, list):
            v = [x.decode() if isinstance(x, bytes) else x for x in v]
        attributes[a.name] = v
    initializers = {i.name: tensor_json(i) for i in graph.initializer}
    input_names = [i.name for i in graph.input if i.name not in initializers]
    output_names = [o.name for o in graph.output]
    data_sets = []
    for ds in sorted(glob.glob(os.path.join(folder, 'test_data_set_*'))):
        def read(prefix, names):
            out = {}
            for k, name in enumerate(names):
                path = os.path.join(ds, f'{prefix}_{k}.pb')
                if os.path.exists(path):
                    t = onnx.TensorProto()
                    with open(path, 'rb') as f:
                        t.ParseFromString(f.read())
                    out[name] = tensor_json(t)
            return out
        data_sets.append({'inputs': read('input', input_names), 'outputs': read('output', output_names)})
    json.dump({
        'test': os.path.basename(os.path.normpath(folder)),
        'opsets': [[o.domain, o.version] for o in model.opset_import],
        'op_type': node.op_type,
        'attributes': attributes,
        'node_inputs': list(node.input),
        'node_outputs': list(node.output),
        'initializers': initializers,
        'data_sets': data_sets,
    }, sys.stdout)


if __name__ == '__main__':
    if len(sys.argv) != 2:
        raise SystemExit('usage: onnx-node-test-to-json.py <test folder>')
    main(sys.argv[1])
