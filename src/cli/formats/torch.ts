/**
 * PyTorch `.pt` / `.pth` state dicts (zip or legacy), read with `io.readTorch`, written with
 * `io.saveTorch`. Whole-model pickles need `--unknown-classes skip` (`unknownClasses: 'skip'`):
 * the classes it skipped are the source's notes.
 */
import * as tf from '@tensorflow/tfjs-core';

import { PickleSecurityError, TorchFile, readTorch, saveTorch } from '../../io';
import { stateDictOf } from './state-dict';
import { FormatModule, Source } from './types';

/** The pickle that opens a legacy (pre-1.6) `torch.save` file: protocol 2, then the magic number. */
const LEGACY_MAGIC = [0x80, 0x02, 0x8a, 0x0a, 0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19];

export function stateDictSource(format: string, path: string, summary: string, stateDict: tf.NamedTensorMap): Source {
  return { format, path, summary, stateDict, model: null, stored: new Map(), dispose: () => tf.dispose(Object.values(stateDict)) };
}

/** The library's advice in a refusal (`io/torch/options.ts`), in the CLI's words. */
const API_HINT = "pass { unknownClasses: 'skip' }";

function readTorchFile(bytes: Uint8Array, unknownClasses: 'refuse' | 'skip' | undefined): TorchFile {
  try {
    return readTorch(bytes, { unknownClasses });
  } catch (e) {
    if (e instanceof PickleSecurityError && e.message.includes(API_HINT)) {
      throw new PickleSecurityError(e.message.replace(API_HINT, 'pass --unknown-classes skip'), e.refused);
    }
    throw e;
  }
}

export const torchFormat: FormatModule = {
  name: 'torch',
  title: 'PyTorch state dict (.pt, .pth)',
  extensions: ['.pt', '.pth'],
  detect(path, head) {
    const legacy = LEGACY_MAGIC.every((b, k) => head[k] === b);
    const zip = head[0] === 0x50 && head[1] === 0x4b && /\.(pt|pth|bin|ckpt)$/i.test(path);
    return legacy || zip;
  },
  async load(input, options) {
    const file = readTorchFile(input.bytes, options.unknownClasses);
    const stateDict: tf.NamedTensorMap = {};
    for (const t of file.tensors) stateDict[t.name] = tf.tensor(t.tensor.values, [...t.tensor.shape], t.tensor.dtype);
    const where = [...new Set(file.tensors.map((t) => t.location))].join(', ') || 'cpu';
    const summary = `PyTorch state dict (${file.format === 'zip' ? 'zip archive' : 'legacy pre-1.6 format'}), ${file.tensors.length} tensors, saved on ${where}`;
    const source = stateDictSource('torch', input.path, summary, stateDict);
    if (file.skippedClasses.length === 0) return source;
    const notes = [`read as data, nothing run: skipped ${file.skippedClasses.length} unknown class${file.skippedClasses.length === 1 ? '' : 'es'}: ${file.skippedClasses.join(', ')}`];
    return { ...source, summary: `${summary} (a pickled object, read with --unknown-classes skip)`, notes };
  },
  async save(source, path, options, progress) {
    const result = stateDictOf(source, options, progress);
    try {
      progress.step(`writing ${path}`);
      return { notConverted: result.notConverted, output: { kind: 'file', bytes: saveTorch(result.tensors), writer: 'io.saveTorch' } };
    } finally {
      result.dispose();
    }
  },
};
