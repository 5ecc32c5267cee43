/**
 * @jest-environment ./test/helpers/ort-environment.js
 */
/**
 * `io.saveOnnxStack`: any engine stack, activations included (Keras 2 and Keras 3 hard sigmoid,
 * relu, ...), exported as ONNX and run in onnxruntime-node: output, h_n and c_n within 1e-5 of
 * the engine (`lstmStack`) on the same weights; the activation attributes as ONNX spells them;
 * read back by `io.readOnnxLstmStacks` with the same activations; typed errors; no leaks.
 */
import * as tfl from '@tensorflow/tfjs-layers';

import { disposeStack, kerasWeightsToStack } from '../adapters';
import { ActivationName, LstmStackLayer, lstmStack } from '../src/engine';
import { bidirectional, lstm } from '../src/layers';
import { ConfigError, ShapeError, UnsupportedConversionError } from '../src/errors';
import { disposeOnnxStacks, readOnnxLstmStacks, saveOnnxStack } from '../src/io';
import { LSTM } from '../src/nn/lstm';
import { decodeModel } from '../src/onnx';
import { OrtModule, loadOnnxRuntime } from '../src/runtime/ort-runtime';
import { maxAbsDiff, randomTensor, tf } from './helpers/tf';

function ort(): OrtModule {
  const m = loadOnnxRuntime();
  if (!m) throw new Error('onnxruntime-node is not installed (optional dependency): run npm install');
  return m;
}

/**
 * A seeded random stack (an nn.LSTM's canonical weights, uniform in ±0.5 = PyTorch's ±1/√H), so
 * that unbounded activations (relu, elu, softplus gates) stay finite over the 6 steps: with the
 * module's own unseeded init a draw could overflow to Inf/NaN on one side.
 */
function stackOf(numLayers: number, bidirectional: boolean): { lstm: LSTM; layers: LstmStackLayer[] } {
  const lstm = new LSTM(3, 4, { numLayers, bidirectional });
  const seeded = Object.fromEntries(Object.entries(lstm.stateDict()).map(([k, t], j) => [k, randomTensor(t.shape, 900 + j, 0.5)]));
  lstm.loadStateDict(seeded);
  tf.dispose(Object.values(seeded));
  const layers = Array.from({ length: numLayers }, (_, k) => ({
    forward: lstm.canonicalWeights(k, false),
    backward: bidirectional ? lstm.canonicalWeights(k, true) : null,
  }));
  return { lstm, layers };
}

function disposeLayers(layers: LstmStackLayer[]): void {
  for (const l of layers) for (const w of l.backward ? [l.forward, l.backward] : [l.forward]) tf.dispose(Object.values(w).filter((t): t is tf.Tensor => t instanceof tf.Tensor));
}

const CASES: [string, ActivationName, ActivationName, number, boolean, boolean][] = [
  ['Keras 2 hard_sigmoid', 'tanh', 'hardSigmoid', 2, false, true],
  ['Keras 3 hard_sigmoid, bidirectional', 'tanh', 'hardSigmoidKeras3', 2, true, true],
  ['relu / hard_sigmoid, time-major', 'relu', 'hardSigmoid', 1, false, false],
  ['softsign / sigmoid, bidirectional', 'softsign', 'sigmoid', 1, true, true],
  ['elu / softplus', 'elu', 'softplus', 1, false, true],
];

describe.each(CASES)('saveOnnxStack: %s', (_name, activation, recurrentActivation, numLayers, bidirectional, batchFirst) => {
  it('onnxruntime computes what the engine computes (output, h_n, c_n; 1e-5); read back with its activations', async () => {
    const rt = ort();
    const { lstm, layers } = stackOf(numLayers, bidirectional);
    const before = tf.memory().numTensors;
    const bytes = saveOnnxStack(layers, { activation, recurrentActivation, batchFirst });
    expect(tf.memory().numTensors).toBe(before);

    const nodes = decodeModel(bytes).graph.node.filter((n) => n.opType === 'LSTM');
    expect(nodes).toHaveLength(numLayers);
    const acts = nodes[0].attribute.find((a) => a.name === 'activations');
    const expected = { hardSigmoid: 'HardSigmoid', hardSigmoidKeras3: 'HardSigmoid', sigmoid: 'Sigmoid', softplus: 'Softplus', tanh: 'Tanh', relu: 'Relu', softsign: 'Softsign', elu: 'Elu' } as Record<string, string>;
    const names = acts?.strings?.map((s) => new TextDecoder().decode(s));
    expect(names).toEqual(Array(bidirectional ? 2 : 1).fill([expected[recurrentActivation], expected[activation], expected[activation]]).flat());
    if (recurrentActivation.startsWith('hardSigmoid')) {
      const alpha = nodes[0].attribute.find((a) => a.name === 'activation_alpha')?.floats?.[0];
      expect(alpha).toBeCloseTo(recurrentActivation === 'hardSigmoid' ? 0.2 : 1 / 6, 6);
      expect(nodes[0].attribute.find((a) => a.name === 'activation_beta')?.floats?.[0]).toBeCloseTo(0.5, 6);
    }

    const [L, N] = [6, 2];
    const x = randomTensor(batchFirst ? [N, L, 3] : [L, N, 3], 5, 2);
    const session = await rt.InferenceSession.create(bytes);
    const out = await session.run({ input: new rt.Tensor('float32', x.dataSync() as Float32Array, x.shape) });
    await session.release();
    const ref = tf.tidy(() => {
      const r = lstmStack(batchFirst ? tf.transpose(x, [1, 0, 2]) : x, layers, { activation, recurrentActivation });
      return { output: batchFirst ? tf.transpose(r.output, [1, 0, 2]) : r.output, h: tf.stack(r.h), c: tf.stack(r.c) };
    });
    expect(maxAbsDiff(out.output.data as Float32Array, ref.output)).toBeLessThanOrEqual(1e-5);
    expect(maxAbsDiff(out.h_n.data as Float32Array, ref.h)).toBeLessThanOrEqual(1e-5);
    expect(maxAbsDiff(out.c_n.data as Float32Array, ref.c)).toBeLessThanOrEqual(1e-5);

    const [back] = readOnnxLstmStacks(bytes);
    expect([back.activation, back.recurrentActivation, back.form]).toEqual([activation, recurrentActivation, batchFirst ? 'batch-first' : 'time-major']);
    disposeOnnxStacks([back]);
    tf.dispose([x, ref.output, ref.h, ref.c]);
    disposeLayers(layers);
    lstm.dispose();
  });
});

describe('saveOnnxStack from a Keras model (the documented path: adapters.kerasWeightsToStack)', () => {
  it('a Keras 2 hard_sigmoid Bidirectional stack: onnxruntime = the Keras layers (1e-5)', async () => {
    const rt = ort();
    const model = tfl.sequential({
      layers: [
        bidirectional({ layer: lstm({ units: 4, recurrentActivation: 'hardSigmoid', returnSequences: true }), inputShape: [6, 3] }),
        bidirectional({ layer: lstm({ units: 4, recurrentActivation: 'hardSigmoid', returnSequences: true }) }),
      ],
    });
    const { layers } = kerasWeightsToStack(model.layers.map((l) => l.getWeights()));
    const bytes = saveOnnxStack(layers, { recurrentActivation: 'hardSigmoid', batchFirst: true });
    disposeStack(layers);
    const x = randomTensor([2, 6, 3], 8, 2);
    const session = await rt.InferenceSession.create(bytes);
    const out = await session.run({ input: new rt.Tensor('float32', x.dataSync() as Float32Array, [2, 6, 3]) });
    await session.release();
    const y = model.predict(x) as tf.Tensor;
    expect(maxAbsDiff(out.output.data as Float32Array, y)).toBeLessThanOrEqual(1e-5);
    tf.dispose([x, y]);
    model.dispose();
  });
});

describe('saveOnnxStack: typed errors, no leaks', () => {
  it('activations ONNX lacks, projections, bad layers and options', () => {
    const { lstm, layers } = stackOf(2, false);
    const before = tf.memory().numTensors;
    expect(() => saveOnnxStack(layers, { recurrentActivation: 'swish' })).toThrow(UnsupportedConversionError);
    expect(() => saveOnnxStack(layers, { recurrentActivation: 'swish' })).toThrow(/ONNX LSTM cannot express the recurrentActivation 'swish'/);
    expect(() => saveOnnxStack(layers, { activation: 'gelu' as never })).toThrow(ConfigError);
    expect(() => saveOnnxStack(layers, { batchFirst: 'yes' as never })).toThrow(/batchFirst expected a boolean, got "yes"/);
    expect(() => saveOnnxStack(layers, { layout: 1 } as never)).toThrow(/unknown option "layout"/);
    expect(() => saveOnnxStack([], {})).toThrow(/expected at least one layer, got 0/);
    expect(() => saveOnnxStack(null as never)).toThrow(/layers expected an array/);
    expect(() => saveOnnxStack([layers[1], layers[0]])).toThrow(ShapeError);
    const proj = new LSTM(3, 4, { projSize: 2 });
    const pw = proj.canonicalWeights(0, false);
    expect(() => saveOnnxStack([{ forward: pw, backward: null }])).toThrow(/has a projection: the ONNX LSTM operator has no projection/);
    tf.dispose(Object.values(pw).filter((t): t is tf.Tensor => t instanceof tf.Tensor));
    proj.dispose();
    expect(tf.memory().numTensors).toBe(before);
    disposeLayers(layers);
    lstm.dispose();
  });
});
