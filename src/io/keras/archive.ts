/**
 * Reading Keras 3 `.keras` archives: a zip with `config.json` (the model), `metadata.json`
 * (`keras_version`, `date_saved`) and `model.weights.h5` (see `./keras3-layout`).
 */
import { KerasFormatError } from '../shared/errors';
import { openHdf5 } from '../hdf5/reader';
import { KerasFile } from '../../keras-model';
import { parseJson } from './h5';
import { keras3Layers } from './keras3-layout';
import { ReadOptions, resolveLimits } from '../shared/limits';
import { readZip } from '../shared/zip';

const WHERE = 'io.readKeras';

/**
 * Reads a `.keras` archive.
 * @throws ZipArchiveError, KerasFormatError, Hdf5FormatError, SizeLimitError
 */
export function readKerasArchive(bytes: Uint8Array, options: ReadOptions = {}): KerasFile {
  const limits = resolveLimits(options.limits);
  const entries = readZip(WHERE, bytes, limits);
  const text = (name: string): string | null => {
    const b = entries.get(name);
    if (!b) return null;
    try {
      return new TextDecoder('utf-8', { fatal: true }).decode(b);
    } catch {
      throw new KerasFormatError(`${WHERE}: ${name} is not valid UTF-8`);
    }
  };
  const config = parseJson(WHERE, 'config.json', text('config.json'), limits);
  if (config === null) throw new KerasFormatError(`${WHERE}: .keras archive has no config.json`);
  const metadata = parseJson(WHERE, 'metadata.json', text('metadata.json'), limits);
  const weightsBytes = entries.get('model.weights.h5');
  if (!weightsBytes) {
    const other = [...entries.keys()].find((n) => n.startsWith('model.weights.'));
    throw new KerasFormatError(`${WHERE}: .keras archive has no model.weights.h5${other ? ` (found ${other}, which is not supported)` : ''}`);
  }
  const root = openHdf5(`${WHERE}: model.weights.h5`, weightsBytes, limits);
  const layers = root.get('layers');
  const version = (metadata as { keras_version?: unknown } | null)?.keras_version;
  const compile = (config as { compile_config?: unknown }).compile_config;
  return {
    format: 'keras',
    kerasVersion: typeof version === 'string' ? version : null,
    backend: null,
    modelConfig: config,
    trainingConfig: compile ?? null,
    metadata,
    layers: layers && layers.kind === 'group' ? keras3Layers(`${WHERE}: model.weights.h5`, layers, config) : [],
  };
}
