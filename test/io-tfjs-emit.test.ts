/**
 * `saveTfjs`'s `emit` (src/io/tfjs/emit.ts) and the CLI's `--emit`: which lstm-bridge layers
 * become tfjs-layers' own `LSTM` / `Bidirectional` (and that those compute what ours compute, for
 * every activation written plain), which stay lstm-bridge's and why, and the refusals.
 * The separate-process proof (no lstm-bridge import at all) is `io-tfjs-plain.test.ts`.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

import * as tfl from '@tensorflow/tfjs-layers';

import { toKeras } from '../adapters';
import { cli } from './helpers/cli-in-process';
import { ConfigError, UnsupportedConversionError } from '../src/errors';
import { tfjsModelArtifacts } from '../src/io';
import { loadTfjs, saveTfjs, saveTorch } from '../src/io/node';
import { bidirectional, lstm } from '../src/layers';
import { LSTM as TorchLSTM } from '../src/nn';
import { randomizeWeights as randomize } from './helpers/layers';
import { tmpDirs } from './helpers/tmp';
import { maxAbsDiff, randomTensor, tf } from './helpers/tf';

const tmp = tmpDirs('lstm-bridge-emit-');



/** The artifacts loaded back by tfjs-layers' deserializer in this process. */
async function loadArtifacts(model: tfl.LayersModel, emit?: 'auto' | 'tfjs-layers' | 'lstm-bridge') {
  const { artifacts, report } = await tfjsModelArtifacts(model, emit ? { emit } : {});
  const loaded = await tfl.loadLayersModel(tf.io.fromMemory(artifacts));
  return { loaded, report, json: JSON.stringify(artifacts.modelTopology) };
}

const PLAIN_ACTIVATIONS = ['tanh', 'sigmoid', 'hardSigmoid', 'relu', 'relu6', 'elu', 'selu', 'softplus', 'softsign', 'swish', 'linear'] as const;

describe('emit auto: tfjs-layers computes the plain layers as lstm-bridge does', () => {
  it.each(PLAIN_ACTIVATIONS)('activation %s (as activation and as recurrentActivation), LSTM and Bidirectional, within 1e-5', async (a) => {
    const model = tfl.sequential({
      layers: [
        bidirectional({ layer: lstm({ units: 4, activation: a, returnSequences: true }), inputShape: [6, 3] }),
        lstm({ units: 5, recurrentActivation: a, returnSequences: true }),
        tfl.layers.dense({ units: 2 }),
      ],
    });
    randomize(model, 7);
    const x = randomTensor([2, 6, 3], 3, 2);
    const { loaded, report, json } = await loadArtifacts(model);
    try {
      expect(report.needsLstmBridge).toBe(false);
      expect(json).not.toMatch(/LstmBridge/);
      expect(loaded.layers.map((l) => l.getClassName())).toEqual(['Bidirectional', 'LSTM', 'Dense']);
      const ours = model.predict(x) as tf.Tensor;
      const theirs = loaded.predict(x) as tf.Tensor;
      expect(maxAbsDiff(ours, theirs)).toBeLessThanOrEqual(1e-5);
      tf.dispose([ours, theirs]);
    } finally {
      loaded.dispose();
      model.dispose();
      x.dispose();
    }
  });

  it('returnState and initial-state inputs (adapters.toKeras with both) stay exact; merge modes sum / ave / mul; goBackwards', async () => {
    const torch = new TorchLSTM(3, 4, { numLayers: 2, bidirectional: true });
    const model = toKeras(torch, { returnState: true, initialStateInputs: true });
    const inputs = [randomTensor([2, 5, 3], 1), ...Array.from({ length: 8 }, (_, k) => randomTensor([2, 4], 20 + k))];
    const { loaded, report } = await loadArtifacts(model);
    expect(report.needsLstmBridge).toBe(false);
    const ours = model.predict(inputs) as tf.Tensor[];
    const theirs = loaded.predict(inputs) as tf.Tensor[];
    expect(theirs).toHaveLength(ours.length);
    ours.forEach((o, k) => expect(maxAbsDiff(o, theirs[k])).toBeLessThanOrEqual(1e-5));
    tf.dispose([...ours, ...theirs, ...inputs]);
    loaded.dispose();
    model.dispose();
    torch.dispose();

    for (const mergeMode of ['sum', 'ave', 'mul'] as const) {
      const m = tfl.sequential({
        layers: [
          lstm({ units: 3, goBackwards: true, returnSequences: true, inputShape: [5, 2] }),
          bidirectional({ layer: lstm({ units: 3 }), mergeMode }),
        ],
      });
      randomize(m, 40);
      const x = randomTensor([2, 5, 2], 9);
      const r = await loadArtifacts(m);
      expect(r.report.layers.map((l) => l.className)).toEqual(['LSTM', 'Bidirectional']);
      const a = m.predict(x) as tf.Tensor;
      const b = r.loaded.predict(x) as tf.Tensor;
      expect(maxAbsDiff(a, b)).toBeLessThanOrEqual(1e-5);
      tf.dispose([a, b, x]);
      r.loaded.dispose();
      m.dispose();
    }
  });

  it('keeps the model’s own initializers in the written topology and leaks no tensor', async () => {
    const model = tfl.sequential({ layers: [lstm({ units: 3, recurrentInitializer: 'glorotUniform', inputShape: [4, 2] })] });
    const before = tf.memory().numTensors;
    const { artifacts } = await tfjsModelArtifacts(model);
    expect(tf.memory().numTensors).toBe(before);
    const layer = (artifacts.modelTopology as { config: { layers: { class_name: string; config: Record<string, unknown> }[] } }).config.layers[0];
    expect(layer.class_name).toBe('LSTM');
    expect(layer.config.recurrent_initializer).toMatchObject({ class_name: 'VarianceScaling' });
    expect(layer.config.unit_forget_bias).toBe(true);
    expect(layer.config.unroll).toBe(false);
    expect(Object.keys(layer.config)).not.toContain('time_major');
    model.dispose();
  });
});

describe('what stays lstm-bridge’s, and why', () => {
  it('Keras 3 hard_sigmoid, timeMajor, a mask upstream; emit lstm-bridge; the rest of the model turns plain', async () => {
    const x = tfl.input({ shape: [5, 3] });
    const keras3 = lstm({ units: 4, recurrentActivation: 'hardSigmoidKeras3', returnSequences: true, name: 'k3' }).apply(x) as tfl.SymbolicTensor;
    const plain = lstm({ units: 4, name: 'plain' }).apply(keras3) as tfl.SymbolicTensor;
    const masked = lstm({ units: 2, name: 'masked' }).apply(tfl.layers.masking({ maskValue: 0 }).apply(x) as tfl.SymbolicTensor) as tfl.SymbolicTensor;
    const tm = lstm({ units: 2, timeMajor: true, name: 'tm' }).apply(x) as tfl.SymbolicTensor;
    const model = tfl.model({ inputs: x, outputs: [plain, masked, tm] });
    randomize(model, 60);
    const { loaded, report, json } = await loadArtifacts(model);
    const reasons = Object.fromEntries(report.layers.map((l) => [l.name, [l.className, l.reason]]));
    expect(reasons.plain).toEqual(['LSTM', null]);
    expect(reasons.k3[0]).toBe('LstmBridge.LSTM');
    expect(reasons.k3[1]).toMatch(/recurrentActivation hard_sigmoid of Keras 3 .*clip\(0\.2x \+ 0\.5, 0, 1\)/);
    expect(reasons.masked[1]).toMatch(/receives a mask \(from '.*', Masking\)/);
    expect(reasons.tm[1]).toMatch(/timeMajor/);
    expect(report.needsLstmBridge).toBe(true);
    expect(json).toMatch(/"class_name":"LstmBridge.LSTM"/);
    // Loaded here (lstm-bridge registered), the mixed model computes what the source does.
    const input = randomTensor([2, 5, 3], 61);
    const a = model.predict(input) as tf.Tensor[];
    const b = loaded.predict(input) as tf.Tensor[];
    a.forEach((t, k) => expect(maxAbsDiff(t, b[k])).toBeLessThanOrEqual(1e-6));
    tf.dispose([...a, ...b, input]);
    loaded.dispose();

    const forced = await tfjsModelArtifacts(model, { emit: 'lstm-bridge' });
    expect(forced.report.layers.every((l) => l.className === 'LstmBridge.LSTM' && l.reason === "emit: 'lstm-bridge'")).toBe(true);

    const before = tf.memory().numTensors;
    await expect(tfjsModelArtifacts(model, { emit: 'tfjs-layers' })).rejects.toThrow(UnsupportedConversionError);
    await expect(tfjsModelArtifacts(model, { emit: 'tfjs-layers' })).rejects.toThrow(/emit 'tfjs-layers': tfjs-layers cannot compute layer 'k3' \(recurrentActivation hard_sigmoid of Keras 3/);
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });

  it('bad options are ConfigErrors naming the option', async () => {
    const model = tfl.sequential({ layers: [lstm({ units: 2, inputShape: [3, 2] })] });
    await expect(tfjsModelArtifacts(model, { emit: 'plain' as never })).rejects.toThrow(ConfigError);
    await expect(tfjsModelArtifacts(model, { emit: 'plain' as never })).rejects.toThrow(/emit expected 'auto', 'tfjs-layers' or 'lstm-bridge', got "plain"/);
    await expect(saveTfjs(model, tmp(), { emits: 'auto' } as never)).rejects.toThrow(/unknown option\(s\) emits/);
    model.dispose();
  });
});

describe('lstm-bridge convert --emit', () => {
  /** A TF.js model with a Keras 3 hard_sigmoid LSTM, saved with lstm-bridge's classes. */
  async function keras3File(): Promise<string> {
    const model = tfl.sequential({
      layers: [lstm({ units: 3, returnSequences: true, inputShape: [4, 2] }), lstm({ units: 3, recurrentActivation: 'hardSigmoidKeras3' })],
    });
    const file = path.join(tmp(), 'k3');
    await saveTfjs(model, file, { emit: 'lstm-bridge' });
    model.dispose();
    return file;
  }

  it('auto (default): says which layers are plain and which need lstm-bridge, and why; loadTfjs reads it back', async () => {
    const out = path.join(tmp(), 'web');
    const r = await cli('convert', await keras3File(), out);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/some layers are lstm-bridge's; load it with lstm-bridge imported/);
    expect(r.out).toMatch(/layer '[^']+': LSTM \(tfjs-layers' own\)/);
    expect(r.out).toMatch(/layer '[^']+': LstmBridge\.LSTM \(needs lstm-bridge to load: recurrentActivation hard_sigmoid of Keras 3/);
    const back = await loadTfjs(out);
    expect(back.layers).toHaveLength(2);
    back.dispose();
  });

  it('--verify also loads the written directory as a page does (tf.loadLayersModel, tfjs-layers classes) and compares it', async () => {
    const lstm = new TorchLSTM(3, 24, { numLayers: 2, bidirectional: true }); // 24 units: tfjs' orthogonal initializer would warn
    const dir = tmp();
    const pt = path.join(dir, 'm.pt');
    saveTorch(lstm.stateDict(), pt);
    lstm.dispose();
    const warn = jest.spyOn(console, 'warn');
    try {
      const r = await cli('convert', pt, path.join(dir, 'web'), '--verify');
      expect(r.code).toBe(0);
      expect(r.out).toMatch(/verify: nn\.LSTM '' vs model output on input \[2, 5, 3\]: max abs difference .* ok/);
      expect(r.out).toMatch(/verify: tf\.loadLayersModel \(as a page loads it\) on .*web: nn\.LSTM '' vs model output on input \[2, 5, 3\]: max abs difference \d\.\d\de-\d+ .* ok/);
      expect(warn).not.toHaveBeenCalled();
    } finally {
      warn.mockRestore();
    }
  });

  it('--emit tfjs-layers refuses an inexact model; --emit lstm-bridge writes ours; bad values and wrong outputs are refused', async () => {
    const file = await keras3File();
    const refused = await cli('convert', file, path.join(tmp(), 'web'), '--emit', 'tfjs-layers');
    expect(refused.code).toBe(1);
    expect(refused.err).toMatch(/emit 'tfjs-layers': tfjs-layers cannot compute layer '[^']+' \(recurrentActivation hard_sigmoid of Keras 3/);
    const out = path.join(tmp(), 'ours');
    const ours = await cli('convert', file, out, '--emit', 'lstm-bridge');
    expect(ours.code).toBe(0);
    expect(fs.readFileSync(path.join(out, 'model.json'), 'utf8').match(/"LstmBridge.LSTM"/g)).toHaveLength(2);
    const bad = await cli('convert', file, path.join(tmp(), 'x'), '--emit', 'plain');
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/--emit expects auto, tfjs-layers, lstm-bridge, got plain/);
    const wrong = await cli('convert', file, path.join(tmp(), 'x.pt'), '--emit', 'auto');
    expect(wrong.code).toBe(1);
    expect(wrong.err).toMatch(/--emit applies to TF.js output only, got output format torch/);
  });
});
