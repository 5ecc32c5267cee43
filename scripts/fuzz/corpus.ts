/**
 * The seeds of `npm run test:fuzz`: valid files of every format the library reads, made from
 * the project's own fixtures and writers, plus hostile pickles whose payload would leave a
 * marker file if anything ever executed it.
 *
 * A seed is a format (which loader runs it) and its bytes; a tfjs seed is a model.json text
 * and one shard, mutated one part at a time.
 */
import * as fs from 'fs';
import * as path from 'path';

import { zipSync } from 'fflate';

import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';

import { saveOnnx, saveSafetensors, saveTorch } from '../../src/io';
import { writeKeras } from '../../src/io/keras/writer';
import { layers, nn } from '../../src/index';
import { MODEL_FIXTURES } from '../../test/helpers/keras-model-fixtures';

/** Which loader a seed goes through. */
export type FuzzFormat = 'torch' | 'safetensors' | 'keras' | 'tfjs-json' | 'tfjs-shard' | 'onnx';

export interface Seed {
  readonly name: string;
  readonly format: FuzzFormat;
  readonly bytes: Uint8Array;
  /** tfjs seeds: the other half of the pair (the shard for a model.json, and back). */
  readonly companion?: Uint8Array;
  /** What the seed itself must give: `ok` (the default) or a typed error's class name. */
  readonly expect?: string;
}

const ROOT = path.resolve(__dirname, '..', '..');
const IO_FIXTURES = path.join(ROOT, 'test', 'fixtures', 'io');
const ONNX_FIXTURES = path.join(ROOT, 'test', 'fixtures', 'onnx');
const utf8 = new TextEncoder();

function file(dir: string, name: string): Uint8Array {
  return new Uint8Array(fs.readFileSync(path.join(dir, name)));
}

/**
 * Pickles that would run a shell command (`posix.system`, `os.system`, `builtins.eval`,
 * `subprocess.call`) creating `marker`, as zip-form `.pt` files. The reader must refuse them;
 * if anything ever ran them, the marker would exist after the run.
 */
export function hostilePickles(marker: string): Seed[] {
  const cmd = `touch ${marker}`;
  const unicode = (s: string) => {
    const b = utf8.encode(s);
    return [0x58, b.length & 0xff, (b.length >> 8) & 0xff, 0, 0, ...b]; // BINUNICODE
  };
  const call = (module: string, name: string, arg: number[]) =>
    Uint8Array.from([0x80, 0x02, 0x63, ...utf8.encode(`${module}\n${name}\n`), ...arg, 0x85, 0x52, 0x2e]); // PROTO 2, GLOBAL, arg, TUPLE1, REDUCE, STOP
  const pickles: [string, Uint8Array][] = [
    ['posix.system', call('posix', 'system', unicode(cmd))],
    ['os.system', call('os', 'system', unicode(cmd))],
    ['builtins.eval', call('builtins', 'eval', unicode(`__import__('os').system('${cmd}')`))],
    ['subprocess.call', call('subprocess', 'call', unicode(cmd))],
  ];
  return pickles.map(([name, pkl]) => ({
    name: `hostile ${name}`,
    format: 'torch' as const,
    expect: 'PickleSecurityError',
    bytes: zipSync({ 'archive/data.pkl': pkl, 'archive/version': utf8.encode('3\n') }, { level: 0 }),
  }));
}

async function tfjsPair(): Promise<[Uint8Array, Uint8Array]> {
  const model = tfl.sequential({
    layers: [layers.lstm({ units: 3, returnSequences: true, inputShape: [4, 2] }), tfl.layers.dense({ units: 2 })],
  });
  let artifacts: tf.io.ModelArtifacts | null = null;
  await model.save(tf.io.withSaveHandler(async (a) => {
    artifacts = a;
    return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
  }));
  model.dispose();
  const a = artifacts as unknown as tf.io.ModelArtifacts;
  const json = { format: 'layers-model', modelTopology: a.modelTopology, weightsManifest: [{ paths: ['group1-shard1of1.bin'], weights: a.weightSpecs }] };
  return [utf8.encode(JSON.stringify(json)), new Uint8Array(a.weightData as ArrayBuffer)];
}

/** Every seed; `marker` is the file the hostile pickles would create. */
export async function buildCorpus(marker: string): Promise<Seed[]> {
  const seeds: Seed[] = [];
  for (const name of ['lstm_bidir_2layer.pt', 'lstm_bidir_2layer_legacy.pt', 'dtypes_legacy.pt', 'shared_storage.pt', 'checkpoint.pt']) {
    seeds.push({ name, format: 'torch', bytes: file(IO_FIXTURES, name) });
  }
  // A whole-module pickle names classes outside the allow-list: refused, and so are its mutants.
  seeds.push({ name: 'whole_module.pt', format: 'torch', bytes: file(IO_FIXTURES, 'whole_module.pt'), expect: 'PickleSecurityError' });
  const lstm = new nn.LSTM(3, 4, { numLayers: 2, bidirectional: true });
  const sd = lstm.stateDict();
  seeds.push({ name: 'saveTorch of nn.LSTM', format: 'torch', bytes: saveTorch(sd) });
  seeds.push({ name: 'saveSafetensors of nn.LSTM', format: 'safetensors', bytes: saveSafetensors(sd) });
  seeds.push({ name: 'tensors.safetensors', format: 'safetensors', bytes: file(IO_FIXTURES, 'tensors.safetensors') });
  seeds.push({ name: 'saveOnnx of nn.LSTM', format: 'onnx', bytes: saveOnnx(lstm) });
  lstm.dispose();
  seeds.push({ name: 'torch_lstm_2l_bi.onnx', format: 'onnx', bytes: file(ONNX_FIXTURES, 'torch_lstm_2l_bi.onnx') });
  for (const [name, make] of Object.entries(MODEL_FIXTURES)) {
    const fixture = make();
    if (fixture.config !== undefined) continue; // weights-only files need their config beside them
    seeds.push({ name: `Keras ${name}`, format: 'keras', bytes: await writeKeras(fixture.file, { nameLists: fixture.nameLists ?? 'fixed' }) });
  }
  const [json, shard] = await tfjsPair();
  seeds.push({ name: 'model.json', format: 'tfjs-json', bytes: json, companion: shard });
  seeds.push({ name: 'model.json shard', format: 'tfjs-shard', bytes: shard, companion: json });
  seeds.push(...hostilePickles(marker));
  return seeds;
}
