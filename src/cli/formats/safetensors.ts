/** safetensors files, read with `io.readSafetensors`, written with `io.saveSafetensors`. */
import * as tf from '@tensorflow/tfjs-core';

import { readSafetensors, saveSafetensors } from '../../io';
import { stateDictOf } from './state-dict';
import { stateDictSource } from './torch';
import { FormatModule } from './types';

export const safetensorsFormat: FormatModule = {
  name: 'safetensors',
  title: 'safetensors (.safetensors)',
  extensions: ['.safetensors'],
  detect(path, head) {
    // u64 little-endian header length, then the JSON header's '{'.
    if (head.length < 9 || head[8] !== 0x7b) return /\.safetensors$/i.test(path);
    const len = head[0] + head[1] * 2 ** 8 + head[2] * 2 ** 16 + head[3] * 2 ** 24;
    return len > 1 && head[4] === 0 && head[5] === 0 && head[6] === 0 && head[7] === 0;
  },
  async load(input) {
    const file = readSafetensors(input.bytes);
    const stateDict: tf.NamedTensorMap = {};
    for (const t of file.tensors) stateDict[t.name] = tf.tensor(t.tensor.values, [...t.tensor.shape], t.tensor.dtype);
    const dtypes = [...new Set(file.tensors.map((t) => t.sourceDtype))].join(', ');
    const meta = Object.keys(file.metadata).length ? `, metadata ${JSON.stringify(file.metadata).slice(0, 80)}` : '';
    return stateDictSource('safetensors', input.path, `safetensors, ${file.tensors.length} tensors (${dtypes || 'none'})${meta}`, stateDict);
  },
  async save(source, path, options, progress) {
    const result = stateDictOf(source, options, progress);
    try {
      progress.step(`writing ${path}`);
      return { notConverted: result.notConverted, output: { kind: 'file', bytes: saveSafetensors(result.tensors), writer: 'io.saveSafetensors' } };
    } finally {
      result.dispose();
    }
  },
};
