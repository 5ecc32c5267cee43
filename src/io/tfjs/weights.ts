/**
 * Reading a TF.js layers model (`model.json` + `.bin` shards) into plain named tensors, with the
 * topology left as parsed JSON. The layer above (`loadTfjs`) builds the model from it.
 *
 * `model.json`: `{format, generatedBy, convertedBy, modelTopology, weightsManifest: [{paths,
 * weights: [{name, shape, dtype, quantization?}]}]}`. Weights are stored back to back, in
 * manifest order, across the groups' shards concatenated in `paths` order. Checks: the manifest's
 * structure, shard paths (relative, no `..`), dtypes (float32, int32, bool; quantized uint8 /
 * uint16 with scale and min, or float16), shapes, and that the shards hold exactly the bytes the
 * manifest declares.
 */
import { ConfigError } from '../../errors';
import { checkRecordArg, describeValue } from '../../engine/internal';
import { TfjsFormatError } from '../shared/errors';
import { showValue } from '../shared/show';
import { ELEMENT_SIZE, FileDtype, RawTensor, checkedNumel, gatherElements } from '../shared/dtypes';
import { ReadOptions, checkLimit, resolveLimits } from '../shared/limits';
import { checkEntryName } from '../shared/zip';

/** One weight of a TF.js model. */
export interface TfjsWeight {
  readonly name: string;
  readonly tensor: RawTensor;
}

/** What {@link readTfjsWeights} returns. */
export interface TfjsModelFile {
  readonly format: string | null;
  readonly generatedBy: string | null;
  readonly convertedBy: string | null;
  /** The parsed `modelTopology` (a Keras model config). */
  readonly modelTopology: unknown;
  /** Weights in manifest order. */
  readonly weights: readonly TfjsWeight[];
}

const WHERE = 'io.readTfjs';

function fail(msg: string): never {
  throw new TfjsFormatError(`${WHERE}: ${msg}`);
}

interface Entry {
  name: string;
  shape: number[];
  dtype: string;
  quantization?: { dtype?: string; scale?: number; min?: number };
}

/** The shard paths of a `model.json`, in order, checked to be safe relative paths. */
export function tfjsShardPaths(modelJson: unknown): string[] {
  const manifest = (modelJson as { weightsManifest?: unknown } | null)?.weightsManifest;
  if (!Array.isArray(manifest)) fail('model.json expected a weightsManifest array');
  const paths: string[] = [];
  for (const group of manifest as unknown[]) {
    const p = (group as { paths?: unknown } | null)?.paths;
    if (!Array.isArray(p) || !p.every((x) => typeof x === 'string')) fail('weightsManifest group expected paths: string[]');
    for (const path of p as string[]) {
      checkEntryName(WHERE, path, TfjsFormatError);
      paths.push(path);
    }
  }
  return paths;
}

/**
 * Reads the weights of a TF.js model.
 * @param modelJson the parsed `model.json` (or its text).
 * @param shards the bytes of each path of {@link tfjsShardPaths}, in that order.
 */
export function readTfjsWeights(modelJson: unknown, shards: readonly Uint8Array[], options: ReadOptions = {}): TfjsModelFile {
  checkRecordArg(options, 'options', 'io.readTfjsWeights', true);
  const limits = resolveLimits((options ?? {}).limits);
  let json = modelJson;
  if (typeof json === 'string') {
    checkLimit(WHERE, 'model.json size', json.length, limits, 'maxHeaderBytes');
    try {
      json = JSON.parse(json);
    } catch (e) {
      fail(`model.json is not valid JSON (${e instanceof Error ? e.message : String(e)})`);
    }
  }
  if (!Array.isArray(shards) || !shards.every((b) => b instanceof Uint8Array)) {
    throw new ConfigError(`${WHERE}: shards expected an array of Uint8Arrays (one per manifest path), got ${describeValue(shards)}`);
  }
  const paths = tfjsShardPaths(json);
  if (shards.length !== paths.length) fail(`expected ${paths.length} shards (${paths.join(', ')}), got ${shards.length}`);
  const total = shards.reduce((a, s) => a + s.length, 0);
  checkLimit(WHERE, 'total shard bytes', total, limits, 'maxTotalBytes');
  const data = new Uint8Array(total);
  let at = 0;
  for (const s of shards) {
    data.set(s, at);
    at += s.length;
  }
  const entries: Entry[] = [];
  for (const group of (json as { weightsManifest: { weights?: unknown }[] }).weightsManifest) {
    if (!Array.isArray(group.weights)) fail('weightsManifest group expected weights: []');
    entries.push(...(group.weights as Entry[]));
  }
  checkLimit(WHERE, 'number of weights', entries.length, limits, 'maxTensors');
  const weights: TfjsWeight[] = [];
  let offset = 0;
  for (const e of entries) {
    if (!e || typeof e.name !== 'string' || !Array.isArray(e.shape)) fail(`weight entry expected {name, shape, dtype}, got ${showValue(e, 100)}`);
    const where = `${WHERE}: weight ${e.name}`;
    const numel = checkedNumel(where, e.shape, limits, TfjsFormatError);
    const q = e.quantization;
    let stored: FileDtype;
    if (q) {
      if (q.dtype === 'uint8' || q.dtype === 'uint16') {
        if (typeof q.scale !== 'number' || typeof q.min !== 'number') fail(`${e.name}: quantization expected scale and min`);
        stored = q.dtype === 'uint8' ? 'uint8' : 'int16';
      } else if (q.dtype === 'float16') {
        stored = 'float16';
      } else {
        fail(`${e.name}: quantization dtype ${showValue(q.dtype)} is not supported (uint8, uint16, float16)`);
      }
      if (e.dtype !== 'float32') fail(`${e.name}: quantized weights expected dtype float32, got ${showValue(e.dtype)}`);
    } else if (e.dtype === 'float32' || e.dtype === 'int32' || e.dtype === 'bool') {
      stored = e.dtype;
    } else {
      fail(`${e.name}: dtype ${showValue(e.dtype)} is not supported (float32, int32, bool)`);
    }
    const size = ELEMENT_SIZE[stored];
    const nbytes = numel * size;
    if (offset + nbytes > data.length) fail(`${e.name} needs bytes ${offset}..${offset + nbytes}, the shards hold ${data.length}`);
    const bytes = data.subarray(offset, offset + nbytes);
    offset += nbytes;
    let tensor: RawTensor;
    if (q?.dtype === 'uint8' || q?.dtype === 'uint16') {
      const values = new Float32Array(numel);
      const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      for (let k = 0; k < numel; k++) values[k] = (q.dtype === 'uint8' ? bytes[k] : dv.getUint16(2 * k, true)) * q.scale! + q.min!;
      tensor = { dtype: 'float32', shape: [...e.shape], values };
    } else {
      tensor = gatherElements(where, bytes, stored, { shape: e.shape }, true, limits, TfjsFormatError);
    }
    weights.push({ name: e.name, tensor });
  }
  if (offset !== data.length) fail(`the manifest declares ${offset} bytes, the shards hold ${data.length}`);
  const j = json as Record<string, unknown>;
  const str = (k: string) => (typeof j[k] === 'string' ? (j[k] as string) : null);
  return { format: str('format'), generatedBy: str('generatedBy'), convertedBy: str('convertedBy'), modelTopology: j.modelTopology ?? null, weights };
}
