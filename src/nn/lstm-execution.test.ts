/**
 * @jest-environment ./test/helpers/ort-environment.js
 */
/**
 * `nn.LSTM.lastExecution`: which executor ran the last call and why not a faster one, one test
 * a reason reachable through the facade. (onnxruntime-node missing: `lstm-execution.no-ort.test.ts`.)
 */
import { randomTensor, tf } from '../../test/helpers/tf';
import { onnxRuntimeAvailable } from '../runtime';
import { LSTM, LSTMOptions } from './lstm';
import { packPaddedSequence } from './utils/rnn';

function make(options: LSTMOptions = {}, inference = true): LSTM {
  const lstm = new LSTM(3, 4, options);
  if (inference) lstm.eval();
  return lstm;
}

/** A forward, made twice: the first prepares the stepper's weights; the second leaves the tensor count unchanged. */
function run(lstm: LSTM, x: tf.Tensor): void {
  tf.dispose(lstm.forward(x).flat());
  const before = tf.memory().numTensors;
  const [y, [h, c]] = lstm.forward(x);
  tf.dispose([y, h, c]);
  expect(tf.memory().numTensors).toBe(before);
}

const x1 = randomTensor([1, 2, 3], 1);
const x5 = randomTensor([5, 2, 3], 2);

describe('nn.LSTM.forward reports the tfjs executor', () => {
  it('is null before any call', () => {
    const lstm = make();
    expect(lstm.lastExecution).toBeNull();
    lstm.dispose();
  });

  it('one step without a gradient: the stepper, no reason', () => {
    const lstm = make();
    run(lstm, x1);
    expect(lstm.lastExecution).toEqual({ call: 'forward', executor: 'stepper', reason: null, message: null });
    lstm.dispose();
  });

  it('a sequence: fast, because of its steps', () => {
    const lstm = make();
    run(lstm, x5);
    expect(lstm.lastExecution).toEqual({
      call: 'forward', executor: 'fast', reason: { kind: 'steps', steps: 5 }, message: '5 time steps (the stepper runs one)',
    });
    lstm.dispose();
  });

  it('one step under a gradient: fast, recording', () => {
    const lstm = make();
    tf.dispose(tf.grad((x: tf.Tensor) => tf.sum(lstm.forward(x)[0]))(x1));
    expect(lstm.lastExecution).toMatchObject({ executor: 'fast', reason: { kind: 'recording' } });
    lstm.dispose();
  });

  it('one step with inter-layer dropout (training mode): fast, dropout', () => {
    const lstm = make({ numLayers: 2, dropout: 0.5 }, false);
    run(lstm, x1);
    expect(lstm.lastExecution).toMatchObject({ executor: 'fast', reason: { kind: 'dropout' }, message: 'a dropout mask applies (training)' });
    lstm.dispose();
  });

  it('one step, bidirectional: fast, bidirectional', () => {
    const lstm = make({ bidirectional: true });
    run(lstm, x1);
    expect(lstm.lastExecution).toMatchObject({ executor: 'fast', reason: { kind: 'bidirectional' } });
    lstm.dispose();
  });

  it('a failed call leaves the previous report', () => {
    const lstm = make();
    run(lstm, x1);
    expect(() => lstm.forward(randomTensor([1, 2, 7], 3))).toThrow();
    expect(lstm.lastExecution).toMatchObject({ executor: 'stepper' });
    lstm.dispose();
  });
});

const withOrt = onnxRuntimeAvailable() ? describe : describe.skip;

describe('nn.LSTM.forwardAsync reports onnxruntime or tfjs and why', () => {
  async function runAsync(lstm: LSTM, input: tf.Tensor, options?: { executor?: 'auto' | 'tfjs' | 'onnxruntime' }): Promise<void> {
    const before = tf.memory().numTensors;
    const [y, [h, c]] = await lstm.forwardAsync(input, null, options);
    tf.dispose([y, h, c]);
    expect(tf.memory().numTensors).toBe(before);
  }

  it("executor 'tfjs': tfjs, tfjs-requested", async () => {
    const lstm = make();
    await runAsync(lstm, x5, { executor: 'tfjs' });
    expect(lstm.lastExecution).toEqual({ call: 'forwardAsync', executor: 'tfjs', reason: { kind: 'tfjs-requested' }, message: "executor 'tfjs' requested" });
    lstm.dispose();
  });

  it('overwrites the report of a previous forward', async () => {
    const lstm = make();
    run(lstm, x1);
    await runAsync(lstm, x5, { executor: 'tfjs' });
    expect(lstm.lastExecution?.call).toBe('forwardAsync');
    lstm.dispose();
  });

  withOrt('with onnxruntime-node installed', () => {
    it("'auto': onnxruntime, no reason (packed input too)", async () => {
      const lstm = make();
      await runAsync(lstm, x5);
      expect(lstm.lastExecution).toEqual({ call: 'forwardAsync', executor: 'onnxruntime', reason: null, message: null });
      const packed = packPaddedSequence(x5, [5, 3]);
      const [y, [h, c]] = await lstm.forwardAsync(packed);
      expect(lstm.lastExecution?.executor).toBe('onnxruntime');
      tf.dispose([y.data, h, c]);
      packed.dispose();
      lstm.dispose();
    });

    it('a projection: tfjs, inexpressible projection', async () => {
      const lstm = make({ projSize: 2 });
      await runAsync(lstm, x5);
      expect(lstm.lastExecution).toEqual({
        call: 'forwardAsync', executor: 'tfjs', reason: { kind: 'inexpressible', what: 'projection' },
        message: 'a projection (LSTMP), which ONNX LSTM does not have',
      });
      lstm.dispose();
    });

    it('inter-layer dropout in training mode: tfjs, inexpressible inter-layer-dropout', async () => {
      const lstm = make({ numLayers: 2, dropout: 0.5 }, false);
      await runAsync(lstm, x5);
      expect(lstm.lastExecution).toMatchObject({ executor: 'tfjs', reason: { kind: 'inexpressible', what: 'inter-layer-dropout' } });
      lstm.eval();
      await runAsync(lstm, x5);
      expect(lstm.lastExecution?.executor).toBe('onnxruntime');
      lstm.dispose();
    });
  });
});
