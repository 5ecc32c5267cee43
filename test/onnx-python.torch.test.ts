/**
 * The models lstm-bridge writes, checked by the `onnx` Python package (Debian's python3-onnx,
 * run with /usr/bin/python3): `onnx.checker.check_model(full_check=True)` with shape inference,
 * and a model written by `onnx.helper` decoded by our codec with the same fields.
 * Needs python3-onnx (`apt-get install -y python3-onnx`).
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

import { randomTensor, tf } from './helpers/tf';
import { buildLstmStackModel, decodeModel, encodeModel, tensorToFloat32 } from '../src/onnx';

function python(script: string, ...args: string[]): string {
  return execFileSync('/usr/bin/python3', ['-c', script, ...args], { encoding: 'utf8' });
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lstm-bridge-onnx-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

test.each([
  ['1 layer', 1, false, {}],
  ['2 layers bidirectional, lengths and states', 2, true, { sequenceLens: true, initialState: true }],
  ['hard sigmoid / elu', 1, true, { recurrentActivation: 'hardSigmoid', activation: 'elu' }],
] as const)('onnx.checker accepts our %s model', (_n, L, bi, o) => {
  const I = 3, H = 4;
  const layers = Array.from({ length: L }, (_, k) => {
    const w = (s: number) => ({
      kernel: randomTensor([k === 0 ? I : (bi ? 2 : 1) * H, 4 * H], s) as tf.Tensor2D,
      recurrentKernel: randomTensor([H, 4 * H], s + 1) as tf.Tensor2D,
      bias: randomTensor([4 * H], s + 2) as tf.Tensor1D,
    });
    return { forward: w(10 * k), backward: bi ? w(10 * k + 5) : null };
  });
  const file = path.join(dir, `m${L}${bi}.onnx`);
  const model = buildLstmStackModel(layers, o);
  fs.writeFileSync(file, encodeModel(model));
  const out = python(
    'import sys, onnx\n' +
      'm = onnx.load(sys.argv[1])\n' +
      'onnx.checker.check_model(m, full_check=True)\n' +
      'print(len(m.graph.node), [n.op_type for n in m.graph.node].count("LSTM"))',
    file,
  );
  // onnx reads every node we wrote (the builder's glue is torch.onnx.export's: Squeeze joins
  // one direction, Transpose + Reshape two), and one LSTM node a layer.
  expect(model.graph.node.length).toBeGreaterThan(L);
  expect(out.trim()).toBe(`${model.graph.node.length} ${L}`);
});

test('a model written by onnx.helper decodes with the same fields', () => {
  const file = path.join(dir, 'helper.onnx');
  python(
    'import sys, numpy as np, onnx\n' +
      'from onnx import helper, TensorProto, numpy_helper\n' +
      'W = numpy_helper.from_array(np.arange(24, dtype=np.float32).reshape(1, 8, 3), "W")\n' +
      'node = helper.make_node("LSTM", ["X", "W", "R"], ["Y"], hidden_size=2, activations=["Sigmoid", "Tanh", "Tanh"], clip=1.5)\n' +
      'g = helper.make_graph([node], "g", [helper.make_tensor_value_info("X", TensorProto.FLOAT, ["T", 1, 3])],\n' +
      '    [helper.make_tensor_value_info("Y", TensorProto.FLOAT, None)], [W])\n' +
      'm = helper.make_model(g, opset_imports=[helper.make_opsetid("", 14)], producer_name="helper")\n' +
      'onnx.save(m, sys.argv[1])',
    file,
  );
  const m = decodeModel(new Uint8Array(fs.readFileSync(file)));
  expect(m.producerName).toBe('helper');
  expect(m.opsetImport).toEqual([{ domain: '', version: 14 }]);
  const n = m.graph.node[0];
  expect(n.opType).toBe('LSTM');
  expect(n.input).toEqual(['X', 'W', 'R']);
  const attr = Object.fromEntries(n.attribute.map((a) => [a.name, a]));
  expect(attr.hidden_size.i).toBe(2);
  expect(attr.clip.f).toBeCloseTo(1.5, 7);
  expect(attr.activations.strings?.map((s) => new TextDecoder().decode(s))).toEqual(['Sigmoid', 'Tanh', 'Tanh']);
  expect(Array.from(tensorToFloat32(m.graph.initializer[0]))).toEqual(Array.from({ length: 24 }, (_, k) => k));
  expect(m.graph.input[0].type?.tensorType?.shape).toEqual([{ dimParam: 'T' }, { dimValue: 1 }, { dimValue: 3 }]);
  expect(Buffer.from(encodeModel(m)).equals(fs.readFileSync(file))).toBe(true);
});
