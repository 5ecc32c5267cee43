/**
 * @jest-environment ./test/helpers/ort-environment.js
 */
/**
 * `lastExecution` of `nn.LSTM`, `nn.GRU` and `nn.RNN`: which executor ran the last call and why
 * not a faster one, one test a reason reachable through the facade; and the one-step path
 * (streaming) on the prepared stepper: equal to the whole sequence, seeing every weight change
 * (`loadStateDict`, an optimizer step), leaving the tensor count unchanged (error paths too).
 * (onnxruntime-node missing: `execution.no-ort.test.ts`.)
 *
 * Tolerance of the stepper against the sequence executor: float32, 2e-5 absolute + 2e-5
 * relative (measured max differences ~1e-7).
 */
import { expectClose, randomTensor, tf } from '../../test/helpers/tf';
import { ShapeError } from '../errors';
import { onnxRuntimeAvailable } from '../runtime';
import { GRU } from './gru';
import { LSTM } from './lstm';
import { RecurrentStackOptions } from './recurrent-options';
import { RNN } from './rnn';
import { packPaddedSequence } from './utils/rnn';

const TOL = 2e-5;

/** The surface the three kinds share here: LSTM's state is `[h, c]`, the others' `h`. */
type State = tf.Tensor | [tf.Tensor, tf.Tensor];
type Stack = (LSTM | GRU | RNN) & {
  forward(input: tf.Tensor, state?: State | null): [tf.Tensor, State];
  forwardAsync(input: tf.Tensor, state?: State | null, options?: { executor?: 'auto' | 'tfjs' | 'onnxruntime' }): Promise<[tf.Tensor, State]>;
};

const KINDS: [string, (o: RecurrentStackOptions) => Stack][] = [
  ['LSTM', (o) => new LSTM(3, 4, o) as Stack],
  ['GRU', (o) => new GRU(3, 4, o) as Stack],
  ['RNN', (o) => new RNN(3, 4, { ...o, nonlinearity: 'relu' }) as Stack],
];

const tensorsOf = (s: State): tf.Tensor[] => (Array.isArray(s) ? s : [s]);

const x1 = randomTensor([1, 2, 3], 1);
const x5 = randomTensor([5, 2, 3], 2);

describe.each(KINDS)('nn.%s', (kind, create) => {
  function make(options: RecurrentStackOptions = {}, inference = true): Stack {
    const m = create(options);
    if (inference) m.eval();
    return m;
  }

  /** A forward, made twice: the first prepares the stepper's weights; the second leaves the tensor count unchanged. */
  function run(m: Stack, x: tf.Tensor): void {
    tf.dispose(m.forward(x).flat());
    const before = tf.memory().numTensors;
    tf.dispose(m.forward(x).flat());
    expect(tf.memory().numTensors).toBe(before);
  }

  /** Steps `x` (T, N, I) one call a step from `state`; returns the outputs stacked (T, N, D·H) and the last state. */
  function stream(m: Stack, x: tf.Tensor, state: State | null = null): [tf.Tensor, State | null] {
    const outs: tf.Tensor[] = [];
    for (let t = 0; t < x.shape[0]; t++) {
      const xt = tf.slice(x, [t, 0, 0], [1, -1, -1]);
      const [y, next] = m.forward(xt, state);
      expect(m.lastExecution).toEqual({ call: 'forward', executor: 'stepper', reason: null, message: null });
      outs.push(y);
      if (state && t > 0) tf.dispose(tensorsOf(state));
      state = next;
      xt.dispose();
    }
    const y = tf.concat(outs, 0);
    tf.dispose(outs);
    return [y, state];
  }

  /** Streaming `x` equals the whole-sequence forward (the fast executor, checked against PyTorch by the golden suites). */
  function expectStreamingEqualsSequence(m: Stack, x: tf.Tensor, label: string): void {
    const [ys, hs] = stream(m, x);
    const [y, h] = m.forward(x);
    expect(m.lastExecution).toMatchObject({ executor: 'fast' });
    expectClose(ys, y, TOL, TOL, `${label}: output`);
    tensorsOf(hs as State).forEach((s, k) => expectClose(s, tensorsOf(h)[k], TOL, TOL, `${label}: state ${k}`));
    tf.dispose([ys, y, ...tensorsOf(hs as State), ...tensorsOf(h)]);
  }

  describe('forward reports the tfjs executor', () => {
    it('is null before any call', () => {
      const m = make();
      expect(m.lastExecution).toBeNull();
      m.dispose();
    });

    it('one step without a gradient: the stepper, no reason', () => {
      const m = make();
      run(m, x1);
      expect(m.lastExecution).toEqual({ call: 'forward', executor: 'stepper', reason: null, message: null });
      m.dispose();
    });

    it('a sequence: fast, because of its steps', () => {
      const m = make();
      run(m, x5);
      expect(m.lastExecution).toEqual({
        call: 'forward', executor: 'fast', reason: { kind: 'steps', steps: 5 }, message: '5 time steps (the stepper runs one)',
      });
      m.dispose();
    });

    it('one step under a gradient: fast, recording', () => {
      const m = make();
      tf.dispose(tf.grad((x: tf.Tensor) => tf.sum(m.forward(x)[0]))(x1));
      expect(m.lastExecution).toMatchObject({ executor: 'fast', reason: { kind: 'recording' } });
      m.dispose();
    });

    it('one step with inter-layer dropout (training mode): fast, dropout', () => {
      const m = make({ numLayers: 2, dropout: 0.5 }, false);
      run(m, x1);
      expect(m.lastExecution).toMatchObject({ executor: 'fast', reason: { kind: 'dropout' }, message: 'a dropout mask applies (training)' });
      m.dispose();
    });

    it('one step, bidirectional: fast, bidirectional', () => {
      const m = make({ bidirectional: true });
      run(m, x1);
      expect(m.lastExecution).toMatchObject({ executor: 'fast', reason: { kind: 'bidirectional' } });
      m.dispose();
    });

    it('a failed call leaves the previous report and no tensor behind', () => {
      const m = make();
      run(m, x1);
      const before = tf.memory().numTensors;
      expect(() => m.forward(randomTensor([1, 2, 7], 3))).toThrow(ShapeError);
      expect(m.lastExecution).toMatchObject({ executor: 'stepper' });
      expect(tf.memory().numTensors).toBe(before + 1); // the bad input itself
      m.dispose();
    });
  });

  describe('one step a call (streaming) on the prepared stepper', () => {
    const x6 = randomTensor([6, 2, 3], 4);

    it('equals the whole sequence, two layers, from zeros and from a given state', () => {
      const m = make({ numLayers: 2 });
      expectStreamingEqualsSequence(m, x6, 'two layers');
      const [, h] = m.forward(x5);
      const [ys, hs] = stream(m, x6, h);
      const [y, hSeq] = m.forward(x6, h);
      expectClose(ys, y, TOL, TOL, 'from a state: output');
      tensorsOf(hs as State).forEach((s, k) => expectClose(s, tensorsOf(hSeq)[k], TOL, TOL, `from a state: state ${k}`));
      tf.dispose([ys, y, ...tensorsOf(h), ...tensorsOf(hs as State), ...tensorsOf(hSeq)]);
      m.dispose();
    });

    it('sees loadStateDict: the next step runs on the new weights', () => {
      const m = make();
      tf.dispose(m.forward(x1).flat()); // the stepper prepared from the first weights
      const fresh = make();
      m.loadStateDict(fresh.stateDict());
      const [a] = m.forward(x1);
      const [b] = fresh.forward(x1);
      expect(m.lastExecution?.executor).toBe('stepper');
      expectClose(a, b, TOL, TOL, 'after loadStateDict');
      expectStreamingEqualsSequence(m, x6, 'after loadStateDict');
      tf.dispose([a, b]);
      m.dispose();
      fresh.dispose();
    });

    it('sees an optimizer step on the parameters', () => {
      const m = make();
      const [before] = m.forward(x1);
      const optimizer = tf.train.sgd(0.5);
      optimizer.minimize(() => tf.sum(tf.square(m.forward(x5)[0])) as tf.Scalar, false, m.parameters());
      const [after] = m.forward(x1);
      expect(m.lastExecution?.executor).toBe('stepper');
      expect(tf.tidy(() => tf.max(tf.abs(tf.sub(before, after))).dataSync()[0])).toBeGreaterThan(1e-4);
      expectStreamingEqualsSequence(m, x6, 'after an optimizer step');
      tf.dispose([before, after]);
      optimizer.dispose();
      m.dispose();
    });

    it('a wrong state shape on the stepper path: a ShapeError, no tensor left behind', () => {
      const m = make();
      run(m, x1);
      const bad = tf.zeros([1, 2, 5]);
      const state: State = kind === 'LSTM' ? [bad, bad] : bad;
      const before = tf.memory().numTensors;
      expect(() => m.forward(x1, state)).toThrow(ShapeError);
      expect(tf.memory().numTensors).toBe(before);
      bad.dispose();
      m.dispose();
    });
  });

  const withOrt = onnxRuntimeAvailable() ? describe : describe.skip;

  describe('forwardAsync reports onnxruntime or tfjs and why', () => {
    async function runAsync(m: Stack, input: tf.Tensor, options?: { executor?: 'auto' | 'tfjs' | 'onnxruntime' }): Promise<void> {
      const before = tf.memory().numTensors;
      const [y, s] = await m.forwardAsync(input, null, options);
      tf.dispose([y, ...tensorsOf(s)]);
      expect(tf.memory().numTensors).toBe(before);
    }

    it("executor 'tfjs': tfjs, tfjs-requested", async () => {
      const m = make();
      await runAsync(m, x5, { executor: 'tfjs' });
      expect(m.lastExecution).toEqual({ call: 'forwardAsync', executor: 'tfjs', reason: { kind: 'tfjs-requested' }, message: "executor 'tfjs' requested" });
      m.dispose();
    });

    it('overwrites the report of a previous forward', async () => {
      const m = make();
      run(m, x1);
      await runAsync(m, x5, { executor: 'tfjs' });
      expect(m.lastExecution?.call).toBe('forwardAsync');
      m.dispose();
    });

    withOrt('with onnxruntime-node installed', () => {
      it("'auto': onnxruntime, no reason (packed input too)", async () => {
        const m = make();
        await runAsync(m, x5);
        expect(m.lastExecution).toEqual({ call: 'forwardAsync', executor: 'onnxruntime', reason: null, message: null });
        const packed = packPaddedSequence(x5, [5, 3]);
        const [y, s] = await (m.forwardAsync as (p: unknown) => Promise<[{ data: tf.Tensor }, State]>)(packed);
        expect(m.lastExecution?.executor).toBe('onnxruntime');
        tf.dispose([y.data, ...tensorsOf(s)]);
        packed.dispose();
        m.dispose();
      });

      it('inter-layer dropout in training mode: tfjs, inexpressible inter-layer-dropout', async () => {
        const m = make({ numLayers: 2, dropout: 0.5 }, false);
        await runAsync(m, x5);
        expect(m.lastExecution).toMatchObject({ executor: 'tfjs', reason: { kind: 'inexpressible', what: 'inter-layer-dropout' } });
        m.eval();
        await runAsync(m, x5);
        expect(m.lastExecution?.executor).toBe('onnxruntime');
        m.dispose();
      });
    });
  });
});

(onnxRuntimeAvailable() ? test : test.skip)('nn.LSTM.forwardAsync with a projection: tfjs, inexpressible projection', async () => {
  const lstm = new LSTM(3, 4, { projSize: 2 });
  lstm.eval();
  const before = tf.memory().numTensors;
  const [y, [h, c]] = await lstm.forwardAsync(x5);
  tf.dispose([y, h, c]);
  expect(tf.memory().numTensors).toBe(before);
  expect(lstm.lastExecution).toEqual({
    call: 'forwardAsync', executor: 'tfjs', reason: { kind: 'inexpressible', what: 'projection' },
    message: 'a projection (LSTMP), which ONNX LSTM does not have',
  });
  lstm.dispose();
});
