/**
 * `io.saveOnnxStack` (cell 'gru' | 'rnn') and `io.loadOnnxRecurrent` on models built here: exact
 * round trips of the canonical weights (GRU r, z, n <-> ONNX z, r, h) with resetAfter, activations
 * and layouts; typed errors naming the node, without leaked tensors. (PyTorch's own exports:
 * `test/io-onnx-torch-cell-exports.test.ts`.)
 */
import { randomTensor, tf } from '../../../test/helpers/tf';
import { ConfigError, UnsupportedConversionError } from '../../errors';
import { CellWeights, StackLayer } from '../../engine';
import { AttributeType, OnnxFormatError, decodeModel, encodeModel } from '../../onnx';
import { disposeOnnxRecurrentStacks, loadOnnxRecurrent, readOnnxRecurrentStacks } from './load-onnx-cells';
import { saveOnnxStack } from './save-onnx';

function stack(I: number, H: number, L: number, D: number, G: number, seed: number, bias = true): StackLayer<CellWeights>[] {
  const w = (inSize: number, s: number): CellWeights => ({
    kernel: randomTensor([inSize, G * H], s) as tf.Tensor2D,
    recurrentKernel: randomTensor([H, G * H], s + 1) as tf.Tensor2D,
    bias: bias ? (randomTensor([G * H], s + 2) as tf.Tensor1D) : null,
    recurrentBias: bias ? (randomTensor([G * H], s + 3) as tf.Tensor1D) : null,
  });
  return Array.from({ length: L }, (_, k) => ({ forward: w(k ? D * H : I, seed + 10 * k), backward: D === 2 ? w(k ? D * H : I, seed + 10 * k + 5) : null }));
}

const same = (a: tf.Tensor | null | undefined, b: tf.Tensor | null | undefined) => {
  expect(!!a).toBe(!!b);
  if (a && b) expect(Array.from(a.dataSync())).toEqual(Array.from(b.dataSync()));
};

test.each([
  ['GRU reset after, 2 layers bi, batch first, h0', 'gru', 3, { resetAfter: true, batchFirst: true, initialState: true }],
  ['GRU reset before, hardSigmoid / relu, unbatched', 'gru', 3, { resetAfter: false, recurrentActivation: 'hardSigmoid', activation: 'relu', unbatched: true }],
  ['RNN relu, 2 layers bi', 'rnn', 1, { activation: 'relu' }],
  ['RNN tanh, no bias', 'rnn', 1, { bias: false }],
] as const)('%s: saveOnnxStack -> loadOnnxRecurrent is exact', (_n, cell, G, o) => {
  const { bias, ...options } = o as Record<string, unknown>;
  const layers = stack(3, 2, 2, 2, G, 5, bias !== false);
  const before = tf.memory().numTensors;
  const bytes = saveOnnxStack(layers, { cell, ...options });
  const s = loadOnnxRecurrent(bytes);
  expect(s.kind).toBe(cell);
  expect(s.numLayers).toBe(2);
  expect(s.bidirectional).toBe(true);
  expect(s.resetAfter).toBe(cell === 'gru' ? options.resetAfter : null);
  expect(s.activation).toBe(options.activation ?? 'tanh');
  expect(s.recurrentActivation).toBe(cell === 'gru' ? options.recurrentActivation ?? 'sigmoid' : null);
  expect(s.form).toBe(options.unbatched ? 'unbatched' : options.batchFirst ? 'batch-first' : 'time-major');
  expect(s.initialState).toEqual(options.initialState ? { kind: 'input', h0: 'h0' } : { kind: 'zeros' });
  s.layers.forEach((l, k) => {
    for (const d of ['forward', 'backward'] as const) {
      for (const f of ['kernel', 'recurrentKernel', 'bias', 'recurrentBias'] as const) same(l[d]![f], layers[k][d]![f]);
    }
  });
  disposeOnnxRecurrentStacks([s]);
  expect(tf.memory().numTensors).toBe(before);
  const model = decodeModel(bytes);
  const node = model.graph.node.find((n) => n.opType === cell.toUpperCase())!;
  const lbr = node.attribute.find((a) => a.name === 'linear_before_reset');
  expect(lbr ? Number(lbr.i) : null).toBe(cell === 'gru' ? (options.resetAfter ? 1 : 0) : null);
});

describe('typed errors, no leaks', () => {
  const gru = stack(3, 2, 1, 1, 3, 9);
  const model = () => decodeModel(saveOnnxStack(gru, { cell: 'gru' }));
  const check = (bytes: Uint8Array, Err: new (...a: never[]) => Error, why: RegExp) => {
    const before = tf.memory().numTensors;
    expect(() => loadOnnxRecurrent(bytes)).toThrow(Err);
    expect(() => loadOnnxRecurrent(bytes)).toThrow(why);
    expect(tf.memory().numTensors).toBe(before);
  };

  test('clip, reverse, activations the engine has not, bad linear_before_reset, bad B', () => {
    const withAttr = (a: Parameters<typeof encodeModel>[0]['graph']['node'][number]['attribute'][number]) => {
      const m = model();
      m.graph.node.find((n) => n.opType === 'GRU')!.attribute.push(a);
      return encodeModel(m);
    };
    check(withAttr({ name: 'clip', type: AttributeType.FLOAT, f: 3 }), UnsupportedConversionError, /GRU 'gru_l0': clip/);
    check(withAttr({ name: 'direction', type: AttributeType.STRING, s: new TextEncoder().encode('reverse') }), UnsupportedConversionError, /direction 'reverse'/);
    check(withAttr({ name: 'activations', type: AttributeType.STRINGS, strings: ['Sigmoid', 'LeakyRelu'].map((x) => new TextEncoder().encode(x)) }), UnsupportedConversionError, /LeakyRelu\(0.01\) has no engine form/);
    const m = model();
    m.graph.node.find((n) => n.opType === 'GRU')!.attribute.find((a) => a.name === 'linear_before_reset')!.i = 2;
    check(encodeModel(m), OnnxFormatError, /linear_before_reset expected 0 or 1, got 2/);
    const b = model();
    const B = b.graph.initializer.find((t) => t.name === 'B_l0')!;
    B.dims = [1, 6 * 2 - 3, 1].slice(0, 2);
    B.rawData = B.rawData!.slice(0, (6 * 2 - 3) * 4);
    check(encodeModel(b), OnnxFormatError, /B expected \[1,12\], got \[1,9\]/);
  });

  test('a model without GRU / RNN nodes, several stacks, bad options', () => {
    check(saveOnnxStack(stack(3, 2, 1, 1, 4, 3)), UnsupportedConversionError, /no GRU or RNN node \(ops: LSTM, Squeeze\)/);
    const m = model();
    const r = decodeModel(saveOnnxStack(stack(3, 2, 1, 1, 1, 4), { cell: 'rnn' }));
    for (const t of r.graph.initializer) t.name = `rnn_${t.name}`;
    const rnnNode = r.graph.node.find((n) => n.opType === 'RNN')!;
    rnnNode.input = ['input', 'rnn_W_l0', 'rnn_R_l0', 'rnn_B_l0'];
    rnnNode.output = ['rnn_Y', 'rnn_h'];
    m.graph.node.push(rnnNode);
    m.graph.initializer.push(...r.graph.initializer.filter((t) => t.name.startsWith('rnn_W') || t.name.startsWith('rnn_R') || t.name.startsWith('rnn_B')));
    const both = encodeModel(m);
    check(both, UnsupportedConversionError, /form 2 stacks \(0: GRU 'gru_l0'; 1: RNN 'rnn_l0'\); choose one with options.stack/);
    const all = readOnnxRecurrentStacks(both);
    expect(all.map((s) => s.kind)).toEqual(['gru', 'rnn']);
    disposeOnnxRecurrentStacks(all);
    const one = loadOnnxRecurrent(both, { stack: 1 });
    expect(one.kind).toBe('rnn');
    disposeOnnxRecurrentStacks([one]);
    expect(() => loadOnnxRecurrent(both, { stack: 2 })).toThrow(ConfigError);
    expect(() => saveOnnxStack(gru, { cell: 'lstm2' as never })).toThrow(ConfigError);
    expect(() => saveOnnxStack(gru, { cell: 'rnn' })).toThrow(/kernel expected|recurrentKernel expected/);
  });
});
