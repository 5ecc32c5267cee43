/**
 * ONNX reads back its own export of hiddenSize-1 stacks (issue 12, point 15): a size-1 axis
 * made the tracer misread the Transpose + Reshape glue between bidirectional layers.
 */
import { LSTM } from '../src/nn';
import { loadOnnx } from '../src/io/onnx/load-onnx-module';
import { saveOnnx } from '../src/io/onnx/save-onnx';
import { expectClose, randomTensor, tf } from './helpers/tf';

test.each([
  [{ numLayers: 2, bidirectional: true }],
  [{ numLayers: 3, bidirectional: true, batchFirst: true }],
  [{ numLayers: 2 }],
] as const)('io.loadOnnx(io.saveOnnx(new nn.LSTM(4, 1, %j))) is the same LSTM', (options) => {
  const m = new LSTM(4, 1, options);
  const back = loadOnnx(saveOnnx(m));
  expect(back.numLayers).toBe(m.numLayers);
  expect(back.bidirectional).toBe(m.bidirectional);
  expect(back.hiddenSize).toBe(1);
  const x = randomTensor('batchFirst' in options ? [2, 5, 4] : [5, 2, 4], 7);
  const [y, [h, c]] = m.forward(x);
  const [y2, [h2, c2]] = back.forward(x);
  expectClose(y2, y, 1e-6);
  expectClose(h2, h, 1e-6);
  expectClose(c2, c, 1e-6);
  tf.dispose([x, y, h, c, y2, h2, c2]);
  m.dispose();
  back.dispose();
});
