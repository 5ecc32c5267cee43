/**
 * Wrong values and wrong kinds of arguments at the public entry points: each gets a typed
 * LstmBridgeError naming the argument and what it received (the shared checks of
 * `src/engine/args.ts`), never a TypeError from deep inside, a silent NaN or a computation
 * PyTorch would refuse; and no tensor is leaked on the way.
 */
import * as tf from '@tensorflow/tfjs-core';

import { ConfigError, LstmBridgeError, ShapeError, StateDictError } from '../src/errors';
import { KerasLayerError } from '../src/io/shared/errors';
import { loadKeras } from '../src/io/keras/load';
import { LSTM, LSTMCell, utils } from '../src/nn';
import { PackedSequence } from '../src/nn/utils/rnn/packed-sequence';
import { layers } from '../src';
import { keras2WeightsOnly } from './helpers/keras-model-fixtures';
import { thrown } from './helpers/thrown';

const { packPaddedSequence, padPackedSequence, padSequence, packSequence } = utils.rnn;

/** Runs `f`, expects an error of `cls` whose message matches `pattern`, and no tensor leak. */
function refuses(f: () => unknown, cls: new (...a: never[]) => LstmBridgeError, pattern: RegExp): void {
  const before = tf.memory().numTensors;
  const err = thrown(() => f());
  expect(err).toBeInstanceOf(cls);
  expect((err as Error).message).toMatch(pattern);
  expect(tf.memory().numTensors).toBe(before);
}

describe('wrong values (point 8 of issue 12)', () => {
  test('padPackedSequence / padSequence: paddingValue must be a number; totalLength an integer', () => {
    const x = tf.ones([3, 2, 1]);
    const packed = packPaddedSequence(x, [3, 2]);
    refuses(() => padPackedSequence(packed, { paddingValue: 'x' as never }), ConfigError, /paddingValue expected a number, got a string \("x"\)/);
    refuses(() => padPackedSequence(packed, { totalLength: 6.5 }), ShapeError, /totalLength expected an integer, got a number \(6\.5\)/);
    const one = tf.ones([2]);
    refuses(() => padSequence([one], { paddingValue: null as never }), ConfigError, /paddingValue expected a number, got null/);
    one.dispose();
    // NaN and -Infinity are numbers, and valid paddings (as in PyTorch).
    const [p, lengths] = padPackedSequence(packed, { paddingValue: NaN });
    expect(Array.from(p.dataSync()).filter(Number.isNaN)).toHaveLength(1);
    tf.dispose([p, lengths, x]);
    packed.dispose();
  });

  test('layers.lstm: inputShape [-1, 3], batchInputShape [1, 2], a fractional batchSize', () => {
    refuses(() => layers.lstm({ units: 2, inputShape: [-1, 3] }), ConfigError, /inputShape expected \[time, features\], each a positive integer or null, got \[-1, 3\]/);
    refuses(() => layers.lstm({ units: 2, batchInputShape: [1, 2] }), ConfigError, /batchInputShape expected \[batch, time, features\].*got \[1, 2\]/);
    refuses(() => layers.lstm({ units: 2, inputShape: [5, 3], batchSize: 1.5 }), ConfigError, /batchSize expected a positive integer, got 1\.5/);
    refuses(() => layers.bidirectional({ layer: layers.lstm({ units: 2 }), inputShape: [0, 3] }), ConfigError, /inputShape expected/);
    layers.lstm({ units: 2, inputShape: [null, 3] });
    layers.lstm({ units: 2, batchInputShape: [null, null, 3] });
  });

  test('units: null in a Keras config is refused', async () => {
    const fx = keras2WeightsOnly();
    const c = JSON.parse(fx.config!);
    c.config[0].config.units = null;
    await expect(loadKeras(fx.file, { config: c })).rejects.toThrow(KerasLayerError);
    await expect(loadKeras(fx.file, { config: c })).rejects.toThrow(/lstm_1.*no units/);
  });

  test('int32 input or states to nn.LSTM / nn.LSTMCell are refused, as PyTorch does', () => {
    const m = new LSTM(3, 2);
    const xi = tf.zeros([2, 1, 3], 'int32');
    const x = tf.zeros([2, 1, 3]);
    const hi = tf.zeros([1, 1, 2], 'int32');
    const h = tf.zeros([1, 1, 2]);
    refuses(() => m.forward(xi), ConfigError, /nn\.LSTM: input expected dtype float32, got int32/);
    refuses(() => m.forward(x, [hi, h]), ConfigError, /h0 expected dtype float32, got int32/);
    refuses(() => m.forward(x, [h, hi]), ConfigError, /c0 expected dtype float32, got int32/);
    const cell = new LSTMCell(3, 2);
    const ci = tf.zeros([1, 3], 'int32');
    const c1 = tf.zeros([1, 3]);
    const si = tf.zeros([1, 2], 'int32');
    const c2 = tf.zeros([1, 2]);
    refuses(() => cell.forward(ci), ConfigError, /nn\.LSTMCell: input expected dtype float32, got int32/);
    refuses(() => cell.forward(c1, [si, c2]), ConfigError, /h expected dtype float32/);
    tf.dispose([xi, x, hi, h, ci, c1, si, c2]);
    m.dispose();
    cell.dispose();
  });
});

describe('null and wrong-kind arguments (point 11 of issue 12)', () => {
  const m = new LSTM(3, 2);
  const cell = new LSTMCell(3, 2);
  const x = tf.zeros([4, 1, 3]);
  const h = tf.zeros([1, 1, 2]);
  afterAll(() => {
    tf.dispose([x, h]);
    m.dispose();
    cell.dispose();
  });

  test('nn.LSTM.forward', () => {
    refuses(() => m.forward(x, [null as never, h]), ShapeError, /h0 expected a tf\.Tensor, got null/);
    refuses(() => m.forward(x, [h, null as never]), ShapeError, /c0 expected a tf\.Tensor, got null/);
    refuses(() => m.forward(x, [h] as never), ShapeError, /hx expected \[h0, c0\], got an array of 1/);
    refuses(() => m.forward([[[1, 2, 3]]] as never), ShapeError, /input expected a tf\.Tensor or a PackedSequence, got an array of length 1/);
    refuses(() => m.forward(null as never), ShapeError, /got null/);
    const d = tf.zeros([4, 1, 3]);
    d.dispose();
    refuses(() => m.forward(d), ShapeError, /input is a tf\.Tensor that has been disposed/);
  });

  test('nn.LSTMCell.forward', () => {
    refuses(() => cell.forward(null as never), ShapeError, /nn\.LSTMCell: input expected a tf\.Tensor, got null/);
    const one = tf.zeros([1, 3]);
    const s = tf.zeros([1, 2]);
    refuses(() => cell.forward(one, [s] as never), ShapeError, /hx expected \[h, c\], got an array of 1/);
    refuses(() => cell.forward(one, [s, null as never]), ShapeError, /c expected a tf\.Tensor, got null/);
    tf.dispose([one, s]);
  });

  test('the packing utilities', () => {
    const lens = [4];
    refuses(() => packPaddedSequence(null as never, lens), ShapeError, /input expected a tf\.Tensor, got null/);
    refuses(() => packPaddedSequence(x, null as never), ShapeError, /lengths expected an array of numbers or a 1-D tensor, got null/);
    refuses(() => packSequence(null as never), ShapeError, /packSequence: sequences expected an array of tf\.Tensors, got null/);
    refuses(() => packSequence([[1, 2]] as never), ShapeError, /sequences\[0\] expected a tf\.Tensor, got an array of length 2/);
    refuses(() => padPackedSequence(x as never), ShapeError, /sequence expected a PackedSequence, got a tf\.Tensor float32 \[4, 1, 3\]/);
    refuses(() => new PackedSequence(null as never, null as never), ShapeError, /PackedSequence: data expected a tf\.Tensor, got null/);
    refuses(() => padSequence(5 as never), ShapeError, /sequences expected an array of tf\.Tensors \(or a tensor\), got a number \(5\)/);
    const empty = tf.zeros([0, 0, 3]);
    refuses(() => packPaddedSequence(empty, []), ShapeError, /cannot pack empty tensors/);
    empty.dispose();
  });

  test('nn.LSTM.fromStateDict and loadStateDict', () => {
    refuses(() => LSTM.fromStateDict(null as never), StateDictError, /fromStateDict: stateDict expected an object of tensors by key, got null/);
    refuses(() => LSTM.fromStateDict({ weight_ih_l0: 'x' } as never), StateDictError, /weight_ih_l0 expected a tf\.Tensor, got a string \("x"\)/);
    refuses(() => LSTM.fromStateDict({ weight_ih_l0: [[1]] } as never), StateDictError, /got an array of length 1/);
    refuses(() => m.loadStateDict(null as never), StateDictError, /got null/);
  });

  test('padSequence accepts a tensor, like PyTorch 1.13 (its first dimension lists the sequences)', () => {
    const t = tf.tensor3d([[[1], [2]], [[3], [4]]]); // two sequences of length 2
    const p = padSequence(t);
    expect(p.shape).toEqual([2, 2, 1]);
    expect(Array.from(p.dataSync())).toEqual([1, 3, 2, 4]);
    tf.dispose([t, p]);
  });
});

describe('messages (point 13 of issue 12)', () => {
  test('NaN and Infinity are reported as such, not as null', () => {
    refuses(() => new LSTM(3, 5, { numLayers: 2, dropout: NaN }), ConfigError, /dropout expected a number in \[0, 1\], got NaN/);
    refuses(() => new LSTM(3, 5, { numLayers: NaN }), ConfigError, /numLayers expected a positive integer, got NaN/);
    refuses(() => new LSTM(3, 5, { projSize: Infinity }), ConfigError, /projSize expected a non-negative integer, got Infinity/);
    refuses(() => layers.lstm({ units: NaN }), ConfigError, /units expected a positive integer, got NaN/);
    refuses(() => layers.lstm({ units: 3, dropout: NaN }), ConfigError, /dropout expected a number in \[0, 1\), got NaN/);
  });

  test("an empty sequence is reported in the caller's shape", () => {
    const m = new LSTM(3, 5, { batchFirst: true });
    const a = tf.zeros([0, 3]);
    const b = tf.zeros([2, 0, 3]);
    refuses(() => m.forward(a), ShapeError, /nn\.LSTM: input expected at least one time step \(as in PyTorch\), got \[0, 3\]/);
    refuses(() => m.forward(b), ShapeError, /got \[2, 0, 3\]/);
    tf.dispose([a, b]);
    m.dispose();
  });
});
