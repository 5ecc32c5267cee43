import { lstmLayer } from '../../src/engine';
import { ConfigError, ShapeError, UnsupportedConversionError } from '../../src/errors';
import { randomValues } from '../../test/helpers/conventions';
import { referenceRun, tf1Cell } from '../../test/helpers/reference-lstm';
import { expectClose, tf } from '../../test/helpers/tf';
import { disposeWeights } from '../checks';
import { canonicalToTf1, tf1ToCanonical } from './tf1';

describe('tf1 convention', () => {
  it('LSTMCell(num_proj): kernel (I + P, 4H) and projection/kernel (H, P) run as TF computes', () => {
    const before = tf.memory().numTensors;
    const [I, H, P, T, N] = [3, 4, 2, 3, 2];
    const cell = { kernel: randomValues([I + P, 4 * H], 1), bias: randomValues([4 * H], 2), projection: randomValues([H, P], 3) };
    const x = randomValues([T, N, I], 4, false, 1);
    const c = tf1ToCanonical(cell as never, { forgetBias: 1 });
    expect(c.recurrentKernel.shape).toEqual([P, 4 * H]);
    const run = lstmLayer(x, c);
    const expected = referenceRun(tf1Cell(cell, 1), x);
    expectClose(run.output, expected.output, 1e-5, 0, 'output');
    expectClose(run.c, expected.c, 1e-5, 0, 'c');
    tf.dispose([x, run.output, run.h, run.c]);
    disposeWeights([cell, c]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('folds forget_bias into the forget block on the way in and takes it out on the way out', () => {
    const cell = { kernel: tf.zeros([3, 8]), bias: tf.tensor1d([1, 1, 2, 2, 3, 3, 4, 4]) }; // i, j, f, o; H = 2, I = 1
    const c = tf1ToCanonical(cell as never, { forgetBias: 0.5 });
    // canonical order i, f, g, o: f = TF's f + 0.5, g = TF's j.
    expect(Array.from((c.bias as tf.Tensor).dataSync())).toEqual([1, 1, 3.5, 3.5, 2, 2, 4, 4]);
    const back = canonicalToTf1(c, { forgetBias: 0.5 });
    expect(Array.from(back.bias.dataSync())).toEqual([1, 1, 2, 2, 3, 3, 4, 4]);
    const noBias = canonicalToTf1({ kernel: tf.zeros([1, 8]), recurrentKernel: tf.zeros([2, 8]) } as never);
    expect(Array.from(noBias.bias.dataSync())).toEqual([0, 0, 0, 0, -1, -1, 0, 0]);
    disposeWeights([cell, c, back, noBias]);
  });

  it('refuses peepholes and clipping with UnsupportedConversionError, and a bad forgetBias with ConfigError', () => {
    const cell = { kernel: tf.zeros([3, 8]), bias: tf.zeros([8]) };
    const peep = { ...cell, w_f_diag: tf.zeros([2]) };
    expect(() => tf1ToCanonical(peep as never)).toThrow(UnsupportedConversionError);
    expect(() => tf1ToCanonical(peep as never)).toThrow('w_f_diag is present (LSTMCell(use_peepholes=True))');
    expect(() => tf1ToCanonical(cell as never, { cellClip: 3 })).toThrow('do not clip the cell state');
    expect(() => tf1ToCanonical(cell as never, { projClip: 3 })).toThrow(UnsupportedConversionError);
    expect(() => tf1ToCanonical(cell as never, { forgetBias: NaN })).toThrow(ConfigError);
    expect(() => tf1ToCanonical(cell as never, { cellClip: null })).not.toThrow();
    disposeWeights([cell, peep]);
  });

  it('names wrong shapes', () => {
    const tooFewRows = { kernel: tf.zeros([2, 8]), bias: tf.zeros([8]) };
    expect(() => tf1ToCanonical(tooFewRows as never)).toThrow(
      new ShapeError('adapters.tf1ToCanonical: kernel expected [I + 2, 8] with I >= 1 (x rows then h rows), got [2, 8]'),
    );
    const badCols = { kernel: tf.zeros([4, 6]), bias: tf.zeros([8]) };
    expect(() => tf1ToCanonical(badCols as never)).toThrow('kernel expected [null, 8], got [4, 6]');
    disposeWeights([tooFewRows, badCols]);
  });
});
