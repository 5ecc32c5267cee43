/**
 * The fast-vs-reference cases of the GRU (reset after and before) and vanilla RNN engine
 * layers, shared by the cpu and wasm suites (`src/engine/gru-rnn-fast*.test.ts`).
 */
import { expectClose, randomTensor, tf } from './tf';
import { ActivationName } from '../../src/engine/activations';
import { gruLayer } from '../../src/engine/gru-stack';
import { rnnLayer } from '../../src/engine/rnn-stack';

/** The cell kinds under test. */
export type FastKind = 'gru-after' | 'gru-before' | 'rnn';

/** One case: sizes, options, optional inputs. */
export interface FastCase {
  readonly name: string;
  readonly kind: FastKind;
  readonly T: number;
  readonly N: number;
  readonly I: number;
  readonly H: number;
  /** 2 both biases, 1 input bias only, 0 none. */
  readonly biases: 0 | 1 | 2;
  readonly reverse: boolean;
  readonly masking: 'none' | 'lengths' | 'mask';
  readonly carry: boolean;
  readonly h0: boolean;
  readonly rim: boolean;
  readonly activation?: ActivationName;
  readonly recurrentActivation?: ActivationName;
}

const MASK_ROWS = [[0, 1, 1], [1, 0, 1], [0, 0, 0], [1, 1, 0], [1, 1, 1], [0, 1, 0]];

/** Every kind × reverse × masking × carry, biases / h0 / recurrent-input mask cycling. */
export function optionCases(kinds: readonly FastKind[] = ['gru-after', 'gru-before', 'rnn']): FastCase[] {
  const out: FastCase[] = [];
  let k = 0;
  for (const kind of kinds) {
    for (const masking of ['none', 'lengths', 'mask'] as const) {
      for (const reverse of [false, true]) {
        for (const carry of masking === 'none' ? [false] : [false, true]) {
          const biases = (k % 3) as 0 | 1 | 2;
          out.push({
            name: `${kind} ${masking}${reverse ? ' reverse' : ''}${carry ? ' carry' : ''} biases=${biases}${k % 2 ? ' h0' : ''}${k % 4 === 1 ? ' rim' : ''}`,
            kind, T: 6, N: 3, I: 4, H: 5, biases, reverse, masking, carry, h0: k % 2 === 1, rim: k % 4 === 1,
          });
          k++;
        }
      }
    }
  }
  return out;
}

/** Activation pairs per kind (GRU: φ / σ; RNN: φ). */
export function activationCases(): FastCase[] {
  const base = { T: 4, N: 3, I: 3, H: 4, biases: 2 as const, reverse: false, masking: 'lengths' as const, carry: false, h0: true, rim: false };
  const gru: [ActivationName, ActivationName][] = [
    ['tanh', 'hardSigmoid'], ['relu', 'sigmoid'], ['linear', 'hardSigmoidKeras3'], ['elu', 'softsign'],
    ['selu', 'swish'], ['softplus', 'relu6'], ['swish', 'tanh'],
  ];
  const out: FastCase[] = [];
  for (const kind of ['gru-after', 'gru-before'] as const) {
    for (const [activation, recurrentActivation] of gru) {
      out.push({ ...base, name: `${kind} ${activation}/${recurrentActivation}`, kind, activation, recurrentActivation });
    }
  }
  for (const activation of ['tanh', 'relu', 'linear', 'selu'] as const) {
    out.push({ ...base, name: `rnn ${activation}`, kind: 'rnn', activation });
  }
  return out;
}

/** The inputs of a case. */
export function buildCase(c: FastCase, seed: number) {
  const G = c.kind === 'rnn' ? 1 : 3;
  const x = randomTensor([c.T, c.N, c.I], seed);
  const kernel = randomTensor([c.I, G * c.H], seed + 1, 0.6) as tf.Tensor2D;
  const recurrentKernel = randomTensor([c.H, G * c.H], seed + 2, 0.6) as tf.Tensor2D;
  const bias = c.biases >= 1 ? (randomTensor([G * c.H], seed + 3, 0.5) as tf.Tensor1D) : null;
  const recurrentBias = c.biases === 2 ? (randomTensor([G * c.H], seed + 4, 0.5) as tf.Tensor1D) : null;
  const h0 = c.h0 ? randomTensor([c.N, c.H], seed + 5, 0.5) : null;
  const rim = c.rim ? tf.tensor2d(Array.from({ length: c.N * c.H }, (_, k) => ((k * 7) % 3) / 1.5), [c.N, c.H]) : null;
  const rows = MASK_ROWS.slice(0, c.T).map((r) => r.slice(0, c.N));
  const mask = c.masking === 'mask' ? tf.tensor2d(rows, [c.T, c.N]) : null;
  const lengths = c.masking === 'lengths' ? Array.from({ length: c.N }, (_, n) => [c.T, 0, 2][n % 3]) : null;
  const wOut = randomTensor([c.T, c.N, c.H], seed + 6);
  const wH = randomTensor([c.N, c.H], seed + 7);
  return { x, kernel, recurrentKernel, bias, recurrentBias, h0, rim, mask, lengths, wOut, wH };
}

type Built = ReturnType<typeof buildCase>;

/** Runs the case's layer on the given tensors. */
export function runCase(
  c: FastCase, b: Built, implementation: 'fast' | 'reference',
  t: Pick<Built, 'x' | 'kernel' | 'recurrentKernel' | 'bias' | 'recurrentBias' | 'h0' | 'rim'> = b,
): { output: tf.Tensor3D; h: tf.Tensor2D } {
  const w = { kernel: t.kernel, recurrentKernel: t.recurrentKernel, bias: t.bias, recurrentBias: t.recurrentBias };
  const options = {
    reverse: c.reverse, lengths: b.lengths, mask: b.mask, maskedOutput: c.carry ? ('carry' as const) : ('zero' as const),
    initialState: t.h0 ? ([t.h0] as [tf.Tensor]) : null, recurrentInputMask: t.rim, implementation,
    ...(c.activation ? { activation: c.activation } : {}),
    ...(c.recurrentActivation ? { recurrentActivation: c.recurrentActivation } : {}),
  };
  if (c.kind === 'rnn') return rnnLayer(t.x, w, options);
  return gruLayer(t.x, w, { ...options, resetAfter: c.kind === 'gru-after' });
}

const NAMES = ['x', 'kernel', 'recurrentKernel', 'bias', 'recurrentBias', 'h0', 'rim'] as const;

/** Values: fast equals reference; the fast call leaks nothing (2 results). */
export function checkValues(c: FastCase, seed: number, atol: number, rtol: number): void {
  const b = buildCase(c, seed);
  const ref = runCase(c, b, 'reference');
  const before = tf.memory().numTensors;
  const fast = runCase(c, b, 'fast');
  expect(tf.memory().numTensors).toBe(before + 2);
  expectClose(fast.output, ref.output, atol, rtol, 'output');
  expectClose(fast.h, ref.h, atol, rtol, 'h');
  tf.dispose([ref.output, ref.h, fast.output, fast.h]);
}

/** Gradients with respect to every input present: fast equals reference; no leaks. */
export function checkGrads(c: FastCase, seed: number, atol: number, rtol: number): void {
  const b = buildCase(c, seed);
  const given = [b.x, b.kernel, b.recurrentKernel, b.bias, b.recurrentBias, b.h0, b.rim];
  const present = NAMES.filter((_, j) => given[j]);
  const args = given.filter((v): v is tf.Tensor => !!v);
  const loss = (impl: 'fast' | 'reference') => (...ts: tf.Tensor[]) => {
    const get = <T extends tf.Tensor>(n: (typeof NAMES)[number]) => (present.includes(n) ? (ts[present.indexOf(n)] as T) : null);
    const r = runCase(c, b, impl, {
      x: get('x') as tf.Tensor, kernel: get<tf.Tensor2D>('kernel') as tf.Tensor2D,
      recurrentKernel: get<tf.Tensor2D>('recurrentKernel') as tf.Tensor2D, bias: get<tf.Tensor1D>('bias'),
      recurrentBias: get<tf.Tensor1D>('recurrentBias'), h0: get('h0'), rim: get<tf.Tensor2D>('rim'),
    });
    return tf.add(tf.sum(tf.mul(r.output, b.wOut)), tf.sum(tf.mul(r.h, b.wH))) as tf.Scalar;
  };
  const refGrads = tf.grads(loss('reference'))(args);
  const before = tf.memory().numTensors;
  const fastGrads = tf.grads(loss('fast'))(args);
  expect(tf.memory().numTensors).toBe(before + args.length);
  present.forEach((n, j) => expectClose(fastGrads[j], refGrads[j], atol, rtol, `d${n}`));
  tf.dispose([...refGrads, ...fastGrads]);
}

/** The largest |fast − reference| over values and gradients of a case (for reports). */
export function maxDeviation(c: FastCase, seed: number): number {
  const b = buildCase(c, seed);
  return tf.tidy(() => {
    const ref = runCase(c, b, 'reference');
    const fast = runCase(c, b, 'fast');
    const d = (a: tf.Tensor, e: tf.Tensor) => tf.max(tf.abs(tf.sub(a, e))).dataSync()[0];
    return Math.max(d(fast.output, ref.output), d(fast.h, ref.h));
  });
}
