/**
 * @jest-environment ./test/helpers/ort-environment.js
 */
/**
 * `io.saveOnnx` against onnxruntime-node: for every combination of 1–3 layers, bidirectional,
 * batchFirst, bias, initial states given or not, and batched / unbatched input, onnxruntime runs
 * the exported model and reproduces `nn.LSTM.forward` (output, h_n, c_n; 1e-5), and
 * `io.loadOnnx` reads the model back into an `nn.LSTM` with an identical state dict (bit for
 * bit) and the same `batchFirst`. No tensor leaks.
 */
import { expectClose, randomTensor, tf } from './helpers/tf';
import { OrtModule, OrtTensor, loadOnnxRuntime } from '../src/runtime/ort-runtime';
import { LSTM } from '../src/nn/lstm';
import { loadOnnx, readOnnxLstmStacks, disposeOnnxStacks, saveOnnx } from '../src/io';

const TOL = 1e-5;

function ort(): OrtModule {
  const m = loadOnnxRuntime();
  if (!m) throw new Error('onnxruntime-node is not installed (optional dependency): run npm install');
  return m;
}

interface Case {
  numLayers: number;
  bidirectional: boolean;
  batchFirst: boolean;
  bias: boolean;
  initialState: boolean;
  unbatched: boolean;
}

const cases: Case[] = [];
for (const numLayers of [1, 2, 3]) {
  for (const bidirectional of [false, true]) {
    for (const batchFirst of [false, true]) {
      for (const bias of [true, false]) {
        for (const initialState of [false, true]) {
          for (const unbatched of [false, true]) cases.push({ numLayers, bidirectional, batchFirst, bias, initialState, unbatched });
        }
      }
    }
  }
}

const name = (c: Case) =>
  `${c.numLayers} layer(s)${c.bidirectional ? ', bidirectional' : ''}${c.batchFirst ? ', batchFirst' : ''}${c.bias ? '' : ', no bias'}${c.initialState ? ', h0/c0' : ''}${c.unbatched ? ', unbatched' : ''}`;

describe.each(cases.map((c, k) => [name(c), c, k] as const))('nn.LSTM %s', (_n, c, k) => {
  const I = 3 + (k % 3);
  const H = 2 + (k % 4);
  const L = 4 + (k % 3);
  const N = 1 + (k % 3);
  const D = c.bidirectional ? 2 : 1;

  test('onnxruntime runs the exported model and reproduces forward; loadOnnx gives the same module back', async () => {
    const rt = ort();
    const lstm = new LSTM(I, H, { numLayers: c.numLayers, bidirectional: c.bidirectional, batchFirst: c.batchFirst, bias: c.bias });
    const xShape = c.unbatched ? [L, I] : c.batchFirst ? [N, L, I] : [L, N, I];
    const sShape = c.unbatched ? [D * c.numLayers, H] : [D * c.numLayers, N, H];
    const x = randomTensor(xShape, 10 + k);
    const h0 = randomTensor(sShape, 20 + k, 0.5);
    const c0 = randomTensor(sShape, 30 + k, 0.5);
    const before = tf.memory().numTensors;
    const bytes = saveOnnx(lstm, { initialState: c.initialState, unbatched: c.unbatched });
    // Loading leaves nothing behind but the module, whose dispose() frees it all.
    loadOnnx(bytes).dispose();
    expect(tf.memory().numTensors).toBe(before);
    const back = loadOnnx(bytes);

    const session = await rt.InferenceSession.create(bytes);
    const feeds: Record<string, OrtTensor> = {
      input: new rt.Tensor('float32', x.dataSync() as Float32Array, xShape),
    };
    if (c.initialState) {
      feeds.h0 = new rt.Tensor('float32', h0.dataSync() as Float32Array, sShape);
      feeds.c0 = new rt.Tensor('float32', c0.dataSync() as Float32Array, sShape);
    }
    const out = await session.run(feeds);
    await session.release();
    const [y, [hN, cN]] = lstm.forward(x, c.initialState ? [h0, c0] : null);
    expect(out.output.dims).toEqual(y.shape);
    expect(out.h_n.dims).toEqual(hN.shape);
    expect(out.c_n.dims).toEqual(cN.shape);
    expectClose(out.output.data as Float32Array, y, TOL, 0, 'output');
    expectClose(out.h_n.data as Float32Array, hN, TOL, 0, 'h_n');
    expectClose(out.c_n.data as Float32Array, cN, TOL, 0, 'c_n');

    expect(back.toString()).toBe(lstm.toString().replace(', batch_first=True', c.unbatched ? '' : ', batch_first=True'));
    expect(back.batchFirst).toBe(c.batchFirst && !c.unbatched);
    const a = lstm.stateDict();
    const b = back.stateDict();
    expect(Object.keys(b)).toEqual(Object.keys(a));
    for (const key of Object.keys(a)) {
      expect(b[key].shape).toEqual(a[key].shape);
      expect(Array.from(b[key].dataSync())).toEqual(Array.from(a[key].dataSync()));
    }

    const [stack] = readOnnxLstmStacks(bytes);
    expect(stack.form).toBe(c.unbatched ? 'unbatched' : c.batchFirst ? 'batch-first' : 'time-major');
    expect([stack.input, stack.output, stack.hN, stack.cN]).toEqual(['input', 'output', 'h_n', 'c_n']);
    expect(stack.initialState).toEqual(c.initialState ? { kind: 'inputs', h0: 'h0', c0: 'c0' } : { kind: 'zeros' });
    expect(stack.issues).toEqual([]);
    disposeOnnxStacks([stack]);
    tf.dispose([x, h0, c0, y, hN, cN]);
    lstm.dispose();
    back.dispose();
  });
});
