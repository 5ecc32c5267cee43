/**
 * `--verify` for a written TF.js directory: loads its `model.json` with tfjs-layers' own
 * `tf.loadLayersModel`, as a web page does (tfjs-layers' `LSTM` / `Bidirectional` where the file
 * has them; lstm-bridge's classes, for layers that need them, are the ones registered in this
 * process), and compares its predictions with the source as `./verify` compares a result.
 *
 * The LSTM layers' initializers are replaced by zeros before loading: the loaded weights
 * overwrite them anyway, and tfjs' orthogonal initializer is slow and warns on big kernels.
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';

import { FileParseError } from '../errors';
import { Comparison } from './comparison';
import { modelSource } from './formats/keras';
import { tfjsOfInput } from './formats/tfjs-input';
import { FormatOptions, InputFile, Source } from './formats/types';
import { verifyConversion } from './verify';

type Json = Record<string, unknown>;

const ZEROS = { class_name: 'Zeros', config: {} };

/** A copy of a topology with every recurrent layer's initializers set to zeros (nested configs too). */
function zeroInitializers(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(zeroInitializers);
  if (value === null || typeof value !== 'object') return value;
  const out: Json = {};
  for (const [k, v] of Object.entries(value as Json)) out[k] = zeroInitializers(v);
  if ('recurrent_initializer' in out) Object.assign(out, { kernel_initializer: ZEROS, recurrent_initializer: ZEROS, bias_initializer: ZEROS }, 'unit_forget_bias' in out ? { unit_forget_bias: false } : {});
  return out;
}

/** The TF.js model `input` (a directory or its model.json) loaded by tfjs-layers from memory. */
async function loadPlain(input: InputFile): Promise<tfl.LayersModel> {
  const file = input.isDirectory ? `${input.path}/model.json` : input.path;
  const { json: parsed, shards } = tfjsOfInput(input);
  const json = parsed as { modelTopology?: unknown; weightsManifest?: { paths: string[]; weights: tf.io.WeightsManifestEntry[] }[] };
  if (!json.modelTopology || !Array.isArray(json.weightsManifest)) throw new FileParseError(`lstm-bridge: --verify: ${file} is not a TF.js layers model`);
  const weightSpecs = json.weightsManifest.flatMap((g) => g.weights);
  const weightData = tf.io.concatenateArrayBuffers(shards.map((b) => b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer));
  return tfl.loadLayersModel(tf.io.fromMemory({ modelTopology: zeroInitializers(json.modelTopology) as Json, weightSpecs, weightData }));
}

/** Loads the written directory `file` as tfjs does and compares it with `source` (see the module documentation). */
export async function verifyTfjsFile(file: InputFile, source: Source, options: FormatOptions): Promise<{ comparisons: Comparison[]; notes: string[] }> {
  const path = file.path;
  const model = await loadPlain(file);
  const plain = modelSource('tfjs', path, '', model, new Map());
  try {
    const comparisons = verifyConversion(source, plain, options).map((c) => ({ ...c, what: `tf.loadLayersModel (as a page loads it) on ${path}: ${c.what}` }));
    return { comparisons, notes: [] };
  } finally {
    plain.dispose();
  }
}
