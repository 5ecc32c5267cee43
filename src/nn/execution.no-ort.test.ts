/**
 * `forwardAsync` of `nn.LSTM`, `nn.GRU` and `nn.RNN` where onnxruntime-node is not installed (an
 * install that dropped the optional dependency, a browser): simulated by a loader that finds
 * nothing. The call falls back to tfjs without printing anything, and `lastExecution` says so,
 * with the load error.
 */
import { expectClose, randomTensor, tf } from '../../test/helpers/tf';
import { GRU } from './gru';
import { LSTM } from './lstm';
import { RNN } from './rnn';

jest.mock('../runtime/ort-runtime', () => ({
  loadOnnxRuntime: () => null,
  onnxRuntimeAvailable: () => false,
  onnxRuntimeUnavailableReason: () => "onnxruntime-node could not be loaded: Cannot find module 'onnxruntime-node'",
}));

type State = tf.Tensor | tf.Tensor[];
interface Stack {
  eval(): unknown;
  dispose(): void;
  readonly lastExecution: unknown;
  forward(x: tf.Tensor): [tf.Tensor, State];
  forwardAsync(x: tf.Tensor): Promise<[tf.Tensor, State]>;
}

test.each([
  ['LSTM', () => new LSTM(3, 4, { numLayers: 2 }) as unknown as Stack],
  ['GRU', () => new GRU(3, 4, { numLayers: 2 }) as unknown as Stack],
  ['RNN', () => new RNN(3, 4, { numLayers: 2 }) as unknown as Stack],
])("nn.%s: forwardAsync falls back to tfjs silently, and lastExecution names 'not-installed' with the load error", async (_kind, make) => {
  const m = make();
  m.eval();
  const x = randomTensor([5, 2, 3], 1);
  const spies = (['log', 'warn', 'error', 'info'] as const).map((k) => jest.spyOn(console, k));
  const before = tf.memory().numTensors;
  const [y, s] = await m.forwardAsync(x);
  expect(m.lastExecution).toEqual({
    call: 'forwardAsync', executor: 'tfjs',
    reason: { kind: 'not-installed', detail: "onnxruntime-node could not be loaded: Cannot find module 'onnxruntime-node'" },
    message: "onnxruntime-node could not be loaded: Cannot find module 'onnxruntime-node'",
  });
  for (const spy of spies) expect(spy).not.toHaveBeenCalled();
  const [y2, s2] = m.forward(x);
  expectClose(y, y2, 1e-6, 0, 'output');
  tf.dispose([y, y2, s, s2].flat());
  expect(tf.memory().numTensors).toBe(before);
  spies.forEach((spy) => spy.mockRestore());
  m.dispose();
});
