/**
 * @jest-environment ./test/helpers/ort-environment.js
 */
/**
 * nn.GRU, nn.RNN and their cells beyond the PyTorch golden values (test/nn-gru-rnn-torch-golden):
 * construction, keys, typed errors naming expected vs got, no leaks (error paths included),
 * train/eval dropout, forwardAsync and lastExecution, state-dict kind detection and the
 * wrong-kind errors of every fromStateDict / loadStateDict.
 */
import { randomTensor, tf } from '../../test/helpers/tf';
import { thrown } from '../../test/helpers/thrown';
import { ConfigError, ShapeError, StateDictError, UnsupportedConversionError } from '../errors';
import { onnxRuntimeAvailable } from '../runtime';
import { fromStateDict } from './from-state-dict';
import { GRU } from './gru';
import { GRUCell } from './gru-cell';
import { LSTM } from './lstm';
import { LSTMCell } from './lstm-cell';
import { RNN } from './rnn';
import { RNNCell } from './rnn-cell';
import { stateDictKind } from './state-dict-kind';
import { PackedSequence, packPaddedSequence } from './utils/rnn';

describe('construction and keys', () => {
  test("PyTorch's parameter counts, defaults and reprs", () => {
    const gru = new GRU(10, 7);
    const rnn = new RNN(10, 7);
    expect(gru.numParameters()).toBe(399); // 3·7·(10+7) + 2·21
    expect(rnn.numParameters()).toBe(133);
    expect([gru.numLayers, gru.bias, gru.batchFirst, gru.dropout, gru.bidirectional, gru.training]).toEqual([1, true, false, 0, false, true]);
    expect(rnn.nonlinearity).toBe('tanh');
    expect(String(gru)).toBe('GRU(10, 7)');
    const r2 = new RNN(3, 4, { numLayers: 2, nonlinearity: 'relu', bias: false, batchFirst: true, dropout: 0.5, bidirectional: true });
    expect(String(r2)).toBe('RNN(3, 4, num_layers=2, bias=False, batch_first=True, dropout=0.5, bidirectional=True)');
    const cells = [new GRUCell(3, 4), new RNNCell(3, 4, { nonlinearity: 'relu', bias: false })];
    expect(cells.map(String)).toEqual(['GRUCell(3, 4)', 'RNNCell(3, 4, bias=False, nonlinearity=relu)']);
    [gru, rnn, r2, ...cells].forEach((m) => m.dispose());
  });

  test('state dict keys, order and shapes (GRU rows r,z,n: 3H; RNN: H)', () => {
    const gru = new GRU(5, 4, { numLayers: 2, bidirectional: true });
    expect(Object.entries(gru.stateDict()).map(([k, v]) => [k, v.shape])).toEqual([
      ['weight_ih_l0', [12, 5]], ['weight_hh_l0', [12, 4]], ['bias_ih_l0', [12]], ['bias_hh_l0', [12]],
      ['weight_ih_l0_reverse', [12, 5]], ['weight_hh_l0_reverse', [12, 4]], ['bias_ih_l0_reverse', [12]], ['bias_hh_l0_reverse', [12]],
      ['weight_ih_l1', [12, 8]], ['weight_hh_l1', [12, 4]], ['bias_ih_l1', [12]], ['bias_hh_l1', [12]],
      ['weight_ih_l1_reverse', [12, 8]], ['weight_hh_l1_reverse', [12, 4]], ['bias_ih_l1_reverse', [12]], ['bias_hh_l1_reverse', [12]],
    ]);
    const rnn = new RNN(5, 4, { bias: false });
    expect(Object.entries(rnn.stateDict()).map(([k, v]) => [k, v.shape])).toEqual([['weight_ih_l0', [4, 5]], ['weight_hh_l0', [4, 4]]]);
    const cell = new GRUCell(5, 4);
    expect(Object.entries(cell.stateDict()).map(([k, v]) => [k, v.shape])).toEqual([
      ['weight_ih', [12, 5]], ['weight_hh', [12, 4]], ['bias_ih', [12]], ['bias_hh', [12]],
    ]);
    // U(-1/sqrt(H), 1/sqrt(H))
    const values = gru.parameters().flatMap((p) => Array.from(p.dataSync()));
    expect(Math.max(...values.map(Math.abs))).toBeLessThanOrEqual(0.5);
    expect(Math.max(...values.map(Math.abs))).toBeGreaterThan(0.4);
    [gru, rnn, cell].forEach((m) => m.dispose());
  });

  test('bad options are ConfigErrors naming the option, and allocate nothing', () => {
    const before = tf.memory().numTensors;
    expect(thrown(() => new GRU(3, 4, { numLayers: 0 }))).toEqual(new ConfigError('nn.GRU: numLayers expected a positive integer, got 0'));
    expect(thrown(() => new GRU(3, 4, { dropout: 0.5 }))).toBeInstanceOf(ConfigError);
    expect(thrown(() => new GRU(3, 4, { projSize: 2 } as object))).toBeInstanceOf(ConfigError);
    expect(thrown(() => new RNN(3, 4, { nonlinearity: 'sigmoid' as 'tanh' }))).toEqual(
      new ConfigError('nn.RNN: nonlinearity expected one of "tanh", "relu", got "sigmoid"'),
    );
    expect(thrown(() => new RNNCell(3, 4, { nonlinearity: 'gelu' as 'tanh' }))).toBeInstanceOf(ConfigError);
    expect(thrown(() => new GRUCell(3, 0))).toBeInstanceOf(ConfigError);
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('forward', () => {
  test('shapes: batched, batchFirst, unbatched, packed (unsorted indices kept); no leaks', () => {
    const gru = new GRU(3, 4, { numLayers: 2, bidirectional: true });
    const x = randomTensor([5, 2, 3], 1);
    const before = tf.memory().numTensors;
    const [y, h] = gru.forward(x);
    expect([y.shape, h.shape]).toEqual([[5, 2, 8], [4, 2, 4]]);
    const [yu, hu] = gru.forward(randomTensor([5, 3], 2), randomTensor([4, 4], 3));
    expect([yu.shape, hu.shape]).toEqual([[5, 8], [4, 4]]);
    tf.dispose([y, h, yu, hu]);
    expect(tf.memory().numTensors).toBe(before + 2); // the two random inputs just made
    const rnn = new RNN(3, 4, { batchFirst: true });
    const [yb, hb] = rnn.forward(randomTensor([2, 5, 3], 4));
    expect([yb.shape, hb.shape]).toEqual([[2, 5, 4], [1, 2, 4]]);
    const packed = packPaddedSequence(x, [2, 5], { enforceSorted: false });
    const [py, ph] = gru.forward(packed);
    expect(py).toBeInstanceOf(PackedSequence);
    expect(Array.from(py.unsortedIndices!.dataSync())).toEqual(Array.from(packed.unsortedIndices!.dataSync()));
    expect(py.data.shape).toEqual([7, 8]);
    expect(ph.shape).toEqual([4, 2, 4]);
    tf.dispose([x, yb, hb, packed.data, packed.batchSizes, packed.sortedIndices!, packed.unsortedIndices!, py.data, py.batchSizes, py.sortedIndices!, py.unsortedIndices!, ph]);
    gru.dispose();
    rnn.dispose();
  });

  test('errors name expected vs got, and leak nothing', () => {
    const gru = new GRU(3, 20, { numLayers: 2 });
    const cell = new GRUCell(3, 4);
    const x = randomTensor([5, 3, 3], 1);
    const bad = tf.zeros([1, 3, 20]);
    const before = tf.memory().numTensors;
    expect(thrown(() => gru.forward(x, bad))).toEqual(new ShapeError('nn.GRU: h0 expected [2, 3, 20], got [1, 3, 20]'));
    expect(thrown(() => gru.forward(tf.zeros([5, 3, 4])))).toEqual(
      new ShapeError('nn.GRU: input expected [5, 3, 3] (last dimension = inputSize), got [5, 3, 4]'),
    );
    expect(thrown(() => cell.forward(x))).toBeInstanceOf(ShapeError);
    expect(thrown(() => cell.forward(tf.zeros([2, 3]), tf.zeros([3, 4])))).toEqual(new ShapeError('nn.GRUCell: hx expected [2, 4], got [3, 4]'));
    const after = tf.memory().numTensors;
    expect(after - before).toBe(3); // the three tf.zeros made by the calls above, nothing else
    tf.dispose([x, bad]);
    gru.dispose();
    cell.dispose();
  });

  test('dropout between layers only in training mode', () => {
    const rnn = new RNN(3, 6, { numLayers: 2, dropout: 0.9 });
    const x = randomTensor([4, 2, 3], 5);
    const [a] = rnn.eval().forward(x);
    const [b] = rnn.forward(x);
    expect(Array.from(a.dataSync())).toEqual(Array.from(b.dataSync()));
    const [c] = rnn.train().forward(x);
    expect(Array.from(c.dataSync())).not.toEqual(Array.from(a.dataSync()));
    tf.dispose([a, b, c, x]);
    rnn.dispose();
  });

  test('trainable with tf.variableGrads; a cell step equals a one-step stack', () => {
    const gru = new GRU(3, 4);
    const cell = new GRUCell(3, 4);
    cell.loadStateDict({ weight_ih: gru.stateDict().weight_ih_l0, weight_hh: gru.stateDict().weight_hh_l0,
      bias_ih: gru.stateDict().bias_ih_l0!, bias_hh: gru.stateDict().bias_hh_l0! });
    const x = randomTensor([1, 2, 3], 6);
    const { value, grads } = tf.variableGrads(() => tf.sum(gru.forward(x)[0]) as tf.Scalar, gru.parameters());
    expect(Object.keys(grads).length).toBe(4);
    const [y] = gru.forward(x);
    const h = cell.forward(tf.squeeze(x, [0]));
    expect(Array.from(h.dataSync())).toEqual(Array.from(y.dataSync()));
    tf.dispose([value, ...Object.values(grads), x, y, h]);
    gru.dispose();
    cell.dispose();
  });

  test('forwardAsync equals forward and reports what ran', async () => {
    const rnn = new RNN(3, 4, { bidirectional: true, nonlinearity: 'relu' });
    const x = randomTensor([5, 2, 3], 7);
    const [y, h] = rnn.forward(x);
    expect(rnn.lastExecution).toMatchObject({ call: 'forward' });
    const before = tf.memory().numTensors;
    const [ya, ha] = await rnn.forwardAsync(x, null, { executor: 'tfjs' });
    expect(tf.memory().numTensors).toBe(before + 2);
    expect(Array.from(ya.dataSync())).toEqual(Array.from(y.dataSync()));
    expect(Array.from(ha.dataSync())).toEqual(Array.from(h.dataSync()));
    expect(rnn.lastExecution).toMatchObject({ call: 'forwardAsync', executor: 'tfjs' });
    // onnxruntime runs a batch-first GRU with h0 (when installed), equal to forward within 1e-5
    const xb = randomTensor([2, 5, 3], 8);
    const gru = new GRU(3, 4, { batchFirst: true });
    gru.eval();
    const h0 = tf.zeros([1, 2, 4]);
    if (onnxRuntimeAvailable()) {
      const [yo, ho] = await gru.forwardAsync(xb, h0, { executor: 'onnxruntime' });
      const [ys, hs] = gru.forward(xb, h0);
      expect(gru.lastExecution).toMatchObject({ call: 'forward' });
      for (const [a, b] of [[yo, ys], [ho, hs]]) expect(tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]).toBeLessThan(1e-5);
      tf.dispose([yo, ho, ys, hs]);
    }
    // an executor that cannot run it (dropout between layers in training): a typed error, and the
    // converted input and states are freed
    const gru2 = new GRU(3, 4, { batchFirst: true, numLayers: 2, dropout: 0.5 });
    gru2.train();
    const h02 = tf.zeros([2, 2, 4]);
    const count = tf.memory().numTensors;
    await expect(gru2.forwardAsync(xb, h02, { executor: 'onnxruntime' })).rejects.toThrow(onnxRuntimeAvailable() ? UnsupportedConversionError : ConfigError);
    await expect(gru.forwardAsync(xb, h0, { executor: 'gpu' as 'tfjs' })).rejects.toThrow(ConfigError);
    expect(tf.memory().numTensors).toBe(count);
    tf.dispose([xb, h0, h02]);
    gru.dispose();
    gru2.dispose();
    tf.dispose([x, y, h, ya, ha]);
    rnn.dispose();
  });
});

describe('state-dict kind', () => {
  const modules = () => ({
    lstm: new LSTM(1, 12), lstmp: new LSTM(2, 6, { projSize: 3, numLayers: 2 }), gru: new GRU(1, 32, { numLayers: 2 }),
    gruH4: new GRU(2, 4, { bidirectional: true }), rnn12: new RNN(1, 12), rnn3: new RNN(1, 3, { bias: false }),
    lstmCell: new LSTMCell(2, 3), gruCell: new GRUCell(2, 3), rnnCell: new RNNCell(2, 12),
  });

  test('detected from shapes, including an RNN whose H is divisible by 3 or 4', () => {
    const m = modules();
    const kinds = Object.fromEntries(Object.entries(m).map(([k, v]) => [k, stateDictKind(v.stateDict())]));
    expect(kinds.lstm).toEqual({ kind: 'LSTM', prefix: '', inputSize: 1, hiddenSize: 12, numLayers: 1, bidirectional: false, bias: true, projSize: 0 });
    expect(kinds.lstmp).toMatchObject({ kind: 'LSTM', hiddenSize: 6, projSize: 3, numLayers: 2 });
    expect(kinds.gru).toMatchObject({ kind: 'GRU', hiddenSize: 32, numLayers: 2 });
    expect(kinds.gruH4).toMatchObject({ kind: 'GRU', hiddenSize: 4, bidirectional: true });
    expect(kinds.rnn12).toMatchObject({ kind: 'RNN', hiddenSize: 12 }); // 12 rows, like an LSTM with H = 3
    expect(kinds.rnn3).toMatchObject({ kind: 'RNN', hiddenSize: 3, bias: false }); // 3 rows, like a GRU with H = 1
    expect(kinds.lstmCell.kind).toBe('LSTMCell');
    expect(kinds.gruCell.kind).toBe('GRUCell');
    expect(kinds.rnnCell).toMatchObject({ kind: 'RNNCell', hiddenSize: 12 });
    const prefixed = { 'enc.rnn.weight_ih_l0': m.gru.stateDict().weight_ih_l0, 'enc.rnn.weight_hh_l0': m.gru.stateDict().weight_hh_l0 };
    expect(stateDictKind(prefixed)).toMatchObject({ kind: 'GRU', prefix: 'enc.rnn.' });
    Object.values(m).forEach((v) => v.dispose());
  });

  test('nn.fromStateDict builds the right kind with the same numbers', () => {
    const m = modules();
    const x = randomTensor([4, 2, 2], 8);
    for (const v of [m.lstmp, m.gruH4, m.rnn3, m.gruCell, m.rnnCell, m.lstmCell]) {
      const built = fromStateDict(v.stateDict());
      expect(built.constructor).toBe(v.constructor);
      expect(built.numParameters()).toBe(v.numParameters());
      built.dispose();
    }
    const g = fromStateDict(m.gruH4.stateDict()) as GRU;
    const [a] = g.forward(x);
    const [b] = m.gruH4.forward(x);
    expect(Array.from(a.dataSync())).toEqual(Array.from(b.dataSync()));
    expect(thrown(() => fromStateDict(m.gru.stateDict(), { nonlinearity: 'relu' }))).toBeInstanceOf(ConfigError);
    tf.dispose([a, b, x]);
    g.dispose();
    Object.values(m).forEach((v) => v.dispose());
  });

  test('every wrong-kind error says which kind the state dict holds', () => {
    const m = modules();
    const before = tf.memory().numTensors;
    expect(thrown(() => LSTM.fromStateDict(m.gru.stateDict()))).toEqual(new StateDictError(
      'nn.LSTM.fromStateDict: the state dict holds a GRU (weight_ih_l0 is 3·32 × 1), not an LSTM — use nn.GRU.fromStateDict',
    ));
    expect(thrown(() => GRU.fromStateDict(m.lstm.stateDict()))).toEqual(new StateDictError(
      'nn.GRU.fromStateDict: the state dict holds an LSTM (weight_ih_l0 is 4·12 × 1), not a GRU — use nn.LSTM.fromStateDict',
    ));
    expect(thrown(() => RNN.fromStateDict(m.gru.stateDict()))).toBeInstanceOf(StateDictError);
    expect(thrown(() => GRU.fromStateDict(m.rnn12.stateDict()))).toEqual(new StateDictError(
      'nn.GRU.fromStateDict: the state dict holds an RNN (weight_ih_l0 is 12 × 1), not a GRU — use nn.RNN.fromStateDict',
    ));
    expect((thrown(() => GRUCell.fromStateDict(m.rnnCell.stateDict())) as Error).message).toBe(
      'nn.GRUCell.fromStateDict: the state dict holds an RNNCell (weight_ih is 12 × 2), not a GRUCell — use nn.RNNCell.fromStateDict',
    );
    expect((thrown(() => m.lstm.loadStateDict(m.rnn12.stateDict())) as Error).message).toBe(
      'nn.LSTM.loadStateDict: the state dict holds an RNN (weight_ih_l0 is 12 × 1), not an LSTM — use nn.RNN.fromStateDict',
    );
    expect((thrown(() => m.gru.loadStateDict(m.gruH4.stateDict())) as Error).message).toMatch(/size mismatch/); // same kind: the usual errors
    expect((thrown(() => m.lstmCell.loadStateDict(m.gruCell.stateDict())) as Error).message).toMatch(/holds a GRUCell .* not an LSTMCell/);
    expect((thrown(() => m.rnnCell.loadStateDict(m.gruCell.stateDict())) as Error).message).toMatch(/holds a GRUCell/);
    expect((thrown(() => LSTM.fromStateDict(m.gruCell.stateDict())) as Error).message).toMatch(/holds a GRUCell .* use nn.GRUCell.fromStateDict/);
    expect(tf.memory().numTensors).toBe(before);
    Object.values(m).forEach((v) => v.dispose());
  });
});
