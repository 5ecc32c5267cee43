/** Keras `.h5` / `.keras` / `.weights.h5` files, read with `io.loadKeras`; written as Keras 2 `.h5` with `io.saveKeras`. */
import * as tfl from '@tensorflow/tfjs-layers';

import { ConfigError } from '../../errors';
import { KerasFile, KerasFormatError, kerasModelFile, loadKeras, readKeras, writeKeras } from '../../io/internal';
import { StoredConvention } from '../describe';
import { modelOf } from './state-dict';
import { FormatModule, Source } from './types';

const HDF5 = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];

/** How a Keras file stores each recurrent layer (CuDNNLSTM, Keras 1 arrays, or Keras' own). */
export function storedConventions(file: KerasFile): Map<string, StoredConvention> {
  const out = new Map<string, StoredConvention>();
  for (const l of file.layers) {
    if (l.className === 'CuDNNLSTM') out.set(l.name, 'cudnn');
    else if (l.weights.some((w) => /(^|_)[WUb](_[icfo])?(:\d+)?$/.test(w.name))) out.set(l.name, 'keras1');
    else out.set(l.name, 'keras');
  }
  return out;
}

export function modelSource(format: string, path: string, summary: string, model: tfl.LayersModel, stored: Map<string, StoredConvention>): Source {
  return { format, path, summary, stateDict: null, model, stored, dispose: () => model.dispose() };
}

const KINDS: Record<KerasFile['format'], string> = {
  h5: '.h5 model',
  'h5-weights': '.h5 weights only (save_weights)',
  'weights-h5': 'Keras 3 .weights.h5 weights only',
  keras: '.keras archive',
};

export const kerasFormat: FormatModule = {
  name: 'keras',
  title: 'Keras model (.h5, .keras; writes Keras 2 .h5)',
  extensions: ['.h5', '.keras'],
  detect(path, head) {
    const hdf5 = HDF5.every((b, k) => head[k] === b);
    const zip = head[0] === 0x50 && head[1] === 0x4b && /\.keras$/i.test(path);
    return hdf5 || zip;
  },
  async load(input, options) {
    const path = input.path;
    const file = readKeras(input.bytes);
    const config = options.config?.text ?? undefined;
    if (options.config !== undefined && config === undefined) throw new ConfigError(`lstm-bridge: --config ${options.config.path}: no such file`);
    if (config === undefined && (file.modelConfig === null || file.modelConfig === undefined)) {
      throw new KerasFormatError(
        `lstm-bridge: ${path}: the file holds weights only (Keras ${KINDS[file.format]}); pass its architecture with --config FILE, a JSON file of the model's model.to_json()`,
      );
    }
    const model = await loadKeras(file, config ? { config } : {});
    const mc = (config ? JSON.parse(config) : file.modelConfig) as { class_name?: string };
    const summary = `Keras ${file.kerasVersion ?? '(version not recorded)'} ${KINDS[file.format]} (${mc?.class_name ?? '?'}, ${model.layers.length} layer${model.layers.length === 1 ? '' : 's'})${file.backend ? `, backend ${file.backend}` : ''}`;
    return modelSource('keras', path, summary, model, storedConventions(file));
  },
  async save(source, path, options, progress) {
    if (!/\.h5$/i.test(path)) throw new ConfigError(`lstm-bridge: Keras output is written as Keras 2 .h5; name the output *.h5, got ${path}`);
    const { model, notConverted, owned } = modelOf(source, options, progress);
    try {
      progress.step(`writing ${path}`);
      return { notConverted, output: { kind: 'file', bytes: await writeKeras(kerasModelFile(model)), writer: 'io.saveKeras' } };
    } finally {
      if (owned) model.dispose();
    }
  },
};
