/**
 * Error paths leak nothing: a table of typical bad calls across the facades (`nn`, `layers`),
 * the adapters and io — wrong shapes, bad state dicts, malformed files of each format, bad
 * options — each must throw its typed `LstmBridgeError` AND leave `tf.memory().numTensors`
 * unchanged, repeated, so that a tensor left behind by a failing call shows up as a growing count.
 */
import * as fs from 'fs';
import * as path from 'path';

import type * as tfl from '@tensorflow/tfjs-layers';
import { strToU8, zipSync } from 'fflate';

import { tf } from './helpers/tf';
import { adapters, io, layers, nn } from '../src';
import { writeKeras } from '../src/io/node';
import { ConfigError, FileParseError, LstmBridgeError, ShapeError, StateDictError } from '../src/errors';
import { PickleSecurityError, SizeLimitError } from '../src/io/shared/errors';
import { IO_FIXTURES } from './helpers/io-fixtures';

type ErrorClass = new (...args: never[]) => LstmBridgeError;
type Case = readonly [name: string, call: () => unknown, cls: ErrorClass];

/** Valid inputs the bad calls start from, built once (and disposed at the end). */
interface Fixture {
  readonly lstm: nn.LSTM;
  readonly cell: nn.LSTMCell;
  readonly x: tf.Tensor;
  readonly xWrong: tf.Tensor;
  readonly h0: tf.Tensor;
  readonly c0: tf.Tensor;
  readonly hWrong: tf.Tensor;
  readonly sd: Record<string, tf.Tensor>;
  readonly model: tfl.LayersModel;
  readonly torchBytes: Uint8Array;
  readonly safetensorsBytes: Uint8Array;
  readonly kerasH5: Uint8Array;
  readonly kerasZip: Uint8Array;
  readonly onnxBytes: Uint8Array;
  readonly tfjsJson: { modelTopology: unknown; weightsManifest: { paths: string[]; weights: unknown[] }[] };
  readonly tfjsShard: Uint8Array;
}

let fx: Fixture;

beforeAll(async () => {
  const lstm = new nn.LSTM(3, 4, { numLayers: 2 });
  const model = adapters.toKeras(lstm);
  const sd = lstm.stateDict();
  const { artifacts } = await io.tfjsModelArtifacts(model);
  fx = {
    lstm,
    cell: new nn.LSTMCell(3, 4),
    x: tf.zeros([5, 2, 3]),
    xWrong: tf.zeros([5, 2, 7]),
    h0: tf.zeros([2, 2, 4]),
    c0: tf.zeros([2, 2, 4]),
    hWrong: tf.zeros([1, 2, 4]),
    sd,
    model,
    torchBytes: io.saveTorch(sd),
    safetensorsBytes: io.saveSafetensors(sd),
    kerasH5: await writeKeras(io.kerasModelFile(model)),
    // A .keras archive (a zip) whose config names an LSTM but whose weights entry is not HDF5.
    kerasZip: zipSync({
      'metadata.json': strToU8(JSON.stringify({ keras_version: '3.3.3' })),
      'config.json': strToU8(JSON.stringify({ class_name: 'Sequential', config: { name: 's', layers: [{ class_name: 'LSTM', config: { name: 'lstm', units: 4 } }] } })),
      'model.weights.h5': new Uint8Array(64).fill(7),
    }),
    onnxBytes: io.saveOnnx(lstm),
    tfjsJson: {
      modelTopology: artifacts.modelTopology,
      weightsManifest: [{ paths: ['group1-shard1of1.bin'], weights: artifacts.weightSpecs ?? [] }],
    },
    tfjsShard: new Uint8Array(artifacts.weightData as ArrayBuffer),
  };
});

afterAll(() => {
  fx.lstm.dispose?.();
  fx.cell.dispose?.();
  fx.model.dispose();
  tf.dispose([fx.x, fx.xWrong, fx.h0, fx.c0, fx.hWrong]);
});

/** The bytes with `n` bytes cut off the end. */
const truncated = (bytes: Uint8Array, keep: number): Uint8Array => bytes.slice(0, Math.max(0, Math.floor(bytes.length * keep)));
/** The bytes with a run of them overwritten by 0xff at a relative position. */
function smashed(bytes: Uint8Array, at: number, length = 16): Uint8Array {
  const out = bytes.slice();
  const start = Math.floor(out.length * at);
  out.fill(0xff, start, Math.min(out.length, start + length));
  return out;
}

const cases: Case[] = [
  // nn facade: wrong shapes and kinds, bad options, bad state dicts.
  ['nn.LSTM forward, wrong input size', () => fx.lstm.forward(fx.xWrong), ShapeError],
  ['nn.LSTM forward, h0 of the wrong layer count', () => fx.lstm.forward(fx.x, [fx.hWrong, fx.c0]), ShapeError],
  ['nn.LSTM forward, null c0', () => fx.lstm.forward(fx.x, [fx.h0, null as never]), ShapeError],
  ['nn.LSTM forward, a plain array input', () => fx.lstm.forward([[[1, 2, 3]]] as never), ShapeError],
  ['nn.LSTM constructor, numLayers 0', () => new nn.LSTM(3, 4, { numLayers: 0 }), ConfigError],
  ['nn.LSTM constructor, dropout NaN', () => new nn.LSTM(3, 4, { dropout: NaN }), ConfigError],
  ['nn.LSTM constructor, unknown option', () => new nn.LSTM(3, 4, { bogus: 1 } as never), ConfigError],
  ['nn.LSTM constructor, weights past the size cap', () => new nn.LSTM(3, 1e6), ConfigError],
  ['nn.LSTM loadStateDict, a missing key', () => fx.lstm.loadStateDict({ weight_ih_l0: fx.sd.weight_ih_l0 }), StateDictError],
  ['nn.LSTM loadStateDict, a wrong shape', () => fx.lstm.loadStateDict({ ...fx.sd, weight_hh_l1: fx.sd.weight_ih_l0 }), LstmBridgeError],
  ['nn.LSTM loadStateDict, null', () => fx.lstm.loadStateDict(null as never), LstmBridgeError],
  ['nn.LSTM.fromStateDict, no LSTM keys', () => nn.LSTM.fromStateDict({ other: fx.sd.weight_ih_l0 }), StateDictError],
  ['nn.LSTMCell forward, wrong input size', () => fx.cell.forward(fx.xWrong), ShapeError],
  ['packPaddedSequence, a length past T', () => nn.utils.rnn.packPaddedSequence(fx.x, [9, 1]), ShapeError],
  ['packPaddedSequence, unsorted with enforceSorted', () => nn.utils.rnn.packPaddedSequence(fx.x, [1, 5]), LstmBridgeError],
  ['padSequence, sequences of different feature sizes', () => nn.utils.rnn.padSequence([fx.x, fx.xWrong]), ShapeError],
  // layers facade.
  ['layers.lstm, units 0', () => layers.lstm({ units: 0 }), ConfigError],
  ['layers.lstm, inputShape [-1, 3]', () => layers.lstm({ units: 2, inputShape: [-1, 3] }), ConfigError],
  ['layers.bidirectional, an unknown mergeMode', () => layers.bidirectional({ layer: layers.lstm({ units: 2 }), mergeMode: 'max' as never }), ConfigError],
  // adapters.
  ['adapters.convertLstmWeights, a wrong shape', () => adapters.convertLstmWeights({ weight_ih: fx.x, weight_hh: fx.x } as never, 'torch', 'keras'), ShapeError],
  ['adapters.convertLstmWeights, null', () => adapters.convertLstmWeights(null as never, 'torch', 'keras'), ConfigError],
  ['adapters.torchStateDictToStack, missing keys', () => adapters.torchStateDictToStack({ weight_ih_l0: fx.sd.weight_ih_l0 }), StateDictError],
  ['adapters.toTorch, not a Keras layer', () => adapters.toTorch({}), LstmBridgeError],
  ['adapters.toKeras, null', () => adapters.toKeras(null as never), LstmBridgeError],
  // io: malformed files of each format, and bad options.
  ['io.loadTorch, truncated', () => io.loadTorch(truncated(fx.torchBytes, 0.6)), FileParseError],
  ['io.loadTorch, a smashed zip directory', () => io.loadTorch(smashed(fx.torchBytes, 0.97)), FileParseError],
  ['io.loadTorch, a malicious pickle', () => io.loadTorch(new Uint8Array(fs.readFileSync(path.join(IO_FIXTURES, 'evil_reduce.pt')))), PickleSecurityError],
  ['io.loadTorch, a tensor past limits.maxTensorBytes', () => io.loadTorch(fx.torchBytes, { limits: { maxTensorBytes: 8 } }), SizeLimitError],
  ['io.loadTorch, an unknown limit', () => io.loadTorch(fx.torchBytes, { limits: { bogus: 1 } as never }), ConfigError],
  ['io.loadSafetensors, truncated', () => io.loadSafetensors(truncated(fx.safetensorsBytes, 0.9)), FileParseError],
  ['io.loadSafetensors, a smashed header', () => io.loadSafetensors(smashed(fx.safetensorsBytes, 0.02)), FileParseError],
  ['io.loadSafetensors, a tensor past the limits', () => io.loadSafetensors(fx.safetensorsBytes, { limits: { maxTensorBytes: 8 } }), SizeLimitError],
  ['io.loadKeras (.h5), truncated', () => io.loadKeras(truncated(fx.kerasH5, 0.5)), FileParseError],
  ['io.loadKeras (.h5), smashed', () => io.loadKeras(smashed(fx.kerasH5, 0.3, 64)), LstmBridgeError],
  ['io.loadKeras (.keras), truncated', () => io.loadKeras(truncated(fx.kerasZip, 0.7)), FileParseError],
  ['io.loadKeras (.keras), a weights entry that is not HDF5', () => io.loadKeras(fx.kerasZip), LstmBridgeError],
  ['io.loadKeras, a config that is not JSON', () => io.loadKeras(fx.kerasH5, { config: '{not json' }), LstmBridgeError],
  ['io.loadTfjsModel, a shard too short', () => io.loadTfjsModel(fx.tfjsJson, [truncated(fx.tfjsShard, 0.5)]), FileParseError],
  ['io.loadTfjsModel, no shards', () => io.loadTfjsModel(fx.tfjsJson, []), FileParseError],
  ['io.loadTfjsModel, null shards', () => io.loadTfjsModel(fx.tfjsJson, null as never), LstmBridgeError],
  ['io.loadTfjsModel, a manifest without weights', () => io.loadTfjsModel({ ...fx.tfjsJson, weightsManifest: [] }, [fx.tfjsShard]), LstmBridgeError],
  ['io.loadOnnx, truncated', () => io.loadOnnx(truncated(fx.onnxBytes, 0.5)), FileParseError],
  ['io.loadOnnx, random bytes', () => io.loadOnnx(new Uint8Array(256).map((_, k) => (k * 37 + 11) & 255)), FileParseError],
  ['io.saveTorch, a disposed tensor', () => { const t = tf.zeros([2]); t.dispose(); return io.saveTorch({ t }); }, LstmBridgeError],
  ['io.saveOnnx, an unknown option', () => io.saveOnnx(fx.lstm, { bogus: 1 } as never), ConfigError],
];

/** Runs a case `times` times; returns the error of the last run (or undefined) and the tensor count change. */
async function runCase(call: () => unknown, times: number): Promise<{ error: unknown; delta: number }> {
  const before = tf.memory().numTensors;
  let error: unknown;
  for (let k = 0; k < times; k++) {
    error = undefined;
    try {
      const r = call();
      if (r instanceof Promise) await r;
    } catch (e) {
      error = e;
    }
  }
  return { error, delta: tf.memory().numTensors - before };
}

describe('error paths: the typed error, and no tensor left behind', () => {
  it('the malformed files start from valid ones of each format', () => {
    expect(String.fromCharCode(fx.kerasZip[0], fx.kerasZip[1])).toBe('PK'); // .keras is a zip
    expect(Array.from(fx.kerasH5.slice(1, 4), (b) => String.fromCharCode(b)).join('')).toBe('HDF');
    expect(String.fromCharCode(fx.torchBytes[0], fx.torchBytes[1])).toBe('PK');
    expect(Object.keys(io.loadSafetensors(fx.safetensorsBytes))).toEqual(Object.keys(fx.sd));
  });

  it.each(cases)('%s', async (_name, call, cls) => {
    const { error, delta } = await runCase(call, 3);
    expect(error).toBeInstanceOf(cls);
    expect(delta).toBe(0);
  });
});
