/**
 * Runs the LSTM of every real PyTorch file in `../shared/acceptance/pytorch-users` through
 * lstm-bridge (`io.loadTorch` -> `nn.LSTM.fromStateDict`, the prefix found automatically) and
 * through real PyTorch (`scripts/acceptance/torch_forward.py`) on the same random input, and
 * compares output, h_n and c_n (used by `scripts/check-acceptance-io.ts`).
 */
import { spawnSync } from 'child_process';
import * as path from 'path';

import * as tf from '@tensorflow/tfjs-core';

import { LSTM } from '../../src/nn';
import { maxAbsDiff } from '../../src/cli/random';
import { loadTorch } from '../../src/io/node';
import { files } from './files';

/** Absolute tolerance of the comparison (float32; up to 32 stacked layers). */
export const TORCH_MODEL_TOLERANCE = 1e-5;

export interface TorchModelRow {
  file: string;
  module: string;
  maxDiff: number;
  ok: boolean;
  note?: string;
}

export function checkTorchModels(root: string, python: string, files: string[]): TorchModelRow[] {
  const rows: TorchModelRow[] = [];
  for (const file of files) {
    const rel = path.relative(root, file);
    const sd = loadTorch(file);
    let lstm: LSTM | null = null;
    try {
      lstm = LSTM.fromStateDict(sd);
      const prefix = Object.keys(sd).find((k) => k.endsWith('weight_ih_l0'))!.slice(0, -'weight_ih_l0'.length);
      const x = tf.randomNormal([7, 2, lstm.inputSize], 0, 1, 'float32', 7);
      const [y, [h, c]] = lstm.eval().forward(x);
      const req = {
        file,
        prefix,
        config: {
          input_size: lstm.inputSize, hidden_size: lstm.hiddenSize, num_layers: lstm.numLayers,
          bias: lstm.bias, bidirectional: lstm.bidirectional, proj_size: lstm.projSize,
        },
        input: { shape: x.shape, data: Array.from(x.dataSync()) },
      };
      const r = spawnSync(python, [path.join(__dirname, 'torch_forward.py')], { input: JSON.stringify(req), encoding: 'utf8', maxBuffer: 1 << 30 });
      if (r.status !== 0) throw new Error(`torch_forward.py: ${r.stderr.slice(-1000)}`);
      const ref = JSON.parse(r.stdout) as Record<'output' | 'h_n' | 'c_n', { data: number[] }>;
      const maxDiff = Math.max(
        maxAbsDiff(y.dataSync(), ref.output.data),
        maxAbsDiff(h.dataSync(), ref.h_n.data),
        maxAbsDiff(c.dataSync(), ref.c_n.data),
      );
      tf.dispose([x, y, h, c]);
      rows.push({ file: rel, module: `${JSON.stringify(prefix)}: ${lstm}`, maxDiff, ok: maxDiff <= TORCH_MODEL_TOLERANCE });
    } catch (e) {
      rows.push({ file: rel, module: '-', maxDiff: NaN, ok: false, note: e instanceof Error ? `${e.name}: ${e.message}` : String(e) });
    } finally {
      lstm?.dispose();
      tf.dispose(Object.values(sd));
    }
  }
  return rows;
}

export function torchFiles(dir: string): string[] {
  return files(dir, /\.(pt|pth)$/);
}
