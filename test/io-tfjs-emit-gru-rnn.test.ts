/**
 * `saveTfjs`'s `emit` for the one-state kinds (src/io/tfjs/emit.ts): `layers.gru({resetAfter:
 * false})` and `layers.simpleRNN` (and `Bidirectional` of them) are written as tfjs-layers' own
 * `GRU` / `SimpleRNN` / `Bidirectional`, with tfjs-layers' config keys and weight names, and
 * tfjs-layers computes what lstm-bridge computes (within 1e-6); a GRU with `resetAfter: true`
 * cannot be plain (tfjs-layers' GRUCell refuses reset_after=true): `'tfjs-layers'` refuses it,
 * `'auto'` keeps lstm-bridge's class and says why. Loaded here by tfjs-layers' deserializer (the
 * written classes are tfjs-layers' own names, not lstm-bridge's); the separate-process proof (no
 * lstm-bridge import at all) is `io-tfjs-plain.test.ts`.
 */
import * as tfl from '@tensorflow/tfjs-layers';

import { toKeras } from '../adapters';
import { UnsupportedConversionError } from '../src/errors';
import { tfjsModelArtifacts } from '../src/io';
import { bidirectional, gru, simpleRNN } from '../src/layers';
import { RNN as TorchRNN } from '../src/nn';
import { randomizeWeights as randomize } from './helpers/layers';
import { maxAbsDiff, randomTensor, tf } from './helpers/tf';

type Entry = { class_name: string; config: Record<string, unknown> & { layer?: Entry } };

function entries(artifacts: tf.io.ModelArtifacts): Entry[] {
  return (artifacts.modelTopology as { config: { layers: Entry[] } }).config.layers;
}

/** `model` and its artifacts loaded back by tfjs-layers predict the same on `inputs` (max abs difference returned). */
async function roundTrip(model: tfl.LayersModel, inputs: tf.Tensor | tf.Tensor[], emit: 'auto' | 'tfjs-layers' = 'auto') {
  const { artifacts, report } = await tfjsModelArtifacts(model, { emit });
  const loaded = await tfl.loadLayersModel(tf.io.fromMemory(artifacts));
  const ours = [model.predict(inputs)].flat() as tf.Tensor[];
  const theirs = [loaded.predict(inputs)].flat() as tf.Tensor[];
  const diff = Math.max(...ours.map((o, k) => maxAbsDiff(o, theirs[k])));
  const shapesEqual = ours.every((o, k) => JSON.stringify(o.shape) === JSON.stringify(theirs[k].shape));
  const classes = loaded.layers.map((l) => l.getClassName());
  const weightNames = loaded.weights.map((w) => w.originalName);
  tf.dispose([...ours, ...theirs]);
  loaded.dispose();
  return { artifacts, report, diff, shapesEqual, classes, weightNames, json: JSON.stringify(artifacts.modelTopology) };
}

const ACTIVATIONS = ['tanh', 'sigmoid', 'hardSigmoid', 'relu', 'relu6', 'elu', 'selu', 'softplus', 'softsign', 'swish', 'linear'] as const;

describe("emit auto / 'tfjs-layers': GRU (resetAfter false) and SimpleRNN become tfjs-layers' own classes", () => {
  it.each(ACTIVATIONS)('activation %s (GRU: also as recurrentActivation), GRU, SimpleRNN and Bidirectional of both, within 1e-6', async (a) => {
    const model = tfl.sequential({
      layers: [
        bidirectional({ layer: gru({ units: 4, resetAfter: false, activation: a, returnSequences: true }), inputShape: [6, 3] }),
        gru({ units: 5, resetAfter: false, recurrentActivation: a, returnSequences: true }),
        simpleRNN({ units: 3, activation: a, returnSequences: true }),
        bidirectional({ layer: simpleRNN({ units: 2, activation: a }), mergeMode: 'sum' }),
        tfl.layers.dense({ units: 2 }),
      ],
    });
    randomize(model, 17);
    const x = randomTensor([2, 6, 3], 5, 2);
    try {
      for (const emit of ['auto', 'tfjs-layers'] as const) {
        const r = await roundTrip(model, x, emit);
        expect(r.report.needsLstmBridge).toBe(false);
        expect(r.report.layers.map((l) => [l.className, l.reason])).toEqual([
          ['Bidirectional', null], ['GRU', null], ['SimpleRNN', null], ['Bidirectional', null],
        ]);
        expect(r.json).not.toMatch(/LstmBridge/);
        expect(r.classes).toEqual(['Bidirectional', 'GRU', 'SimpleRNN', 'Bidirectional', 'Dense']);
        expect(r.shapesEqual).toBe(true);
        expect(r.diff).toBeLessThanOrEqual(1e-6);
      }
    } finally {
      model.dispose();
      x.dispose();
    }
  });

  it('nn.RNN (tanh, relu) through adapters.toKeras with returnState and initial-state inputs; goBackwards; merge modes; no bias', async () => {
    for (const nonlinearity of ['tanh', 'relu'] as const) {
      const torch = new TorchRNN(3, 4, { numLayers: 2, bidirectional: true, nonlinearity });
      const model = toKeras(torch, { returnState: true, initialStateInputs: true });
      const inputs = [randomTensor([2, 5, 3], 1), ...Array.from({ length: 4 }, (_, k) => randomTensor([2, 4], 30 + k))];
      const r = await roundTrip(model, inputs, 'tfjs-layers');
      expect(r.report.layers.map((l) => l.className)).toEqual(['Bidirectional', 'Bidirectional']);
      expect(r.shapesEqual).toBe(true);
      expect(r.diff).toBeLessThanOrEqual(1e-6);
      tf.dispose(inputs);
      model.dispose();
      torch.dispose();
    }
    for (const mergeMode of ['concat', 'ave', 'mul'] as const) {
      const m = tfl.sequential({
        layers: [
          gru({ units: 3, resetAfter: false, goBackwards: true, useBias: false, returnSequences: true, inputShape: [5, 2] }),
          simpleRNN({ units: 3, goBackwards: true, returnSequences: true }),
          bidirectional({ layer: gru({ units: 3, resetAfter: false, useBias: false }), mergeMode }),
        ],
      });
      randomize(m, 41);
      const x = randomTensor([2, 5, 2], 8);
      const r = await roundTrip(m, x, 'tfjs-layers');
      expect(r.report.layers.map((l) => l.className)).toEqual(['GRU', 'SimpleRNN', 'Bidirectional']);
      expect(r.diff).toBeLessThanOrEqual(1e-6);
      x.dispose();
      m.dispose();
    }
  });

  it("writes tfjs-layers' own config keys and weight names (as tf.layers.gru / simpleRNN / bidirectional write them), keeps the initializers, leaks nothing", async () => {
    const ours = tfl.sequential({
      layers: [
        gru({ units: 3, resetAfter: false, returnSequences: true, inputShape: [4, 2], name: 'g' }),
        simpleRNN({ units: 3, returnSequences: true, name: 's' }),
        bidirectional({ layer: gru({ units: 2, resetAfter: false, name: 'bg' }), name: 'bi' }),
      ],
    });
    const theirs = tfl.sequential({
      layers: [
        tfl.layers.gru({ units: 3, returnSequences: true, inputShape: [4, 2], name: 'g' }),
        tfl.layers.simpleRNN({ units: 3, returnSequences: true, name: 's' }),
        tfl.layers.bidirectional({ layer: tfl.layers.gru({ units: 2, name: 'bg' }) as tfl.RNN, name: 'bi' }),
      ],
    });
    const before = tf.memory().numTensors;
    const { artifacts } = await tfjsModelArtifacts(ours);
    expect(tf.memory().numTensors).toBe(before);
    const written = entries(artifacts);
    const stock = entries({ modelTopology: theirs.toJSON(null, false) as tf.io.ModelArtifacts['modelTopology'] });
    expect(written.map((e) => e.class_name)).toEqual(stock.map((e) => e.class_name));
    written.forEach((e, k) => {
      expect(Object.keys(e.config).sort()).toEqual(Object.keys(stock[k].config).sort());
      if (e.config.layer) {
        expect(e.config.layer.class_name).toBe(stock[k].config.layer!.class_name);
        expect(Object.keys(e.config.layer.config).sort()).toEqual(Object.keys(stock[k].config.layer!.config).sort());
      }
    });
    expect(written[0].config.reset_after).toBe(false);
    expect(written[0].config.recurrent_activation).toBe('sigmoid'); // the layer's own, not tfjs' default hard_sigmoid
    expect(written[0].config.kernel_initializer).toMatchObject({ class_name: 'VarianceScaling', config: { distribution: 'uniform' } });
    expect(written[0].config.recurrent_initializer).toMatchObject({ class_name: 'Orthogonal' });
    expect(artifacts.weightSpecs!.map((w) => w.name)).toEqual(theirs.weights.map((w) => w.name.replace(/_\d+(?=\/|$)/g, '')));
    expect(artifacts.weightSpecs!.map((w) => w.name)).toEqual([
      'g/kernel', 'g/recurrent_kernel', 'g/bias', 's/kernel', 's/recurrent_kernel', 's/bias',
      'bi/forward_bg/kernel', 'bi/forward_bg/recurrent_kernel', 'bi/forward_bg/bias',
      'bi/backward_bg/kernel', 'bi/backward_bg/recurrent_kernel', 'bi/backward_bg/bias',
    ]);
    ours.dispose();
    theirs.dispose();
  });
});

describe('what stays lstm-bridge’s: GRU resetAfter true, masks, timeMajor, stateful', () => {
  it("GRU resetAfter true (alone, in a Bidirectional): 'tfjs-layers' is an UnsupportedConversionError naming the layer and the reason; 'auto' keeps LstmBridge.GRU and says why", async () => {
    const model = tfl.sequential({
      layers: [
        gru({ units: 3, returnSequences: true, inputShape: [4, 2], name: 'after' }),
        bidirectional({ layer: gru({ units: 2, returnSequences: true }), name: 'bi_after' }),
        simpleRNN({ units: 2, name: 'plain_rnn' }),
      ],
    });
    randomize(model, 3);
    const before = tf.memory().numTensors;
    const err = await tfjsModelArtifacts(model, { emit: 'tfjs-layers' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UnsupportedConversionError);
    expect((err as Error).message).toMatch(
      /^io\.tfjsModelArtifacts: emit 'tfjs-layers': tfjs-layers cannot compute layer 'after' \(GRU reset_after=True: tfjs-layers' GRU resets before only \(its GRUCell refuses reset_after=true\); loading needs lstm-bridge\); layer 'bi_after' \(forward half: GRU reset_after=True/,
    );
    expect(tf.memory().numTensors).toBe(before);
    const x = randomTensor([2, 4, 2], 4);
    const r = await roundTrip(model, x); // loaded here, where lstm-bridge's classes are registered
    expect(r.report.needsLstmBridge).toBe(true);
    expect(r.report.layers.map((l) => [l.name, l.className, l.reason?.replace(/ \(.*/, '')])).toEqual([
      ['after', 'LstmBridge.GRU', 'GRU reset_after=True: tfjs-layers\' GRU resets before only'],
      ['bi_after', 'LstmBridge.Bidirectional', 'forward half: GRU reset_after=True: tfjs-layers\' GRU resets before only'],
      ['plain_rnn', 'SimpleRNN', undefined],
    ]);
    expect(r.classes).toEqual(['LstmBridge.GRU', 'LstmBridge.Bidirectional', 'SimpleRNN']);
    expect(r.diff).toBeLessThanOrEqual(1e-6);
    x.dispose();
    model.dispose();
  });

  it('a mask upstream, timeMajor, stateful keep GRU / SimpleRNN lstm-bridge’s, with the reason', async () => {
    const x = tfl.input({ shape: [5, 3] });
    const masked = simpleRNN({ units: 2, name: 'masked' }).apply(tfl.layers.masking({ maskValue: 0 }).apply(x) as tfl.SymbolicTensor) as tfl.SymbolicTensor;
    const tm = gru({ units: 2, resetAfter: false, timeMajor: true, name: 'tm' }).apply(x) as tfl.SymbolicTensor;
    const plain = gru({ units: 2, resetAfter: false, name: 'plain' }).apply(x) as tfl.SymbolicTensor;
    const model = tfl.model({ inputs: x, outputs: [masked, tm, plain] });
    const stateful = tfl.sequential({ layers: [simpleRNN({ units: 2, stateful: true, batchInputShape: [2, 3, 2], name: 'st' })] });
    const reasons = Object.fromEntries([
      ...(await tfjsModelArtifacts(model)).report.layers,
      ...(await tfjsModelArtifacts(stateful)).report.layers,
    ].map((l) => [l.name, [l.className, l.reason]]));
    expect(reasons.masked[1]).toMatch(/receives a mask \(from '.*', Masking\): tfjs-layers' SimpleRNN repeats the initial state/);
    expect(reasons.tm).toEqual(['LstmBridge.GRU', "timeMajor: tfjs-layers' GRU has no time-major mode"]);
    expect(reasons.st).toEqual(['LstmBridge.SimpleRNN', "stateful: the states carried between calls are not checked against tfjs-layers' SimpleRNN"]);
    expect(reasons.plain).toEqual(['GRU', null]);
    model.dispose();
    stateful.dispose();
  });
});
