/**
 * `nn.LSTM.forwardAsync` where onnxruntime-node is not installed (an install that dropped the
 * optional dependency, a browser): simulated by a loader that finds nothing. The call falls
 * back to tfjs without printing anything, and `lastExecution` says so, with the load error.
 */
import { expectClose, randomTensor, tf } from '../../test/helpers/tf';
import { LSTM } from './lstm';

jest.mock('../runtime/ort-runtime', () => ({
  loadOnnxRuntime: () => null,
  onnxRuntimeAvailable: () => false,
  onnxRuntimeUnavailableReason: () => "onnxruntime-node could not be loaded: Cannot find module 'onnxruntime-node'",
}));

test("forwardAsync falls back to tfjs silently, and lastExecution names 'not-installed' with the load error", async () => {
  const lstm = new LSTM(3, 4, { numLayers: 2 });
  lstm.eval();
  const x = randomTensor([5, 2, 3], 1);
  const spies = (['log', 'warn', 'error', 'info'] as const).map((m) => jest.spyOn(console, m));
  const before = tf.memory().numTensors;
  const [y, [h, c]] = await lstm.forwardAsync(x);
  expect(lstm.lastExecution).toEqual({
    call: 'forwardAsync', executor: 'tfjs',
    reason: { kind: 'not-installed', detail: "onnxruntime-node could not be loaded: Cannot find module 'onnxruntime-node'" },
    message: "onnxruntime-node could not be loaded: Cannot find module 'onnxruntime-node'",
  });
  for (const spy of spies) expect(spy).not.toHaveBeenCalled();
  const [y2, [h2, c2]] = lstm.forward(x);
  expectClose(y, y2, 1e-6, 0, 'output');
  tf.dispose([y, h, c, y2, h2, c2]);
  expect(tf.memory().numTensors).toBe(before);
  spies.forEach((s) => s.mockRestore());
  lstm.dispose();
});
