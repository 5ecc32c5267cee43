/**
 * lstmStackAsync where onnxruntime-node is not installed (a browser, or an install that skipped
 * the optional dependency): simulated by replacing the loader with one that finds nothing.
 */
import { expectClose, randomTensor, tf } from '../../test/helpers/tf';
import { ConfigError } from '../errors';
import { chooseExecutor, lstmStackAsync } from './lstm-async';
import { lstmStack } from '../engine';

jest.mock('./ort-runtime', () => ({
  loadOnnxRuntime: () => null,
  onnxRuntimeAvailable: () => false,
  onnxRuntimeUnavailableReason: () => 'onnxruntime-node could not be loaded: Cannot find module',
}));

const layers = [{
  forward: { kernel: randomTensor([3, 8], 1) as tf.Tensor2D, recurrentKernel: randomTensor([2, 8], 2) as tf.Tensor2D },
  backward: { kernel: randomTensor([3, 8], 3) as tf.Tensor2D, recurrentKernel: randomTensor([2, 8], 4) as tf.Tensor2D },
}];
const x = randomTensor([4, 2, 3], 5);

test("'auto' runs the tfjs executor with lstmStack's results", async () => {
  expect(chooseExecutor(x, layers)).toEqual({ executor: 'tfjs', reason: 'onnxruntime-node could not be loaded: Cannot find module' });
  const ref = lstmStack(x, layers, { lengths: [4, 1] });
  const got = await lstmStackAsync(x, layers, { lengths: [4, 1] });
  expect(got.executor).toBe('tfjs');
  expectClose(got.output, ref.output, 0, 0, 'output');
});

test("forcing 'onnxruntime' rejects with a ConfigError naming the missing package", async () => {
  await expect(lstmStackAsync(x, layers, { executor: 'onnxruntime' })).rejects.toThrow(ConfigError);
  await expect(lstmStackAsync(x, layers, { executor: 'onnxruntime' })).rejects.toThrow(
    "engine.lstmStackAsync: executor 'onnxruntime' needs the optional package onnxruntime-node: onnxruntime-node could not be loaded",
  );
});
