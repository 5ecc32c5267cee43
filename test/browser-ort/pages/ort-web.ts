/**
 * In the page: `forwardAsync(x, hx, { executor: 'onnxruntime' })` (onnxruntime-web) against the
 * tfjs path on the backend `?backend=` (cpu | wasm), for a 2-layer bidirectional nn.LSTM with and
 * without initial states and for packed (right-padded) sequences; the session cache; tensor
 * counts; whether the page is cross-origin isolated and how many threads onnxruntime-web uses.
 * With `?absent=1` the bundle has no onnxruntime-web: the forced executor must reject with a
 * ConfigError and 'auto' must fall back to tfjs.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';

import { ConfigError, nn, runtime } from '../../../src';
import { param, report } from '../../../scripts/browser/report';

function maxDiff(a: tf.Tensor, b: tf.Tensor): number {
  const x = a.dataSync();
  const y = b.dataSync();
  if (x.length !== y.length) return Infinity;
  let m = 0;
  for (let i = 0; i < x.length; i++) m = Math.max(m, Math.abs(x[i] - y[i]));
  return m;
}

function disposePacked(...ps: nn.utils.rnn.PackedSequence[]): void {
  for (const p of ps) tf.dispose([p.data, p.batchSizes, p.sortedIndices, p.unsortedIndices].filter((t): t is tf.Tensor => t !== null));
}

report(async () => {
  const backend = param('backend', 'cpu');
  if (backend === 'wasm') setWasmPaths('/tfjs-wasm/');
  await tf.setBackend(backend);
  await tf.ready();
  runtime.setOnnxRuntimeWasmPaths('/ort/');
  const lstm = new nn.LSTM(6, 8, { numLayers: 2, bidirectional: true });
  lstm.eval();
  const x = tf.randomUniform([7, 3, 6], -1, 1, 'float32', 5);
  const h0 = tf.randomUniform([4, 3, 8], -1, 1, 'float32', 6);
  const c0 = tf.randomUniform([4, 3, 8], -1, 1, 'float32', 7);
  const before = tf.memory().numTensors;
  if (param('absent', '0') === '1') {
    let forced = '';
    try {
      await lstm.forwardAsync(x, null, { executor: 'onnxruntime' });
    } catch (e) {
      forced = `${e instanceof ConfigError ? 'ConfigError' : (e as Error).name}: ${(e as Error).message}`;
    }
    const [y, [h, c]] = await lstm.forwardAsync(x);
    const execution = lstm.lastExecution;
    tf.dispose([y, h, c]);
    return { forced, execution, leaked: tf.memory().numTensors - before, available: await runtime.loadOnnxRuntimeAsync() };
  }
  const diffs: Record<string, number> = {};
  const executors: string[] = [];
  for (const [name, hx] of [['no state', null], ['with state', [h0, c0]]] as const) {
    const [yt, [ht, ct]] = await lstm.forwardAsync(x, hx as [tf.Tensor, tf.Tensor] | null, { executor: 'tfjs' });
    const [yo, [ho, co]] = await lstm.forwardAsync(x, hx as [tf.Tensor, tf.Tensor] | null, { executor: 'onnxruntime' });
    executors.push(lstm.lastExecution?.executor ?? 'none');
    diffs[`${name} output`] = maxDiff(yt, yo);
    diffs[`${name} h`] = maxDiff(ht, ho);
    diffs[`${name} c`] = maxDiff(ct, co);
    tf.dispose([yt, ht, ct, yo, ho, co]);
  }
  // Packed sequences (right padding, lengths 7, 4, 2): sequence_lens in onnxruntime.
  const packed = nn.utils.rnn.packPaddedSequence(x, [7, 4, 2], { enforceSorted: true });
  const [pt, [pht, pct]] = await lstm.forwardAsync(packed, null, { executor: 'tfjs' });
  const [po, [pho, pco]] = await lstm.forwardAsync(packed, null, { executor: 'onnxruntime' });
  executors.push(lstm.lastExecution?.executor ?? 'none');
  diffs['packed data'] = maxDiff(pt.data, po.data);
  diffs['packed h'] = maxDiff(pht, pho);
  diffs['packed c'] = maxDiff(pct, pco);
  tf.dispose([pht, pct, pho, pco]);
  disposePacked(pt, po, packed);
  const sessionsAfterFirst = runtime.onnxSessionCacheSize();
  // The same calls again: cached sessions, no new ones.
  const [y2, [h2, c2]] = await lstm.forwardAsync(x, null, { executor: 'onnxruntime' });
  tf.dispose([y2, h2, c2]);
  const [ya, [ha, ca]] = await lstm.forwardAsync(x);
  const auto = lstm.lastExecution?.executor;
  tf.dispose([ya, ha, ca]);
  const sessionsAfterRepeat = runtime.onnxSessionCacheSize();
  const leaked = tf.memory().numTensors - before;
  const ort = (await import('onnxruntime-web')) as unknown as { env: { wasm: { numThreads?: number } } };
  return {
    backend: tf.getBackend(), diffs, executors, auto, sessionsAfterFirst, sessionsAfterRepeat,
    isolated: crossOriginIsolated, numThreads: ort.env.wasm.numThreads, leaked,
  };
});
