/**
 * @jest-environment ./test/helpers/ort-environment.js
 */
/**
 * The ONNX codec and LSTM builder against a model made by real PyTorch (`torch.onnx.export`
 * of nn.LSTM(4, 3, num_layers=2, bidirectional=True); generator and fixture in
 * `test/fixtures/onnx/`):
 * - the codec decodes it and re-encodes it byte for byte;
 * - its LSTM weights, converted i,o,f,c -> i,f,g,o, are exactly PyTorch's state dict;
 * - onnxruntime runs our re-encoded bytes and reproduces PyTorch's outputs (1e-5);
 * - the model we build from the same state dict reproduces them too, on onnxruntime and through
 *   lstmStackAsync;
 * - io.readOnnxLstmStacks (the one reader of ONNX LSTM weights, through the adapters) gives
 *   PyTorch's weights back and refuses what the engine cannot run.
 */
import * as fs from 'fs';
import * as path from 'path';

import { expectClose, tf } from './helpers/tf';
import { iofcToIfgo, LstmStackLayer } from '../src/engine';
import { lstmStackAsync } from '../src/runtime';
import { OrtModule, loadOnnxRuntime } from '../src/runtime/ort-runtime';
import { UnsupportedConversionError } from '../src/errors';
import { disposeOnnxStacks, loadOnnx, readOnnxLstmStacks } from '../src/io';
import { buildLstmStackModel, decodeModel, encodeModel, float32Tensor, tensorToFloat32 } from '../src/onnx';
import { ModelProto, NodeProto } from '../src/onnx/types';

const dir = path.join(__dirname, 'fixtures', 'onnx');
const bytes = new Uint8Array(fs.readFileSync(path.join(dir, 'torch_lstm_2l_bi.onnx')));
type Arr = { shape: number[]; values: number[] };
const ref = JSON.parse(fs.readFileSync(path.join(dir, 'torch_lstm_2l_bi.json'), 'utf8')) as {
  state_dict: Record<string, Arr>; input: Arr; output: Arr; h_n: Arr; c_n: Arr;
};
const t = (a: Arr) => tf.tensor(a.values, a.shape);
const TOL = 1e-5;

function ort(): OrtModule {
  const m = loadOnnxRuntime();
  if (!m) throw new Error('onnxruntime-node is not installed (optional dependency): run npm install');
  return m;
}

test('decode -> encode reproduces the exported file byte for byte', () => {
  const model = decodeModel(bytes);
  expect(model.producerName).toBe('pytorch');
  expect(model.graph.node.filter((n) => n.opType === 'LSTM')).toHaveLength(2);
  expect(Buffer.from(encodeModel(model)).equals(Buffer.from(bytes))).toBe(true);
});

test("the LSTM nodes' W, R, B are PyTorch's weights in gate order i, o, f, c", () => {
  const model = decodeModel(bytes);
  const init = (name: string) => {
    const found = model.graph.initializer.find((x) => x.name === name);
    if (!found) throw new Error(`no initializer ${name}`);
    return tf.tensor(tensorToFloat32(found), found.dims);
  };
  model.graph.node.filter((n) => n.opType === 'LSTM').forEach((node, k) => {
    const [W, R, B] = [init(node.input[1]), init(node.input[2]), init(node.input[3])];
    const H = R.shape[2] as number;
    ['', '_reverse'].forEach((suffix, d) => {
      const sd = (key: string) => t(ref.state_dict[`${key}_l${k}${suffix}`]);
      const pick = (x: tf.Tensor) => tf.squeeze(tf.slice(x, [d, 0, 0], [1, -1, -1]), [0]);
      expectClose(iofcToIfgo(pick(W)), sd('weight_ih'), 0, 0, `W l${k}${suffix}`);
      expectClose(iofcToIfgo(pick(R)), sd('weight_hh'), 0, 0, `R l${k}${suffix}`);
      const b = tf.reshape(tf.slice(B, [d, 0], [1, -1]), [8 * H]);
      expectClose(iofcToIfgo(tf.slice(b, [0], [4 * H])), sd('bias_ih'), 0, 0, `Wb l${k}${suffix}`);
      expectClose(iofcToIfgo(tf.slice(b, [4 * H], [4 * H])), sd('bias_hh'), 0, 0, `Rb l${k}${suffix}`);
    });
  });
});

test("onnxruntime runs the re-encoded torch model and reproduces torch's outputs", async () => {
  const rt = ort();
  const session = await rt.InferenceSession.create(encodeModel(decodeModel(bytes)));
  const out = await session.run({ input: new rt.Tensor('float32', Float32Array.from(ref.input.values), ref.input.shape) });
  expectClose(out.output.data as Float32Array, ref.output.values, TOL, 0, 'output');
  expectClose(out.h_n.data as Float32Array, ref.h_n.values, TOL, 0, 'h_n');
  expectClose(out.c_n.data as Float32Array, ref.c_n.values, TOL, 0, 'c_n');
  await session.release();
});

/** The state dict in the engine's canonical form (kernel = weight_ihᵀ, ...). */
function canonicalLayers(): LstmStackLayer[] {
  const sd = (key: string) => t(ref.state_dict[key]);
  return [0, 1].map((k) => {
    const dir = (suffix: string) => ({
      kernel: tf.transpose(sd(`weight_ih_l${k}${suffix}`)) as tf.Tensor2D,
      recurrentKernel: tf.transpose(sd(`weight_hh_l${k}${suffix}`)) as tf.Tensor2D,
      bias: sd(`bias_ih_l${k}${suffix}`) as tf.Tensor1D,
      recurrentBias: sd(`bias_hh_l${k}${suffix}`) as tf.Tensor1D,
    });
    return { forward: dir(''), backward: dir('_reverse') };
  });
}

test("our model of the same weights reproduces torch's outputs on onnxruntime", async () => {
  const rt = ort();
  const session = await rt.InferenceSession.create(encodeModel(buildLstmStackModel(canonicalLayers())));
  const out = await session.run({ X: new rt.Tensor('float32', Float32Array.from(ref.input.values), ref.input.shape) });
  expectClose(out.output.data as Float32Array, ref.output.values, TOL, 0, 'output');
  expectClose(out.h_n.data as Float32Array, ref.h_n.values, TOL, 0, 'h_n');
  expectClose(out.c_n.data as Float32Array, ref.c_n.values, TOL, 0, 'c_n');
  await session.release();
});

test.each(['onnxruntime', 'tfjs'] as const)("lstmStackAsync on %s reproduces torch's outputs", async (executor) => {
  const r = await lstmStackAsync(t(ref.input), canonicalLayers(), { executor });
  expect(r.executor).toBe(executor);
  expectClose(r.output, ref.output.values, TOL, 0, 'output');
  expectClose(tf.stack(r.h), ref.h_n.values, TOL, 0, 'h_n');
  expectClose(tf.stack(r.c), ref.c_n.values, TOL, 0, 'c_n');
});

test('io.readOnnxLstmStacks gives the canonical form of the torch model, and lstmStackAsync on it reproduces torch', async () => {
  const [stack] = readOnnxLstmStacks(bytes);
  expect([stack.config, stack.activation, stack.recurrentActivation]).toEqual([
    { inputSize: 4, hiddenSize: 3, projSize: 0, numLayers: 2, bidirectional: true, bias: true }, 'tanh', 'sigmoid',
  ]);
  const expected = canonicalLayers();
  stack.layers.forEach((l, k) => {
    for (const [d, w] of [[0, l.forward], [1, l.backward]] as const) {
      const e = d === 0 ? expected[k].forward : expected[k].backward!;
      expectClose(w!.kernel, e.kernel, 0, 0, `kernel l${k} d${d}`);
      expectClose(w!.recurrentKernel, e.recurrentKernel, 0, 0, `recurrentKernel l${k} d${d}`);
      expectClose(w!.bias!, e.bias!, 0, 0, `bias l${k} d${d}`);
      expectClose(w!.recurrentBias!, e.recurrentBias!, 0, 0, `recurrentBias l${k} d${d}`);
    }
  });
  const r = await lstmStackAsync(t(ref.input), stack.layers);
  expectClose(r.output, ref.output.values, TOL, 0, 'output');
  disposeOnnxStacks([stack]);
});

test('io.readOnnxLstmStacks inverts buildLstmStackModel exactly, activations included', () => {
  const layers = canonicalLayers();
  const built = encodeModel(buildLstmStackModel(layers, { activation: 'elu', recurrentActivation: 'hardSigmoidKeras3' }));
  const [stack] = readOnnxLstmStacks(built);
  expect([stack.activation, stack.recurrentActivation]).toEqual(['elu', 'hardSigmoidKeras3']);
  stack.layers.forEach((l, k) => {
    expectClose(l.forward.kernel, layers[k].forward.kernel, 0, 0, 'kernel');
    expectClose(l.backward!.recurrentKernel, layers[k].backward!.recurrentKernel, 0, 0, 'recurrentKernel');
  });
  disposeOnnxStacks([stack]);
});

test('io.readOnnxLstmStacks refuses what the engine cannot run', () => {
  const variant = (change: (node: NodeProto, model: ModelProto) => void) => {
    const model = decodeModel(bytes);
    change(model.graph.node.find((n) => n.opType === 'LSTM')!, model);
    return encodeModel(model);
  };
  const withClip = variant((n) => n.attribute.push({ name: 'clip', type: 1, f: 3 }));
  expect(() => readOnnxLstmStacks(withClip)).toThrow(UnsupportedConversionError);
  expect(() => readOnnxLstmStacks(withClip)).toThrow(/clip 3 is not supported/);
  const withPeepholes = variant((n, m) => {
    n.input.push(...Array(7 - n.input.length).fill(''), 'P');
    m.graph.initializer.push(float32Tensor('P', [2, 9], Array.from({ length: 18 }, (_, k) => k / 10)));
  });
  expect(() => readOnnxLstmStacks(withPeepholes)).toThrow(/P \(peephole weights \[2, 9\]\) has nonzero values/);
  const leaky = variant((n) => n.attribute.push({ name: 'activations', type: 8, strings: ['LeakyRelu', 'Tanh', 'Tanh', 'Sigmoid', 'Tanh', 'Tanh'].map((x) => new TextEncoder().encode(x)) }));
  expect(() => readOnnxLstmStacks(leaky)).toThrow(/activations\[0\] LeakyRelu\(alpha=0\.01, beta=undefined\) has no engine equivalent/);
});

test("io.loadOnnx of the torch export is the exported nn.LSTM: PyTorch's state dict, forward reproduces PyTorch", () => {
  const lstm = loadOnnx(bytes);
  expect(lstm.toString()).toBe('LSTM(4, 3, num_layers=2, bidirectional=True)');
  const sd = lstm.stateDict();
  expect(Object.keys(sd)).toEqual(Object.keys(ref.state_dict));
  for (const [k, a] of Object.entries(ref.state_dict)) expect(Array.from(sd[k].dataSync())).toEqual(Array.from(Float32Array.from(a.values)));
  const [y, [hN, cN]] = lstm.forward(t(ref.input));
  expectClose(y, ref.output.values, TOL, 0, 'output');
  expectClose(hN, ref.h_n.values, TOL, 0, 'h_n');
  expectClose(cN, ref.c_n.values, TOL, 0, 'c_n');
  lstm.dispose();
});
