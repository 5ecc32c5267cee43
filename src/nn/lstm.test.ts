import { randomTensor, tf } from '../../test/helpers/tf';
import { ConfigError, ShapeError, StateDictError } from '../errors';
import { LSTM } from './lstm';
import { LSTMCell } from './lstm-cell';
import { packPaddedSequence } from './utils/rnn';

describe('nn.LSTM construction', () => {
  test('PyTorch defaults and parameter count', () => {
    const lstm = new LSTM(10, 7);
    expect(lstm.numLayers).toBe(1);
    expect(lstm.bias).toBe(true);
    expect(lstm.batchFirst).toBe(false);
    expect(lstm.dropout).toBe(0);
    expect(lstm.bidirectional).toBe(false);
    expect(lstm.projSize).toBe(0);
    expect(lstm.training).toBe(true);
    expect(lstm.numParameters()).toBe(532); // 4H(in + H) + 8H
    expect(String(lstm)).toBe('LSTM(10, 7)');
    lstm.dispose();
  });

  test('state dict keys, order and shapes', () => {
    const lstm = new LSTM(5, 4, { numLayers: 2, bidirectional: true, projSize: 3 });
    const shapes = Object.entries(lstm.stateDict()).map(([k, v]) => [k, v.shape]);
    expect(shapes).toEqual([
      ['weight_ih_l0', [16, 5]], ['weight_hh_l0', [16, 3]], ['bias_ih_l0', [16]], ['bias_hh_l0', [16]], ['weight_hr_l0', [3, 4]],
      ['weight_ih_l0_reverse', [16, 5]], ['weight_hh_l0_reverse', [16, 3]], ['bias_ih_l0_reverse', [16]], ['bias_hh_l0_reverse', [16]], ['weight_hr_l0_reverse', [3, 4]],
      ['weight_ih_l1', [16, 6]], ['weight_hh_l1', [16, 3]], ['bias_ih_l1', [16]], ['bias_hh_l1', [16]], ['weight_hr_l1', [3, 4]],
      ['weight_ih_l1_reverse', [16, 6]], ['weight_hh_l1_reverse', [16, 3]], ['bias_ih_l1_reverse', [16]], ['bias_hh_l1_reverse', [16]], ['weight_hr_l1_reverse', [3, 4]],
    ]);
    expect(String(lstm)).toBe('LSTM(5, 4, proj_size=3, num_layers=2, bidirectional=True)');
    lstm.dispose();
  });

  test('the typed state dict keys (LstmStateDict, LstmCellStateDict) exist under every option', () => {
    const options = [{}, { bias: false }, { numLayers: 3, bidirectional: true }, { projSize: 2 }, { bias: false, bidirectional: true, projSize: 1 }];
    for (const o of options) {
      const lstm = new LSTM(5, 4, o);
      const sd = lstm.stateDict();
      const [ih, hh] = lstm.parameters();
      expect(sd.weight_ih_l0).toBe(ih);
      expect(sd.weight_hh_l0).toBe(hh);
      expect(Object.keys(sd).slice(0, 2)).toEqual(['weight_ih_l0', 'weight_hh_l0']);
      lstm.dispose();
    }
    for (const bias of [true, false]) {
      const cell = new LSTMCell(5, 4, { bias });
      const [ih, hh] = cell.parameters();
      expect(cell.stateDict().weight_ih).toBe(ih);
      expect(cell.stateDict().weight_hh).toBe(hh);
      cell.dispose();
    }
  });

  test('initialisation is U(-1/sqrt(H), 1/sqrt(H))', () => {
    const lstm = new LSTM(8, 16, { numLayers: 2 });
    const k = 1 / Math.sqrt(16);
    for (const p of lstm.parameters()) {
      const v = p.dataSync();
      expect(Math.max(...v)).toBeLessThanOrEqual(k);
      expect(Math.min(...v)).toBeGreaterThanOrEqual(-k);
      expect(Math.max(...v) - Math.min(...v)).toBeGreaterThan(k); // spread, not constant
    }
    lstm.dispose();
  });

  test.each([
    [() => new LSTM(0, 4), 'nn.LSTM: inputSize expected a positive integer, got 0'],
    [() => new LSTM(3, 2.5), 'nn.LSTM: hiddenSize expected a positive integer, got 2.5'],
    [() => new LSTM(3, 4, { numLayers: 0 }), 'nn.LSTM: numLayers expected a positive integer, got 0'],
    [() => new LSTM(3, 4, { projSize: 4 }), 'nn.LSTM: projSize expected less than hiddenSize (4), got 4'],
    [() => new LSTM(3, 4, { projSize: -1 }), 'nn.LSTM: projSize expected a non-negative integer, got -1'],
    [() => new LSTM(3, 4, { numLayers: 2, dropout: 1.5 }), 'nn.LSTM: dropout expected a number in [0, 1], got 1.5'],
    [() => new LSTM(3, 4, { dropout: 0.5 }), /dropout 0.5 has no effect with numLayers 1/],
    [() => new LSTM(3, 4, { batch_first: true } as never), /unknown option "batch_first"/],
    [() => new LSTM(3, 4, { bidirectional: 1 } as never), 'nn.LSTM: bidirectional expected a boolean, got 1'],
  ] as const)('invalid options throw ConfigError (%#)', (make, message) => {
    expect(make).toThrow(ConfigError);
    expect(make).toThrow(message as string | RegExp);
  });
});

describe('nn.LSTM forward', () => {
  test('shape errors name the argument, expected and received shapes', () => {
    const lstm = new LSTM(10, 20, { numLayers: 2 });
    const x = tf.zeros([5, 3, 10]);
    expect(() => lstm.forward(tf.zeros([5, 3, 9]))).toThrow(new ShapeError('nn.LSTM: input expected [5, 3, 10] (last dimension = inputSize), got [5, 3, 9]'));
    expect(() => lstm.forward(tf.zeros([10]))).toThrow(/input expected 2-D \(unbatched\) or 3-D, got 1-D \[10\]/);
    expect(() => lstm.forward(x, [tf.zeros([1, 3, 20]), tf.zeros([2, 3, 20])])).toThrow(
      new ShapeError('nn.LSTM: h0 expected [2, 3, 20], got [1, 3, 20]'),
    );
    expect(() => lstm.forward(x, [tf.zeros([2, 3, 20]), tf.zeros([2, 4, 20])])).toThrow('nn.LSTM: c0 expected [2, 3, 20], got [2, 4, 20]');
    expect(() => lstm.forward(tf.zeros([5, 10]), [tf.zeros([2, 1, 20]), tf.zeros([2, 1, 20])])).toThrow('nn.LSTM: h0 expected [2, 20], got [2, 1, 20]');
    lstm.dispose();
  });

  test('batchFirst applies to input and output, not to h0/c0', () => {
    const a = new LSTM(4, 5, { numLayers: 2 });
    const b = new LSTM(4, 5, { numLayers: 2, batchFirst: true });
    b.loadStateDict(a.stateDict());
    const x = randomTensor([6, 3, 4], 1);
    const h0 = randomTensor([2, 3, 5], 2);
    const c0 = randomTensor([2, 3, 5], 3);
    const [ya, [ha]] = a.forward(x, [h0, c0]);
    const [yb, [hb]] = b.forward(tf.transpose(x, [1, 0, 2]), [h0, c0]);
    expect(yb.shape).toEqual([3, 6, 5]);
    expect(tf.transpose(yb, [1, 0, 2]).arraySync()).toEqual(ya.arraySync());
    expect(hb.arraySync()).toEqual(ha.arraySync());
    a.dispose();
    b.dispose();
  });

  test('output[-1] equals h_n for one layer, and only the forward half for bidirectional', () => {
    const x = randomTensor([7, 2, 3], 4);
    const uni = new LSTM(3, 4);
    const [y, [h]] = uni.forward(x);
    expect(tf.squeeze(tf.slice(y, [6, 0, 0], [1, 2, 4]), [0]).arraySync()).toEqual(tf.squeeze(h, [0]).arraySync());
    const bi = new LSTM(3, 4, { bidirectional: true });
    const [yb, [hb]] = bi.forward(x);
    const last = tf.slice(yb, [6, 0, 0], [1, 2, 8]);
    expect(tf.reshape(tf.slice(last, [0, 0, 0], [1, 2, 4]), [2, 4]).arraySync()).toEqual(tf.reshape(tf.slice(hb, [0, 0, 0], [1, 2, 4]), [2, 4]).arraySync());
    // The reverse direction's final state is at time 0 of the output.
    expect(tf.reshape(tf.slice(yb, [0, 0, 4], [1, 2, 4]), [2, 4]).arraySync()).toEqual(tf.reshape(tf.slice(hb, [1, 0, 0], [1, 2, 4]), [2, 4]).arraySync());
    uni.dispose();
    bi.dispose();
  });

  test('dropout between layers: active in train(), off in eval()', () => {
    const lstm = new LSTM(4, 64, { numLayers: 2, dropout: 0.5 });
    const x = randomTensor([3, 2, 4], 5);
    lstm.eval();
    const [e1] = lstm.forward(x);
    const [e2] = lstm.forward(x);
    expect(e1.arraySync()).toEqual(e2.arraySync());
    lstm.train();
    const [t1] = lstm.forward(x);
    const [t2] = lstm.forward(x);
    expect(t1.arraySync()).not.toEqual(t2.arraySync());
    expect(t1.arraySync()).not.toEqual(e1.arraySync());
    lstm.dispose();
  });

  test('differentiable with tf.variableGrads over parameters()', () => {
    const lstm = new LSTM(3, 4, { bidirectional: true });
    const x = randomTensor([5, 2, 3], 6);
    const { value, grads } = tf.variableGrads(() => tf.sum(lstm.forward(x)[0]) as tf.Scalar, lstm.parameters());
    expect(Object.keys(grads).length).toBe(8);
    for (const g of Object.values(grads)) expect(tf.any(tf.notEqual(g, 0)).dataSync()[0]).toBe(1);
    tf.dispose([value, Object.values(grads)]);
    lstm.dispose();
  });

  test('no tensor leaks: forward in tf.tidy, packed forward, and dispose()', () => {
    const x = randomTensor([5, 3, 4], 7);
    const before = tf.memory().numTensors;
    const lstm = new LSTM(4, 6, { numLayers: 2, bidirectional: true, projSize: 2 });
    const afterCreate = tf.memory().numTensors;
    tf.tidy(() => {
      lstm.forward(x);
      lstm.forward(tf.zeros([5, 4]));
    });
    const packed = packPaddedSequence(x, [2, 5, 4], { enforceSorted: false });
    const [out, [h, c]] = lstm.forward(packed);
    out.dispose();
    packed.dispose();
    tf.dispose([h, c]);
    expect(tf.memory().numTensors).toBe(afterCreate);
    lstm.dispose();
    expect(tf.memory().numTensors).toBe(before);
    expect(() => lstm.forward(x)).toThrow(StateDictError);
  });
});

describe('nn.LSTM state dicts', () => {
  test('loadStateDict reports every missing, unexpected and mismatched key in one error', () => {
    const lstm = new LSTM(3, 4);
    const sd = { ...lstm.stateDict() } as tf.NamedTensorMap;
    delete sd.bias_hh_l0;
    sd.weight_hh_l0 = tf.zeros([16, 5]);
    sd.weight_ih_l1 = tf.zeros([16, 4]);
    let err: StateDictError | null = null;
    try {
      lstm.loadStateDict(sd);
    } catch (e) {
      err = e as StateDictError;
    }
    expect(err).toBeInstanceOf(StateDictError);
    expect(err!.missingKeys).toEqual(['bias_hh_l0']);
    expect(err!.unexpectedKeys).toEqual(['weight_ih_l1']);
    expect(err!.shapeMismatches).toEqual(['size mismatch for weight_hh_l0: expected [16, 4], got [16, 5]']);
    expect(err!.message).toMatch(/missing keys: bias_hh_l0/);
    expect(err!.message).toMatch(/unexpected keys: weight_ih_l1/);
    lstm.dispose();
  });

  test('strict: false tolerates missing and unexpected keys but not shape mismatches', () => {
    const lstm = new LSTM(3, 4);
    const res = lstm.loadStateDict({ weight_ih_l0: tf.ones([16, 3]), extra: tf.zeros([1]) }, { strict: false });
    expect(res).toEqual({ missingKeys: ['weight_hh_l0', 'bias_ih_l0', 'bias_hh_l0'], unexpectedKeys: ['extra'] });
    expect(lstm.stateDict().weight_ih_l0.dataSync().every((v) => v === 1)).toBe(true);
    expect(() => lstm.loadStateDict({ weight_ih_l0: tf.ones([4, 3]) }, { strict: false })).toThrow(/size mismatch for weight_ih_l0/);
    lstm.dispose();
  });

  test('fromStateDict infers the configuration and finds the prefix', () => {
    const src = new LSTM(5, 6, { numLayers: 3, bidirectional: true, projSize: 2, bias: false });
    const sd: tf.NamedTensorMap = { 'embedding.weight': tf.zeros([10, 5]), 'fc.bias': tf.zeros([3]) };
    for (const [k, v] of Object.entries(src.stateDict())) sd[`encoder.lstm.${k}`] = v;
    const lstm = LSTM.fromStateDict(sd, { batchFirst: true });
    expect(String(lstm)).toBe('LSTM(5, 6, proj_size=2, num_layers=3, bias=False, batch_first=True, bidirectional=True)');
    const x = randomTensor([2, 4, 5], 8);
    const [y1] = src.forward(tf.transpose(x, [1, 0, 2]));
    const [y2] = lstm.forward(x);
    expect(tf.transpose(y2, [1, 0, 2]).arraySync()).toEqual(y1.arraySync());
    expect(() => LSTM.fromStateDict({ 'a.weight_ih_l0': sd['encoder.lstm.weight_ih_l0'], 'b.weight_ih_l0': sd['encoder.lstm.weight_ih_l0'] })).toThrow(
      /several LSTMs in the state dict \(prefixes "a\.", "b\."\); pass \{ prefix \}/,
    );
    expect(() => LSTM.fromStateDict({ 'fc.weight': tf.zeros([2, 2]) })).toThrow(/no LSTM in the state dict/);
    expect(() => LSTM.fromStateDict({ ...sd, 'encoder.lstm.weight_xx_l0': tf.zeros([1]) })).toThrow(/unexpected keys: weight_xx_l0/);
    src.dispose();
    lstm.dispose();
  });
});

describe('nn.LSTMCell', () => {
  test('errors and defaults', () => {
    const cell = new LSTMCell(3, 4);
    expect(cell.stateDict().weight_ih.shape).toEqual([16, 3]);
    expect(() => cell.forward(tf.zeros([2, 5]))).toThrow('nn.LSTMCell: input expected [2, 3], got [2, 5]');
    expect(() => cell.forward(tf.zeros([2, 3]), [tf.zeros([1, 4]), tf.zeros([2, 4])])).toThrow('nn.LSTMCell: h expected [2, 4], got [1, 4]');
    const x = tf.zeros([3]);
    const before = tf.memory().numTensors;
    const [h, c] = cell.forward(x);
    expect(h.shape).toEqual([4]);
    tf.dispose([h, c]);
    expect(tf.memory().numTensors).toBe(before);
    cell.dispose();
  });
});
