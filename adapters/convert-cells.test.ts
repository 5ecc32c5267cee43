/**
 * convertGruWeights / convertRnnWeights over every pair of conventions, from random weights built
 * in each convention's native layout (not through the adapters):
 * - A -> B -> A gives A's tensors back bit for bit (dataSync arrays, toEqual: -0 and 0 differ),
 *   except when a two-bias A goes through a one-bias B: then the kernels bit for bit and the
 *   biases as their sum, and the engine computes the same outputs (1e-6);
 * - the engine computes the same function from A and from B (gruLayer with the pair's reset);
 * - pairs across the two GRU resets throw UnsupportedConversionError, leaking nothing;
 * - the Keras forms run in tfjs-layers (`tf.layers.gru` reset_after=False, `tf.layers.simpleRNN`)
 *   give the engine's outputs.
 */
import * as tfl from '@tensorflow/tfjs-layers';

import { gruLayer, rnnLayer } from '../src/engine';
import { ConfigError, ShapeError, UnsupportedConversionError } from '../src/errors';
import { randomValues } from '../test/helpers/conventions';
import { expectClose, tf } from '../test/helpers/tf';
import { disposeWeights } from './checks';
import {
  GRU_CONVENTIONS, GruConvention, RNN_CONVENTIONS, RnnConvention, convertGruWeights, convertRnnWeights,
} from './convert-cells';

const [I, H, T, N] = [3, 4, 5, 2];

type Weights = Record<string, tf.Tensor | null>;

/** Random weights of `convention` in its own layout; `resetAfter` picks Keras's bias shape. */
function nativeGru(convention: GruConvention, resetAfter: boolean, seed: number): Weights {
  const r = (shape: number[], k: number) => randomValues(shape, seed * 10 + k);
  switch (convention) {
    case 'canonical':
      return { kernel: r([I, 3 * H], 1), recurrentKernel: r([H, 3 * H], 2), bias: r([3 * H], 3), recurrentBias: r([3 * H], 4) };
    case 'torch':
      return { weight_ih: r([3 * H, I], 1), weight_hh: r([3 * H, H], 2), bias_ih: r([3 * H], 3), bias_hh: r([3 * H], 4) };
    case 'keras':
      return { kernel: r([I, 3 * H], 1), recurrent_kernel: r([H, 3 * H], 2), bias: r(resetAfter ? [2, 3 * H] : [3 * H], 3) };
    case 'onnx':
      return { W: r([1, 3 * H, I], 1), R: r([1, 3 * H, H], 2), B: r([1, 6 * H], 3) };
    case 'cudnn':
      return { kernel: r([I, 3 * H], 1), recurrent_kernel: r([H, 3 * H], 2), bias: r([6 * H], 3) };
    case 'tf1':
      return { 'gates/kernel': r([I + H, 2 * H], 1), 'gates/bias': r([2 * H], 2), 'candidate/kernel': r([I + H, H], 3), 'candidate/bias': r([H], 4) };
  }
}

function nativeRnn(convention: RnnConvention, seed: number): Weights {
  const r = (shape: number[], k: number) => randomValues(shape, seed * 10 + k);
  switch (convention) {
    case 'canonical':
      return { kernel: r([I, H], 1), recurrentKernel: r([H, H], 2), bias: r([H], 3), recurrentBias: r([H], 4) };
    case 'torch':
      return { weight_ih: r([H, I], 1), weight_hh: r([H, H], 2), bias_ih: r([H], 3), bias_hh: r([H], 4) };
    case 'keras':
      return { kernel: r([I, H], 1), recurrent_kernel: r([H, H], 2), bias: r([H], 3) };
    case 'onnx':
      return { W: r([1, H, I], 1), R: r([1, H, H], 2), B: r([1, 2 * H], 3) };
  }
}

const AFTER: GruConvention[] = ['canonical', 'torch', 'keras', 'onnx', 'cudnn'];
const BEFORE: GruConvention[] = ['canonical', 'keras', 'onnx', 'tf1'];
/** Forms with one bias for the reset (the two canonical biases merge on the way in). */
const ONE_BIAS_BEFORE: GruConvention[] = ['keras', 'tf1'];

const x = () => randomValues([T, N, I], 99) as tf.Tensor3D;

const arrays = (w: object) => Object.fromEntries(Object.entries(w).map(([k, v]) => [k, v instanceof tf.Tensor ? { shape: v.shape, data: Array.from(v.dataSync()) } : v]));

function gruOutput(w: Weights, from: GruConvention, resetAfter: boolean): number[] {
  const input = x();
  const c = convertGruWeights(w as never, from, 'canonical', { resetAfter });
  const { output, h } = gruLayer(input, c, { resetAfter });
  const out = Array.from(output.dataSync());
  tf.dispose([input, output, h]);
  disposeWeights(c);
  return out;
}

const kernelsOf = (w: object) => Object.fromEntries(Object.entries(arrays(w)).filter(([k]) => !/bias|^B$/i.test(k)));

describe('convertGruWeights', () => {
  for (const [resetAfter, group] of [[true, AFTER], [false, BEFORE]] as const) {
    for (const a of group) {
      for (const b of group) {
        it(`${a} -> ${b} -> ${a} (reset ${resetAfter ? 'after' : 'before'}) is exact and computes the same`, () => {
          const wa = nativeGru(a, resetAfter, 1 + GRU_CONVENTIONS.indexOf(a));
          const before = tf.memory().numTensors;
          const wb = convertGruWeights(wa as never, a, b, { resetAfter });
          const back = convertGruWeights(wb as never, b, a, { resetAfter });
          const merged = !resetAfter && !ONE_BIAS_BEFORE.includes(a) && ONE_BIAS_BEFORE.includes(b);
          if (!merged) expect(arrays(back)).toEqual(arrays(wa));
          else expect(kernelsOf(back)).toEqual(kernelsOf(wa));
          expectClose(gruOutput(wb as never, b, resetAfter), gruOutput(wa, a, resetAfter), 1e-6);
          disposeWeights([wb, back]);
          expect(tf.memory().numTensors).toBe(before);
          disposeWeights(wa);
        });
      }
    }
  }

  it('the reset-after and reset-before outputs of the same weights differ (so the refusals matter)', () => {
    const w = nativeGru('canonical', true, 7);
    const input = x();
    const after = gruLayer(input, w as never, { resetAfter: true });
    const before = gruLayer(input, w as never, { resetAfter: false });
    expect(tf.max(tf.abs(tf.sub(after.output, before.output))).dataSync()[0]).toBeGreaterThan(1e-3);
    tf.dispose([input, after.output, after.h, before.output, before.h]);
    disposeWeights(w);
  });

  it('refuses every pair across the resets with UnsupportedConversionError saying why, leaking nothing', () => {
    // [from, the source's reset (its form's, or the option's), to, options.resetAfter]
    const cases: [GruConvention, boolean, GruConvention, boolean | undefined][] = [
      ['torch', true, 'tf1', undefined], ['cudnn', true, 'tf1', undefined], ['keras', true, 'tf1', undefined],
      ['torch', true, 'keras', false], ['cudnn', true, 'onnx', false], ['keras', true, 'keras', false], ['torch', true, 'canonical', false],
      ['tf1', false, 'torch', undefined], ['tf1', false, 'cudnn', undefined], ['keras', false, 'torch', undefined],
      ['keras', false, 'cudnn', undefined], ['canonical', false, 'torch', false], ['onnx', false, 'cudnn', false],
      ['onnx', false, 'torch', false], ['canonical', false, 'cudnn', false], ['tf1', false, 'keras', true], ['keras', false, 'onnx', true],
    ];
    for (const [a, sourceAfter, b, resetAfter] of cases) {
      const w = nativeGru(a, sourceAfter, 3);
      const before = tf.memory().numTensors;
      expect(() => convertGruWeights(w as never, a, b, { resetAfter })).toThrow(UnsupportedConversionError);
      expect(() => convertGruWeights(w as never, a, b, { resetAfter })).toThrow(
        "PyTorch's GRU applies the reset after the recurrent product; a reset_after=False GRU applies it before: not expressible exactly",
      );
      expect(tf.memory().numTensors).toBe(before);
      disposeWeights(w);
    }
    const tf1 = nativeGru('tf1', false, 4);
    expect(() => convertGruWeights(tf1 as never, 'tf1', 'torch')).toThrow(
      new UnsupportedConversionError(
        "adapters.convertGruWeights: from 'tf1' (TF1 GRUCell (reset before)) to 'torch' (PyTorch's nn.GRU (reset after)): " +
          "PyTorch's GRU applies the reset after the recurrent product; a reset_after=False GRU applies it before: not expressible exactly",
      ),
    );
    const keras = nativeGru('keras', false, 5);
    expect(() => convertGruWeights(keras as never, 'keras', 'cudnn')).toThrow("from 'keras' (Keras GRU(reset_after=False))");
    expect(() => convertGruWeights(keras as never, 'keras', 'onnx', { resetAfter: true })).toThrow(UnsupportedConversionError);
    disposeWeights([tf1, keras]);
  });

  it('writes the Keras bias the reset asks for, and infers the reset from it', () => {
    const torch = nativeGru('torch', true, 6);
    const keras = convertGruWeights(torch as never, 'torch', 'keras');
    expect(keras.bias?.shape).toEqual([2, 3 * H]);
    const canonical = nativeGru('canonical', false, 6);
    const flat = convertGruWeights(canonical as never, 'canonical', 'keras', { resetAfter: false });
    expect(flat.bias?.shape).toEqual([3 * H]);
    const sum = tf.add(canonical.bias as tf.Tensor, canonical.recurrentBias as tf.Tensor);
    const zrh = tf.concat([tf.slice(sum, [H], [H]), tf.slice(sum, [0], [H]), tf.slice(sum, [2 * H], [H])]);
    expect(Array.from((flat.bias as tf.Tensor).dataSync())).toEqual(Array.from(zrh.dataSync()));
    const tf1 = convertGruWeights(flat, 'keras', 'tf1'); // (3U) bias: reset before, no option needed
    expect(tf1['gates/kernel'].shape).toEqual([I + H, 2 * H]);
    disposeWeights([torch, keras, canonical, flat, tf1, { sum, zrh }]);
  });

  it('runs the Keras reset_after=False form in tfjs-layers tf.layers.gru with the engine outputs', () => {
    for (const from of ['canonical', 'onnx', 'tf1', 'keras'] as GruConvention[]) {
      const w = nativeGru(from, false, 8);
      const keras = convertGruWeights(w as never, from, 'keras', { resetAfter: false });
      const layer = tfl.layers.gru({ units: H, recurrentActivation: 'sigmoid', returnSequences: true, inputShape: [T, I] }); // tfjs: reset_after=False only
      const model = tfl.sequential({ layers: [layer] });
      layer.setWeights([keras.kernel, keras.recurrent_kernel, keras.bias as tf.Tensor]);
      const input = x();
      const expected = model.predict(tf.transpose(input, [1, 0, 2])) as tf.Tensor;
      expectClose(gruOutput(w, from, false), tf.transpose(expected, [1, 0, 2]).dataSync(), 1e-5);
      tf.dispose([input, expected]);
      model.dispose();
      disposeWeights([w, keras]);
    }
  });

  it('typed errors for bad input, named by the checks', () => {
    const w = nativeGru('torch', true, 9);
    expect(() => convertGruWeights(w as never, 'torch', 'caffe' as never)).toThrow(ConfigError);
    expect(() => convertGruWeights(w as never, 'torch', 'keras', { resetAfter: 1 as never })).toThrow('options.resetAfter expected one of true, false, got 1');
    expect(() => convertGruWeights(null as never, 'torch', 'keras')).toThrow(ConfigError);
    const bad = { ...w, weight_hh: tf.zeros([3 * H, H + 1]) };
    expect(() => convertGruWeights(bad as never, 'torch', 'keras')).toThrow(
      new ShapeError(`adapters.convertGruWeights: weight_hh expected [${3 * H}, ${H}], got [${3 * H}, ${H + 1}]`),
    );
    const notThree = { weight_ih: tf.zeros([4, I]), weight_hh: tf.zeros([4, 4]) };
    expect(() => convertGruWeights(notThree as never, 'torch', 'keras')).toThrow('weight_ih expected axis 0 to be 3H');
    const lone = { weight_ih: w.weight_ih, weight_hh: w.weight_hh, bias_ih: w.bias_ih };
    expect(() => convertGruWeights(lone as never, 'torch', 'onnx')).toThrow('bias_ih and bias_hh come together');
    const keras3 = { kernel: tf.zeros([I, 3 * H]), recurrent_kernel: tf.zeros([H, 3 * H]), bias: tf.zeros([3, 3 * H]) };
    expect(() => convertGruWeights(keras3 as never, 'keras', 'torch')).toThrow(`bias expected [${3 * H}] or [2, ${3 * H}], got [3, ${3 * H}]`);
    const cudnn = { kernel: tf.zeros([I, 3 * H]), recurrent_kernel: tf.zeros([H, 3 * H]), bias: tf.zeros([3 * H]) };
    expect(() => convertGruWeights(cudnn as never, 'cudnn', 'torch')).toThrow(`bias expected [${6 * H}], got [${3 * H}]`);
    const tf1 = { ...nativeGru('tf1', false, 9), 'candidate/kernel': tf.zeros([I, H]) };
    expect(() => convertGruWeights(tf1 as never, 'tf1', 'keras')).toThrow(`candidate/kernel expected [${I + H}, ${H}], got [${I}, ${H}]`);
    const bidirectional = { W: tf.zeros([2, 3 * H, I]), R: tf.zeros([2, 3 * H, H]) };
    const before = tf.memory().numTensors;
    expect(() => convertGruWeights(bidirectional as never, 'onnx', 'torch')).toThrow('for a bidirectional node use onnxGruToCanonical');
    expect(tf.memory().numTensors).toBe(before);
    disposeWeights([w, bad, notThree, keras3, cudnn, tf1, bidirectional]);
  });
});

describe('convertRnnWeights', () => {
  const rnnOutput = (w: Weights, from: RnnConvention, activation: 'tanh' | 'relu') => {
    const input = x();
    const c = convertRnnWeights(w as never, from, 'canonical');
    const { output, h } = rnnLayer(input, c, { activation });
    const out = Array.from(output.dataSync());
    tf.dispose([input, output, h]);
    disposeWeights(c);
    return out;
  };

  for (const a of RNN_CONVENTIONS) {
    for (const b of RNN_CONVENTIONS) {
      it(`${a} -> ${b} -> ${a} is exact and computes the same`, () => {
        const wa = nativeRnn(a, 1 + RNN_CONVENTIONS.indexOf(a));
        const before = tf.memory().numTensors;
        const wb = convertRnnWeights(wa as never, a, b);
        const back = convertRnnWeights(wb as never, b, a);
        if (a === 'keras' || b !== 'keras') expect(arrays(back)).toEqual(arrays(wa));
        else expect(kernelsOf(back)).toEqual(kernelsOf(wa));
        for (const activation of ['tanh', 'relu'] as const) expectClose(rnnOutput(wb as never, b, activation), rnnOutput(wa, a, activation), 1e-6);
        disposeWeights([wb, back]);
        expect(tf.memory().numTensors).toBe(before);
        disposeWeights(wa);
      });
    }
  }

  it('sums the two biases into SimpleRNN, which tfjs-layers runs with the engine outputs', () => {
    const torch = nativeRnn('torch', 5);
    const keras = convertRnnWeights(torch as never, 'torch', 'keras');
    const sum = tf.add(torch.bias_ih as tf.Tensor, torch.bias_hh as tf.Tensor);
    expect(Array.from((keras.bias as tf.Tensor).dataSync())).toEqual(Array.from(sum.dataSync()));
    for (const activation of ['tanh', 'relu'] as const) {
      const layer = tfl.layers.simpleRNN({ units: H, activation, returnSequences: true, inputShape: [T, I] });
      const model = tfl.sequential({ layers: [layer] });
      layer.setWeights([keras.kernel, keras.recurrent_kernel, keras.bias as tf.Tensor]);
      const input = x();
      const expected = model.predict(tf.transpose(input, [1, 0, 2])) as tf.Tensor;
      expectClose(rnnOutput(torch, 'torch', activation), tf.transpose(expected, [1, 0, 2]).dataSync(), 1e-5);
      tf.dispose([input, expected]);
      model.dispose();
    }
    disposeWeights([torch, keras, { sum }]);
  });

  it('typed errors for bad input', () => {
    const w = nativeRnn('torch', 6);
    expect(() => convertRnnWeights(w as never, 'torch', 'tf1' as never)).toThrow('to expected one of "canonical", "torch", "keras", "onnx"');
    expect(() => convertRnnWeights(w as never, 'torch', 'keras', { resetAfter: true } as never)).toThrow('options expected none');
    const square = { weight_ih: tf.zeros([H, I]), weight_hh: tf.zeros([H, H + 1]) };
    expect(() => convertRnnWeights(square as never, 'torch', 'keras')).toThrow(`weight_hh expected [${H}, ${H}], got [${H}, ${H + 1}]`);
    const onnx = { W: tf.zeros([1, H, I]), R: tf.zeros([1, H, H]), B: tf.zeros([1, H]) };
    expect(() => convertRnnWeights(onnx as never, 'onnx', 'keras')).toThrow(`B expected [1, ${2 * H}], got [1, ${H}]`);
    disposeWeights([w, square, onnx]);
  });
});
