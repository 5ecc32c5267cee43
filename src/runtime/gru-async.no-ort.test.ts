/**
 * gruStackAsync / rnnStackAsync where onnxruntime-node is not installed: simulated by replacing
 * the loader with one that finds nothing.
 */
import { expectClose, randomTensor, tf } from '../../test/helpers/tf';
import { ConfigError } from '../errors';
import { gruStack, rnnStack } from '../engine';
import { gruStackAsync, rnnStackAsync } from './gru-async';

jest.mock('./ort-runtime', () => ({
  loadOnnxRuntime: () => null,
  onnxRuntimeAvailable: () => false,
  onnxRuntimeUnavailableReason: () => 'onnxruntime-node could not be loaded: Cannot find module',
}));

const gru = [{ forward: { kernel: randomTensor([3, 6], 1) as tf.Tensor2D, recurrentKernel: randomTensor([2, 6], 2) as tf.Tensor2D } }];
const rnn = [{ forward: { kernel: randomTensor([3, 2], 3) as tf.Tensor2D, recurrentKernel: randomTensor([2, 2], 4) as tf.Tensor2D } }];
const x = randomTensor([4, 2, 3], 5);
const reason = { kind: 'not-installed', detail: 'onnxruntime-node could not be loaded: Cannot find module' };

test("'auto' runs tfjs with the engine's results and says why", async () => {
  const g = await gruStackAsync(x, gru, { lengths: [4, 1], resetAfter: false });
  expect(g).toEqual(expect.objectContaining({ executor: 'tfjs', fallback: reason }));
  expectClose(g.output, gruStack(x, gru, { lengths: [4, 1], resetAfter: false }).output, 0, 0, 'gru output');
  const r = await rnnStackAsync(x, rnn);
  expect(r.fallback).toEqual(reason);
  expectClose(r.output, rnnStack(x, rnn).output, 0, 0, 'rnn output');
});

test("forcing 'onnxruntime' rejects with a ConfigError naming the missing package", async () => {
  await expect(gruStackAsync(x, gru, { executor: 'onnxruntime' })).rejects.toThrow(ConfigError);
  await expect(rnnStackAsync(x, rnn, { executor: 'onnxruntime' })).rejects.toThrow(
    "rnnStackAsync: executor 'onnxruntime' needs the optional package onnxruntime-node: onnxruntime-node could not be loaded",
  );
});
