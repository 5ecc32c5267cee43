/**
 * @jest-environment ./test/helpers/ort-environment.js
 */
/**
 * nn.LSTM's inference paths against its differentiable path: the cached engine weights (and
 * their invalidation), the one-step stepper, and `forwardAsync` on both executors.
 * Tolerance: 1e-5 absolute (float32, different but equivalent operation orders).
 */
import { expectClose, randomTensor, tf } from '../../test/helpers/tf';
import { UnsupportedConversionError } from '../errors';
import { onnxRuntimeAvailable } from '../runtime';
import { LSTM, LSTMOptions } from './lstm';
import { packPaddedSequence, padPackedSequence } from './utils/rnn';

const TOL = 1e-5;

/** The reference: forward while a gradient is recorded (fresh transposes, lstmStack). */
function recorded(lstm: LSTM, x: tf.Tensor, hx?: [tf.Tensor, tf.Tensor]): tf.Tensor[] {
  let out: tf.Tensor[] = [];
  const probe = tf.variable(tf.scalar(0));
  const g = tf.variableGrads(() => {
    const [y, [h, c]] = lstm.forward(x, hx);
    out = [y, h, c].map((t) => tf.keep(tf.clone(t)));
    return tf.add(probe, tf.sum(y)) as tf.Scalar;
  }, [probe]);
  tf.dispose([g.value, Object.values(g.grads), probe]);
  return out;
}

describe('nn.LSTM inference paths', () => {
  test.each([
    ['one layer', {}],
    ['two layers, projection', { numLayers: 2, projSize: 2 }],
    ['bidirectional, batchFirst', { bidirectional: true, batchFirst: true }],
  ] as [string, LSTMOptions][])('cached weights and one-step calls equal the recorded path (%s)', (_n, opts) => {
    const lstm = new LSTM(3, 4, opts).eval();
    const D = lstm.numDirections * lstm.numLayers;
    for (const T of [1, 5]) {
      const x = randomTensor(opts.batchFirst ? [2, T, 3] : [T, 2, 3], T);
      const hx: [tf.Tensor, tf.Tensor] = [randomTensor([D, 2, lstm.outputSize], 10), randomTensor([D, 2, 4], 11)];
      const [y, [h, c]] = lstm.forward(x, hx);
      const [ry, rh, rc] = recorded(lstm, x, hx);
      expectClose(y, ry, TOL, 0, `output T=${T}`);
      expectClose(h, rh, TOL, 0, `h_n T=${T}`);
      expectClose(c, rc, TOL, 0, `c_n T=${T}`);
    }
    lstm.dispose();
  });

  test('the cache follows loadStateDict and optimizer steps', () => {
    const a = new LSTM(3, 4).eval();
    const b = new LSTM(3, 4).eval();
    const x = randomTensor([4, 2, 3], 3);
    const before = a.forward(x)[0];
    a.loadStateDict(b.stateDict());
    expectClose(a.forward(x)[0], b.forward(x)[0], 0, 0, 'after loadStateDict');
    expect(tf.max(tf.abs(tf.sub(a.forward(x)[0], before))).dataSync()[0]).toBeGreaterThan(1e-3);
    const opt = tf.train.sgd(0.5);
    opt.minimize(() => tf.sum(a.forward(x)[0]) as tf.Scalar, false, a.parameters());
    const [ry] = recorded(a, x);
    expectClose(a.forward(x)[0], ry, TOL, 0, 'after an optimizer step');
    expectClose(a.forward(tf.slice(x, [0, 0, 0], [1, 2, 3]))[0], tf.slice(ry, [0, 0, 0], [1, 2, 4]), TOL, 0, 'stepper after a step');
    a.dispose();
    b.dispose();
  });

  test('forward passes leave the tensor count unchanged (after the stepper is prepared)', () => {
    const lstm = new LSTM(3, 4, { numLayers: 2 }).eval();
    const step = randomTensor([1, 2, 3], 1);
    const seq = randomTensor([6, 2, 3], 2);
    tf.tidy(() => {
      lstm.forward(step); // prepares the stepper, which the module keeps
    });
    const n = tf.memory().numTensors;
    tf.tidy(() => {
      lstm.forward(step);
      lstm.forward(seq);
    });
    expect(tf.memory().numTensors).toBe(n);
    lstm.dispose();
  });
});

describe('nn.LSTM.forwardAsync', () => {
  const executors = onnxRuntimeAvailable() ? (['tfjs', 'onnxruntime', undefined] as const) : (['tfjs', undefined] as const);

  test.each(executors.map((e) => [String(e)] as const))('equals forward (executor %s)', async (executor) => {
    const ex = executor === 'undefined' ? undefined : (executor as 'tfjs' | 'onnxruntime');
    const cases: [LSTMOptions, number[], boolean][] = [
      [{}, [5, 2, 3], false],
      [{ numLayers: 2, bidirectional: true }, [5, 2, 3], true],
      [{ batchFirst: true }, [2, 5, 3], true],
      [{ numLayers: 2 }, [5, 3], false], // unbatched
    ];
    for (const [opts, shape, withState] of cases) {
      const lstm = new LSTM(3, 4, opts).eval();
      const x = randomTensor(shape, 4);
      const D = lstm.numLayers * lstm.numDirections;
      const stateShape = shape.length === 2 ? [D, 4] : [D, opts.batchFirst ? shape[0] : shape[1], 4];
      const hx: [tf.Tensor, tf.Tensor] | undefined = withState ? [randomTensor(stateShape, 5), randomTensor(stateShape, 6)] : undefined;
      const before = tf.memory().numTensors;
      const [y, [h, c]] = await lstm.forwardAsync(x, hx, { executor: ex });
      expect(tf.memory().numTensors).toBe(before + 3);
      const [ry, [rh, rc]] = lstm.forward(x, hx);
      expectClose(y, ry, TOL, 0, `output ${JSON.stringify(opts)}`);
      expectClose(h, rh, TOL, 0, 'h_n');
      expectClose(c, rc, TOL, 0, 'c_n');
      lstm.dispose();
    }
  });

  test('packed input', async () => {
    const lstm = new LSTM(3, 4, { bidirectional: true }).eval();
    const packed = packPaddedSequence(randomTensor([5, 3, 3], 7), [2, 5, 4], { enforceSorted: false });
    const [out, [h]] = await lstm.forwardAsync(packed);
    const [ref, [rh]] = lstm.forward(packed);
    expectClose(padPackedSequence(out)[0], padPackedSequence(ref)[0], TOL);
    expectClose(h, rh, TOL);
    lstm.dispose();
  });

  test('configurations onnxruntime cannot run fall back, or fail when it is forced', async () => {
    const lstm = new LSTM(3, 4, { projSize: 2 }).eval();
    const x = randomTensor([5, 2, 3], 8);
    expectClose((await lstm.forwardAsync(x))[0], lstm.forward(x)[0], TOL);
    if (onnxRuntimeAvailable()) {
      await expect(lstm.forwardAsync(x, null, { executor: 'onnxruntime' })).rejects.toThrow(UnsupportedConversionError);
    }
    await expect(lstm.forwardAsync(tf.zeros([5, 2, 4]))).rejects.toThrow('nn.LSTM: input expected [5, 2, 3] (last dimension = inputSize), got [5, 2, 4]');
    lstm.dispose();
  });
});
