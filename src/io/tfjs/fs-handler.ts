/**
 * A Node file-system `IOHandler` for `model.save()` and `tf.loadLayersModel()`.
 *
 * `file://` URLs work only with `@tensorflow/tfjs-node`; this handler does the same job with
 * `node:fs` and nothing else, writing tfjs' own layout:
 *
 * - `<dir>/model.json`: `{modelTopology, format, generatedBy, convertedBy, weightsManifest,
 *   trainingConfig?, userDefinedMetadata?}` with one manifest group `paths: ['weights.bin']`;
 * - `<dir>/weights.bin`: the weights, concatenated in manifest order.
 *
 * Loading reads `model.json` (a path to it, or to its directory) and the shards its manifest
 * names. Shard paths must stay inside the model's directory (no absolute paths, no `..`), and
 * their sizes must match the manifest; anything else is a `FileParseError`. Nothing in a file is
 * executed.
 *
 * Example:
 * ```ts
 * await model.save(fileSystem('/tmp/my-model'));
 * const loaded = await tf.loadLayersModel(fileSystem('/tmp/my-model/model.json'));
 * ```
 */
import { promises as fs } from 'node:fs';
import * as nodePath from 'node:path';

import * as tf from '@tensorflow/tfjs-core';

import { ConfigError, FileParseError } from '../../errors';
import { describeValue } from '../../engine/internal';
import { fsCallAsync } from '../node-files';
import { TFJS_MODEL_FILE, TFJS_WEIGHTS_FILE, tfjsFiles } from './files';


const DTYPE_BYTES: Record<string, number> = { float32: 4, int32: 4, bool: 1, complex64: 8 };

function modelJsonPath(path: string): { dir: string; file: string } {
  if (path.toLowerCase().endsWith('.json')) return { dir: nodePath.dirname(path), file: path };
  return { dir: path, file: nodePath.join(path, TFJS_MODEL_FILE) };
}

/** Bytes a weight spec occupies, or null when it cannot be known up front (strings). */
function specBytes(spec: tf.io.WeightsManifestEntry): number | null {
  const count = spec.shape.reduce((a, b) => a * b, 1);
  const dtype = spec.quantization?.dtype ?? spec.dtype;
  const bytes = DTYPE_BYTES[dtype] ?? (dtype === 'uint8' ? 1 : dtype === 'uint16' || dtype === 'float16' ? 2 : null);
  return bytes === null ? null : count * bytes;
}

function parseModelJson(text: string, file: string): tf.io.ModelJSON {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new FileParseError(`io.fileSystem: ${file} is not valid JSON (${(err as Error).message})`);
  }
  const obj = json as Partial<tf.io.ModelJSON> | null;
  if (!obj || typeof obj !== 'object' || typeof obj.modelTopology !== 'object' || obj.modelTopology === null) {
    throw new FileParseError(`io.fileSystem: ${file} expected an object with modelTopology, got ${typeof json}`);
  }
  const manifest = obj.weightsManifest ?? [];
  if (!Array.isArray(manifest)) throw new FileParseError(`io.fileSystem: ${file} weightsManifest expected an array`);
  for (const [k, group] of manifest.entries()) {
    if (!group || !Array.isArray(group.paths) || !Array.isArray(group.weights) || group.paths.some((p) => typeof p !== 'string')) {
      throw new FileParseError(`io.fileSystem: ${file} weightsManifest[${k}] expected {paths: string[], weights: []}`);
    }
  }
  return obj as tf.io.ModelJSON;
}

/** Resolves a shard path inside `dir`. @throws FileParseError for absolute or escaping paths. */
function shardPath(dir: string, relative: string, file: string): string {
  if (nodePath.isAbsolute(relative) || relative.split(/[\\/]/).includes('..')) {
    throw new FileParseError(`io.fileSystem: ${file} names a weights file outside its directory: ${JSON.stringify(relative)}`);
  }
  return nodePath.join(dir, relative);
}

async function readWeights(dir: string, file: string, manifest: tf.io.WeightsManifestConfig): Promise<[tf.io.WeightsManifestEntry[], ArrayBuffer]> {
  const specs: tf.io.WeightsManifestEntry[] = [];
  const buffers: ArrayBuffer[] = [];
  for (const group of manifest) {
    let groupBytes = 0;
    for (const relative of group.paths) {
      const shard = shardPath(dir, relative, file);
      const data = await fsCallAsync('io.fileSystem', 'read', shard, () => fs.readFile(shard), `a weights shard named by ${file}`);
      groupBytes += data.byteLength;
      buffers.push(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength) as ArrayBuffer);
    }
    const sizes = group.weights.map(specBytes);
    if (sizes.every((s): s is number => s !== null)) {
      const expected = sizes.reduce((a, b) => a + b, 0);
      if (expected !== groupBytes) {
        throw new FileParseError(
          `io.fileSystem: ${file} weights ${group.paths.join(', ')} expected ${expected} bytes, got ${groupBytes}`,
        );
      }
    }
    specs.push(...group.weights);
  }
  return [specs, tf.io.concatenateArrayBuffers(buffers)];
}

/**
 * An IOHandler that saves to / loads from the local file system.
 * @param path a directory (saving writes `model.json` and `weights.bin` into it) or a path to a
 *   `.json` model file (its weights go to `weights.bin` beside it).
 */
export function fileSystem(path: string): tf.io.IOHandler {
  if (typeof path !== 'string' || path === '') throw new ConfigError(`io.fileSystem: path expected a non-empty string, got ${describeValue(path)}`);
  const { dir, file } = modelJsonPath(path);
  return {
    async save(artifacts: tf.io.ModelArtifacts): Promise<tf.io.SaveResult> {
      const { modelJson, weights } = tfjsFiles(artifacts, 'io.fileSystem');
      await fsCallAsync('io.fileSystem', 'create', dir, () => fs.mkdir(dir, { recursive: true }));
      const weightsFile = nodePath.join(dir, TFJS_WEIGHTS_FILE);
      await fsCallAsync('io.fileSystem', 'write', weightsFile, () => fs.writeFile(weightsFile, weights));
      await fsCallAsync('io.fileSystem', 'write', file, () => fs.writeFile(file, modelJson));
      return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) };
    },

    async load(): Promise<tf.io.ModelArtifacts> {
      const text = await fsCallAsync('io.fileSystem', 'read', file, () => fs.readFile(file, 'utf8'));
      const modelJson = parseModelJson(text, file);
      return tf.io.getModelArtifactsForJSON(modelJson, (manifest) => readWeights(dir, file, manifest));
    },
  };
}
