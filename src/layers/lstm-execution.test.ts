/**
 * `layers.LSTM.lastExecution`: which tfjs executor ran the last call on tensors and why not the
 * prepared one-step stepper, one test a reason reachable through the layer.
 */
import * as tfl from '@tensorflow/tfjs-layers';

import { randomTensor, tf } from '../../test/helpers/tf';
import { LSTM } from './lstm';

const N = 2, F = 3, U = 4;

/**
 * A call on tensors, made twice: the first builds the weights (and the stepper its prepared
 * copies); the second leaves the tensor count unchanged.
 */
function call(layer: LSTM, x: tf.Tensor, kwargs: Record<string, unknown> = {}): void {
  tf.dispose(layer.apply(x, kwargs) as tf.Tensor);
  const before = tf.memory().numTensors;
  tf.dispose(layer.apply(x, kwargs) as tf.Tensor);
  expect(tf.memory().numTensors).toBe(before);
}

/** Frees the weights and what the layer holds (a layer applied only to tensors has no inbound node to dispose through). */
function free(layer: LSTM): void {
  layer.disposeHeld();
  tf.dispose(layer.getWeights());
}

const x1 = randomTensor([N, 1, F], 1);
const x6 = randomTensor([N, 6, F], 2);

describe('layers.LSTM.lastExecution', () => {
  it('is null before any call on tensors (a symbolic call runs nothing)', () => {
    const layer = new LSTM({ units: U });
    expect(layer.lastExecution).toBeNull();
    layer.apply(tfl.input({ shape: [6, F] }));
    expect(layer.lastExecution).toBeNull();
    call(layer, x6);
    expect(layer.lastExecution).toMatchObject({ executor: 'fast' });
    free(layer);
  });

  it('one step, inference: the stepper', () => {
    const layer = new LSTM({ units: U });
    call(layer, x1);
    expect(layer.lastExecution).toEqual({ call: 'call', executor: 'stepper', reason: null, message: null });
    free(layer);
  });

  it('a sequence: fast, steps', () => {
    const layer = new LSTM({ units: U });
    call(layer, x6);
    expect(layer.lastExecution).toEqual({ call: 'call', executor: 'fast', reason: { kind: 'steps', steps: 6 }, message: '6 time steps (the stepper runs one)' });
    free(layer);
  });

  it('one step with a masked element: fast, masked', () => {
    const layer = new LSTM({ units: U });
    const mask = tf.tensor2d([[1], [0]], [N, 1], 'bool');
    call(layer, x1, { mask });
    expect(layer.lastExecution).toMatchObject({ executor: 'fast', reason: { kind: 'masked' } });
    mask.dispose();
    free(layer);
  });

  it('one step with dropout in training: fast, dropout; without training: the stepper', () => {
    const layer = new LSTM({ units: U, dropout: 0.5, recurrentDropout: 0.5 });
    call(layer, x1, { training: true });
    expect(layer.lastExecution).toMatchObject({ executor: 'fast', reason: { kind: 'dropout' } });
    call(layer, x1);
    expect(layer.lastExecution).toMatchObject({ executor: 'stepper' });
    free(layer);
  });

  it('one step under a gradient: fast, recording', () => {
    const layer = new LSTM({ units: U });
    call(layer, x1);
    tf.dispose(tf.grad((x: tf.Tensor) => tf.sum(layer.apply(x) as tf.Tensor))(x1));
    expect(layer.lastExecution).toMatchObject({ executor: 'fast', reason: { kind: 'recording' } });
    free(layer);
  });
});
