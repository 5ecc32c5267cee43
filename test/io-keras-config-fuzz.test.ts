/**
 * Fuzzing the model loaders' configuration handling (seeded, bounded): valid Keras and TF.js
 * model configs mutated at random paths — class names replaced (unknown classes, ops, our own
 * class names), numbers made huge / negative / fractional, keys dropped or added, values of the
 * wrong type, deep nesting and huge lists spliced in — must either load (a mutation can leave a
 * valid model) or end in an `LstmBridgeError` subclass: never a TypeError, a tfjs error, a hang
 * or an allocation past the caps, and never a leaked tensor. Crafted hostile configs are checked
 * one by one.
 */
import { LstmBridgeError } from '../src/errors';
import { KerasFormatError, KerasLayerError } from '../src/io/shared/errors';
import { KerasFile } from '../src/keras-model/keras-file';
import { loadKeras } from '../src/io/keras/load';
import { loadTfjsModel } from '../src/io/tfjs/load';
import { MODEL_FIXTURES, keras2WeightsOnly, tfKerasFunctionalGraph } from './helpers/keras-model-fixtures';
import { rng, tf } from './helpers/tf';

const MUTANTS_PER_MODEL = Number(process.env.IO_FUZZ_COUNT ?? 60);
const LIMITS = { limits: { maxTensorBytes: 16 << 20, maxTotalBytes: 64 << 20 } };

type J = null | boolean | number | string | J[] | { [k: string]: J };

/** Every path (list of keys) in a JSON value. */
function paths(v: J, prefix: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] {
  out.push(prefix);
  if (Array.isArray(v)) v.forEach((x, k) => paths(x, [...prefix, k], out));
  else if (v !== null && typeof v === 'object') for (const [k, x] of Object.entries(v)) paths(x, [...prefix, k], out);
  return out;
}

function deep(n: number): J {
  let d: J = 1;
  for (let k = 0; k < n; k++) d = [d];
  return d;
}

const STRINGS = ['GRU', 'Lambda', 'NotEqual', 'LstmBridge.LSTM', 'Bidirectional', 'InputLayer', '__keras_tensor__', '', 'x'.repeat(5000), 'hard_sigmoid', 'Sequential', 'float16'];
const NUMBERS = [1e12, -1, 2 ** 31, 0.5, 0, 1e308, 2 ** 53 + 2];

/** The k-th mutant of `config` (deterministic in `seed`). */
export function mutateJson(config: J, seed: number): { config: J; how: string } {
  const next = rng(seed);
  const pick = <T>(list: readonly T[]) => list[Math.floor(next() * list.length)];
  const copy = JSON.parse(JSON.stringify(config)) as J;
  const all = paths(copy).filter((p) => p.length > 0);
  const p = pick(all);
  const parent = p.slice(0, -1).reduce<J>((o, k) => (o as Record<string, J>)[k as string], copy) as Record<string, J>;
  const key = p[p.length - 1] as string;
  const old = parent[key];
  const kind = Math.floor(next() * 6);
  let how: string;
  if (kind === 0 || typeof old === 'string') {
    parent[key] = pick(STRINGS);
    how = 'string';
  } else if (kind === 1 || typeof old === 'number') {
    parent[key] = pick(NUMBERS);
    how = 'number';
  } else if (kind === 2 && !Array.isArray(parent)) {
    delete parent[key];
    how = 'delete';
  } else if (kind === 3) {
    parent[key] = pick<J>([null, true, 'tanh', [1, 2], { class_name: 'Zeros', config: {} }, {}]);
    how = 'retype';
  } else if (kind === 4) {
    parent[key] = pick<J>([deep(5000), new Array<J>(20000).fill(null), { ...((old as object) ?? {}), unknown_option: 3 }]);
    how = 'structure';
  } else {
    if (!Array.isArray(parent) && typeof old === 'object' && old !== null) (old as Record<string, J>).extra_key = 1;
    else parent[key] = { class_name: pick(STRINGS), config: { name: 'z', units: pick(NUMBERS) } };
    how = 'insert';
  }
  return { config: copy, how: `${how} at ${p.join('.')}` };
}

async function expectTypedOrLoads(load: () => Promise<{ dispose(): void }>, how: string): Promise<void> {
  const before = tf.memory().numTensors;
  try {
    const model = await load();
    model.dispose();
  } catch (e) {
    if (!(e instanceof LstmBridgeError)) throw new Error(`${how}: ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`);
  }
  if (tf.memory().numTensors !== before) throw new Error(`${how}: ${tf.memory().numTensors - before} tensors leaked`);
}

describe('fuzzing model configs (Keras files)', () => {
  it.each(Object.keys(MODEL_FIXTURES))('%s: every mutant loads or throws a typed error, leaking nothing', async (name) => {
    const fx = MODEL_FIXTURES[name]();
    const base = (fx.config ? JSON.parse(fx.config) : fx.file.modelConfig) as J;
    for (let k = 0; k < MUTANTS_PER_MODEL; k++) {
      const { config, how } = mutateJson(base, 1000 + k);
      const file: KerasFile = fx.config ? fx.file : { ...fx.file, modelConfig: config };
      await expectTypedOrLoads(() => loadKeras(file, { ...LIMITS, ...(fx.config ? { config: config as object } : {}) }), `${name} mutant ${k} (${how})`);
    }
  });
});

describe('fuzzing model topologies (TF.js model.json)', () => {
  it('every mutant of a converted Keras 3 topology loads or throws a typed error', async () => {
    const fx = tfKerasFunctionalGraph();
    const weights = fx.file.layers.flatMap((l) => l.weights);
    const bytes = new Uint8Array(Float32Array.from(weights.flatMap((w) => Array.from(w.tensor.values))).buffer);
    const manifest = [{ paths: ['w.bin'], weights: weights.map((w) => ({ name: w.name.replace(/:0$/, ''), shape: w.tensor.shape, dtype: 'float32' })) }];
    for (let k = 0; k < MUTANTS_PER_MODEL; k++) {
      const { config, how } = mutateJson(fx.file.modelConfig as J, 5000 + k);
      await expectTypedOrLoads(() => loadTfjsModel({ modelTopology: { keras_version: '2.2.4-tf', model_config: config }, weightsManifest: manifest }, [bytes], LIMITS), `tfjs mutant ${k} (${how})`);
    }
  });
});

describe('hostile configs, one by one', () => {
  const base = () => JSON.parse(keras2WeightsOnly().config!) as { class_name: string; config: { class_name: string; config: Record<string, J> }[] };
  const weights = keras2WeightsOnly();
  const load = (config: object) => loadKeras(weights.file, { ...LIMITS, config });

  it('huge units and input sizes hit the caps before anything is allocated', async () => {
    const c = base();
    c.config[0].config.units = 1e9;
    // The layer's own constructor cap (engine.setSizeLimits) refuses it before any weight exists.
    await expect(load(c)).rejects.toThrow(KerasLayerError);
    await expect(load(c)).rejects.toThrow(/units = 1000000000 give .* above the size limit maxWeights/);
    const d = base();
    d.config[0].config.batch_input_shape = [null, 5, 2 ** 30];
    await expect(load(d)).rejects.toThrow(/lstm_1.*a weight it would allocate/);
    const e = base();
    e.config[0].config.batch_input_shape = [null, 5, 1e15];
    await expect(load(e)).rejects.toThrow(KerasLayerError);
  });

  it('unknown classes, deep nesting, a huge layer list, a graph cycle, a dangling input', async () => {
    const c = base();
    c.config[1] = { class_name: 'Lambda', config: { name: 'lambda', function: 'os.system' } };
    await expect(load(c)).rejects.toThrow(/layer 'lambda' \(Lambda\): class Lambda is not supported/);
    await expect(load({ class_name: 'Sequential', config: [deep(10000)] })).rejects.toThrow(/nested deeper than 64/);
    await expect(load({ class_name: 'Sequential', config: new Array(20000).fill({ class_name: 'Dense', config: { name: 'd', units: 1 } }) })).rejects.toThrow(/more than 10000/);
    const node = (n: string) => [[[n, 0, 0, {}]]];
    const graph = (layers: object[]) => ({ class_name: 'Model', config: { name: 'g', layers, input_layers: [['in', 0, 0]], output_layers: [['b', 0, 0]] } });
    const input = { name: 'in', class_name: 'InputLayer', config: { name: 'in', batch_input_shape: [null, 3] }, inbound_nodes: [] };
    const dense = (name: string, from: string) => ({ name, class_name: 'Dense', config: { name, units: 2 }, inbound_nodes: node(from) });
    await expect(load(graph([input, dense('a', 'b'), dense('b', 'a')]))).rejects.toThrow(/layer 'a' node 0 needs 'b'/);
    await expect(load(graph([input, dense('b', 'nowhere')]))).rejects.toThrow(KerasFormatError);
    await expect(load({ class_name: 'Lambda', config: {} })).rejects.toThrow(/model class "Lambda" is not supported/);
  });
});
