/**
 * The fast executor of the GRU (reset after and before) and vanilla RNN cells against the
 * reference loop (`implementation: 'reference'`, tfjs autodiff) on the cpu backend: outputs,
 * final states and gradients with respect to x, every weight, h0 and the recurrent-input mask,
 * for every combination of direction × masking × carry (biases, h0 and the recurrent-input
 * mask cycling), and activation pairs. Tolerance: float32, 2e-5 absolute + 2e-5 relative.
 */
import { randomTensor, tf } from '../../test/helpers/tf';
import { activationCases, checkGrads, checkValues, optionCases } from '../../test/helpers/gru-rnn-fast-cases';
import { GruStackLayer, gruLayer, gruStack } from './gru-stack';
import { rnnStack } from './rnn-stack';
import { ShapeError } from '../errors';

const ATOL = 2e-5;
const RTOL = 2e-5;
const CASES = [...optionCases(), ...activationCases()];

describe('GRU / RNN fast executor equals the reference loop (cpu)', () => {
  test.each(CASES.map((c, k) => [c.name, c, k] as const))('%s: values', (_n, c, k) => {
    checkValues(c, 300 + 17 * k, ATOL, RTOL);
  });
  test.each(CASES.map((c, k) => [c.name, c, k] as const))('%s: gradients of every input', (_n, c, k) => {
    checkGrads(c, 300 + 17 * k, ATOL, RTOL);
  });
});

function gruLayers(I: number, H: number, L: number, D: number, seed: number, variable: boolean): GruStackLayer[] {
  const mk = (i: number, s: number) => {
    const v = <T extends tf.Tensor>(t: tf.Tensor) => (variable ? (tf.variable(t) as unknown as T) : (t as T));
    return {
      kernel: v<tf.Tensor2D>(randomTensor([i, 3 * H], s, 0.6)),
      recurrentKernel: v<tf.Tensor2D>(randomTensor([H, 3 * H], s + 1, 0.6)),
      bias: v<tf.Tensor1D>(randomTensor([3 * H], s + 2, 0.5)),
      recurrentBias: v<tf.Tensor1D>(randomTensor([3 * H], s + 3, 0.5)),
    };
  };
  return Array.from({ length: L }, (_, l) => {
    const i = l === 0 ? I : D * H;
    return D === 2 ? { forward: mk(i, seed + 10 * l), backward: mk(i, seed + 10 * l + 5) } : mk(i, seed + 10 * l);
  }) as GruStackLayer[];
}

describe('GRU / RNN fast executor in stacks', () => {
  test.each([true, false])('tf.variableGrads through a 2-layer bidirectional GRU stack, resetAfter=%s', (resetAfter) => {
    const layers = gruLayers(3, 4, 2, 2, 50, true);
    const x = randomTensor([5, 3, 3], 41);
    const before = tf.memory().numTensors;
    const run = (implementation: 'fast' | 'reference') => tf.variableGrads(() => {
      const r = gruStack(x, layers, { lengths: [5, 3, 2], resetAfter, implementation });
      return tf.add(tf.sum(tf.mul(r.output, r.output)), tf.sum(r.h[3])) as tf.Scalar;
    });
    const fast = run('fast');
    const ref = run('reference');
    expect(Object.keys(fast.grads)).toHaveLength(16);
    expect(Math.abs(fast.value.dataSync()[0] - ref.value.dataSync()[0])).toBeLessThan(1e-4);
    for (const name of Object.keys(fast.grads)) {
      const d = tf.tidy(() => tf.max(tf.abs(tf.sub(fast.grads[name], ref.grads[name]))).dataSync()[0]);
      expect(d).toBeLessThan(ATOL * 4);
    }
    tf.dispose([fast.value, ref.value, ...Object.values(fast.grads), ...Object.values(ref.grads)]);
    expect(tf.memory().numTensors).toBe(before);
  });

  test('RNN relu stack: fast and reference outputs agree', () => {
    const H = 4;
    const mk = (i: number, s: number) => ({
      kernel: randomTensor([i, H], s, 0.6) as tf.Tensor2D, recurrentKernel: randomTensor([H, H], s + 1, 0.6) as tf.Tensor2D,
      bias: randomTensor([H], s + 2, 0.5) as tf.Tensor1D,
    });
    const layers = [{ forward: mk(3, 1), backward: mk(3, 5) }, { forward: mk(8, 9), backward: mk(8, 13) }];
    const x = randomTensor([4, 2, 3], 3);
    const fast = rnnStack(x, layers, { activation: 'relu', lengths: [4, 1] });
    const ref = rnnStack(x, layers, { activation: 'relu', lengths: [4, 1], implementation: 'reference' });
    const d = tf.tidy(() => tf.max(tf.abs(tf.sub(fast.output, ref.output))).dataSync()[0]);
    expect(d).toBeLessThan(ATOL);
  });

  test('batch 0: empty results, no leaks, gradients of zeros', () => {
    const [w] = gruLayers(3, 4, 1, 1, 7, false) as unknown as { kernel: tf.Tensor2D; recurrentKernel: tf.Tensor2D }[];
    const x = tf.zeros([5, 0, 3]);
    const before = tf.memory().numTensors;
    const r = gruLayer(x, w);
    expect(r.output.shape).toEqual([5, 0, 4]);
    expect(r.h.shape).toEqual([0, 4]);
    tf.dispose([r.output, r.h]);
    const g = tf.grad((k: tf.Tensor) => tf.sum(gruLayer(x, { ...w, kernel: k as tf.Tensor2D }).output))(w.kernel);
    expect(g.shape).toEqual([3, 12]);
    g.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  test('bad input throws a ShapeError and leaks nothing', () => {
    const [w] = gruLayers(3, 4, 1, 1, 7, false) as unknown as { kernel: tf.Tensor2D; recurrentKernel: tf.Tensor2D }[];
    const x = randomTensor([5, 2, 3], 1);
    const before = tf.memory().numTensors;
    expect(() => gruLayer(x, w, { initialState: [tf.zeros([2, 5])] })).toThrow(ShapeError);
    expect(() => tf.grad((k: tf.Tensor) => tf.sum(gruLayer(x, { ...w, kernel: k as tf.Tensor2D }, { lengths: [9, 1] }).output))(w.kernel)).toThrow();
    expect(tf.memory().numTensors).toBe(before + 1); // the zeros above
  });
});
