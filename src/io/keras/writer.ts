/**
 * Writing a neutral {@link KerasFile} back to disk formats, in the layouts Keras itself writes
 * (see `../../keras-model/keras-file`). `saveKeras` (`../node.ts`) builds a `KerasFile` from a
 * model (`kerasModelFile`, `src/keras-model/model-file.ts`) and calls these; the tests use them to
 * make fixtures that follow the real files' layouts.
 *
 * - `format: 'h5'`: root attrs `keras_version`, `backend`, `model_config` (JSON), optional
 *   `training_config`; group `model_weights` with `layer_names`, `backend`, `keras_version`;
 *   each layer a group with `weight_names`, each weight at `<layer>/<weight name>`.
 * - `format: 'h5-weights'`: the same layer groups at the root, `layer_names` on the root.
 * - `format: 'weights-h5'` / `'keras'`: weights at `<layer.group>/<weight name>`
 *   (`layers/lstm/cell/vars/0`), an empty `vars` group for layers without weights; `'keras'`
 *   wraps it in a zip with `config.json` and `metadata.json`.
 *
 * Name lists are written as fixed-length byte strings (`|S<n>`, as Keras 1/2 write them) unless
 * `nameLists: 'vlen'` asks for variable-length strings (as Keras 3 writes them); an empty
 * `weight_names` is an empty float64 array, as h5py writes `[]`.
 */
import { zipSync } from 'fflate';

import { ConfigError } from '../../errors';
import { checkRecordArg } from '../../engine/internal';
import { H5AttrSpec, H5DatasetSpec, H5GroupSpec, writeHdf5 } from '../hdf5/writer';
import { KerasFile } from '../../keras-model';

/** Options of {@link writeKeras}. */
export interface WriteKerasOptions {
  /** How `layer_names`/`weight_names` are stored: `fixed` (Keras 1/2, default) or `vlen` (Keras 3). */
  readonly nameLists?: 'fixed' | 'vlen';
}

const WHERE = 'io.writeKeras';

function names(list: readonly string[], kind: 'fixed' | 'vlen'): H5AttrSpec {
  if (list.length === 0) return { float64: [] };
  return kind === 'fixed' ? { fixedLength: list } : list;
}

function json(v: unknown): string {
  return JSON.stringify(v);
}

/** The HDF5 tree of a Keras 1/2-style `.h5` (model or weights-only). */
function h5Tree(file: KerasFile, kind: 'fixed' | 'vlen'): H5GroupSpec {
  const layers: Record<string, H5GroupSpec> = {};
  for (const layer of file.layers) {
    if (layer.name in layers) throw new ConfigError(`${WHERE}: layer name ${layer.name} appears twice`);
    const children: Record<string, H5DatasetSpec> = {};
    for (const w of layer.weights) {
      if (w.name in children) throw new ConfigError(`${WHERE}: weight ${w.name} of layer ${layer.name} appears twice`);
      children[w.name] = { tensor: w.tensor };
    }
    layers[layer.name] = { attrs: { weight_names: names(layer.weights.map((w) => w.name), kind) }, children };
  }
  const version: Record<string, H5AttrSpec> = {};
  if (file.backend !== null) version.backend = file.backend;
  if (file.kerasVersion !== null) version.keras_version = file.kerasVersion;
  const layerNames = names(file.layers.map((l) => l.name), kind);
  if (file.format === 'h5-weights') {
    return { attrs: { layer_names: layerNames, ...version }, children: layers };
  }
  if (file.modelConfig === null || file.modelConfig === undefined) {
    throw new ConfigError(`${WHERE}: an h5 model file needs modelConfig (use format 'h5-weights' for weights only)`);
  }
  const rootAttrs: Record<string, H5AttrSpec> = { ...version, model_config: json(file.modelConfig) };
  if (file.trainingConfig !== null && file.trainingConfig !== undefined) rootAttrs.training_config = json(file.trainingConfig);
  return { attrs: rootAttrs, children: { model_weights: { attrs: { layer_names: layerNames, ...version }, children: layers } } };
}

/** The HDF5 tree of Keras 3 weights (`model.weights.h5`, `.weights.h5`). */
function keras3Tree(file: KerasFile): H5GroupSpec {
  const children: Record<string, H5GroupSpec | H5DatasetSpec> = {};
  for (const layer of file.layers) {
    const group = layer.group.replace(/^\/+/, '');
    if (!/^layers\/[^/]+$/.test(group)) {
      throw new ConfigError(`${WHERE}: layer ${layer.name} group expected 'layers/<name>', got '${layer.group}'`);
    }
    if (layer.weights.length === 0) children[`${group}/vars`] = {};
    for (const w of layer.weights) children[`${group}/${w.name}`] = { tensor: w.tensor };
  }
  children.vars = {};
  return { children };
}

/**
 * Writes `file` in its `format` and returns the bytes (an HDF5 file, or a zip for `'keras'`).
 * @throws ConfigError when the description does not fit the format.
 */
export async function writeKeras(file: KerasFile, options: WriteKerasOptions = {}): Promise<Uint8Array> {
  checkRecordArg(file, 'file', WHERE);
  checkRecordArg(options, 'options', WHERE, true);
  const kind = (options ?? {}).nameLists ?? 'fixed';
  if (kind !== 'fixed' && kind !== 'vlen') throw new ConfigError(`${WHERE}: nameLists expected 'fixed' or 'vlen', got '${String(kind)}'`);
  switch (file.format) {
    case 'h5':
    case 'h5-weights':
      return writeHdf5(h5Tree(file, kind));
    case 'weights-h5':
      return writeHdf5(keras3Tree(file));
    case 'keras': {
      const weights = await writeHdf5(keras3Tree(file));
      const enc = new TextEncoder();
      const metadata = file.metadata ?? { keras_version: file.kerasVersion ?? '3', date_saved: '' };
      const mtime = new Date(1980, 0, 1);
      return zipSync({
        'metadata.json': [enc.encode(json(metadata)), { mtime }],
        'config.json': [enc.encode(json(file.modelConfig)), { mtime }],
        'model.weights.h5': [weights, { mtime, level: 0 }],
      });
    }
    default:
      throw new ConfigError(`${WHERE}: format expected 'h5', 'h5-weights', 'weights-h5' or 'keras', got '${String((file as KerasFile).format)}'`);
  }
}
