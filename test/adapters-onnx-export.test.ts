/**
 * The ONNX convention against what real `torch.onnx.export` (PyTorch 1.13, opset 14) writes for
 * the same `nn.LSTM` modules. Fixture: `test/fixtures/onnx-lstm-export.json`, written by
 * `test/fixtures/generate-onnx-lstm-export.py` (state dict, each LSTM node's W / R / B
 * initializers, and PyTorch's output / h_n / c_n).
 *
 * - torch state dict -> canonical -> ONNX equals the exported initializers bit for bit.
 * - The exported initializers -> canonical, run by the engine layer by layer and laid out as
 *   ONNX `Y` / `Y_h` / `Y_c` and then as PyTorch's `output` / `h_n` / `c_n` by the ONNX layout
 *   helpers, reproduce PyTorch's numbers (1e-5).
 */
import * as fs from 'fs';
import * as path from 'path';

import {
  TorchLstmWeights,
  canonicalToOnnx,
  directionsToOnnxY,
  disposeWeights,
  onnxStateToTorch,
  onnxToCanonical,
  onnxYToTorchOutput,
  torchToCanonical,
} from '../adapters';
import { lstmLayer } from '../src/engine';
import { expectBitIdentical } from './helpers/conventions';
import { expectClose, tf } from './helpers/tf';

interface JsonTensor {
  shape: number[];
  data: number[];
}
interface OnnxNode {
  direction: string;
  hidden_size: number;
  other_attributes: string[];
  W: JsonTensor;
  R: JsonTensor;
  B: JsonTensor | null;
  P: JsonTensor | null;
}
interface Case {
  name: string;
  config: { input_size: number; hidden_size: number; num_layers: number; bidirectional: boolean; bias: boolean };
  state_dict: Record<string, JsonTensor>;
  onnx_lstm_nodes: OnnxNode[];
  input: JsonTensor;
  output: JsonTensor;
  h_n: JsonTensor;
  c_n: JsonTensor;
}

const fixture = JSON.parse(
  fs.readFileSync(path.join(__dirname, 'fixtures', 'onnx-lstm-export.json'), 'utf8'),
) as { opset: number; torch_version: string; cases: Case[] };

const tensor = (t: JsonTensor) => tf.tensor(t.data, t.shape);

function torchLayer(c: Case, layer: number, reverse: boolean): TorchLstmWeights {
  const suffix = `_l${layer}${reverse ? '_reverse' : ''}`;
  const get = (key: string) => (c.state_dict[key + suffix] ? tensor(c.state_dict[key + suffix]) : null);
  return {
    weight_ih: get('weight_ih') as tf.Tensor2D,
    weight_hh: get('weight_hh') as tf.Tensor2D,
    bias_ih: get('bias_ih') as tf.Tensor1D | null,
    bias_hh: get('bias_hh') as tf.Tensor1D | null,
  };
}

describe('ONNX weights agree with torch.onnx.export', () => {
  it('the fixture holds the modules it claims', () => {
    expect(fixture.cases.map((c) => c.name)).toEqual(['one_layer', 'bidirectional', 'two_layers_bidirectional', 'no_bias']);
    for (const c of fixture.cases) {
      expect(c.onnx_lstm_nodes).toHaveLength(c.config.num_layers);
      for (const node of c.onnx_lstm_nodes) {
        expect(node.direction).toBe(c.config.bidirectional ? 'bidirectional' : 'forward');
        expect(node.other_attributes).toEqual([]);
        expect(node.B === null).toBe(!c.config.bias);
      }
    }
  });

  it.each(fixture.cases.map((c) => [c.name, c] as const))('%s: torch -> canonical -> onnx equals the exported W, R, B bit for bit', (_, c) => {
    const before = tf.memory().numTensors;
    const D = c.config.bidirectional ? 2 : 1;
    c.onnx_lstm_nodes.forEach((node, layer) => {
      const torch = Array.from({ length: D }, (__, d) => torchLayer(c, layer, d === 1));
      const canonical = torch.map((w) => torchToCanonical(w));
      const onnx = canonicalToOnnx(canonical);
      const [W, R] = [tensor(node.W), tensor(node.R)];
      expectBitIdentical(onnx.W, W, `layer ${layer} W`);
      expectBitIdentical(onnx.R, R, `layer ${layer} R`);
      if (node.B) {
        const B = tensor(node.B);
        expectBitIdentical(onnx.B as tf.Tensor, B, `layer ${layer} B`);
        B.dispose();
      } else {
        expect(onnx.B).toBeNull();
      }
      expect(node.hidden_size).toBe(c.config.hidden_size);
      tf.dispose([W, R]);
      disposeWeights([...torch, ...canonical, onnx]);
    });
    expect(tf.memory().numTensors).toBe(before);
  });

  it.each(fixture.cases.map((c) => [c.name, c] as const))('%s: the engine on the exported weights reproduces PyTorch (1e-5)', (_, c) => {
    const before = tf.memory().numTensors;
    let x: tf.Tensor = tensor(c.input);
    const hs: tf.Tensor[] = [];
    const cs: tf.Tensor[] = [];
    for (const node of c.onnx_lstm_nodes) {
      const weights = { W: tensor(node.W) as tf.Tensor3D, R: tensor(node.R) as tf.Tensor3D, B: node.B ? (tensor(node.B) as tf.Tensor2D) : null };
      const directions = onnxToCanonical(weights);
      const runs = directions.map((w, d) => lstmLayer(x, w, { reverse: d === 1 }));
      // As the ONNX node would output them, then as PyTorch lays them out.
      const Y = directionsToOnnxY(runs.map((r) => r.output));
      const Yh = tf.stack(runs.map((r) => r.h));
      const Yc = tf.stack(runs.map((r) => r.c));
      const output = onnxYToTorchOutput(Y);
      hs.push(onnxStateToTorch(Yh));
      cs.push(onnxStateToTorch(Yc));
      x.dispose();
      x = output;
      tf.dispose([Y, Yh, Yc, ...runs.flatMap((r) => [r.output, r.h, r.c])]);
      disposeWeights([weights, ...directions]);
    }
    const h_n = tf.concat(hs);
    const c_n = tf.concat(cs);
    const [output, expectedH, expectedC] = [tensor(c.output), tensor(c.h_n), tensor(c.c_n)];
    expectClose(x, output, 1e-5, 0, `${c.name} output`);
    expectClose(h_n, expectedH, 1e-5, 0, `${c.name} h_n`);
    expectClose(c_n, expectedC, 1e-5, 0, `${c.name} c_n`);
    tf.dispose([x, h_n, c_n, output, expectedH, expectedC, ...hs, ...cs]);
    expect(tf.memory().numTensors).toBe(before);
  });
});
