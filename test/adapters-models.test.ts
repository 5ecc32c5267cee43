/**
 * Whole-model conversion, property-based (fast-check):
 *
 * - random `nn.LSTM` configurations (layers 1-4, bidirectional, batchFirst, bias, dropout, h0/c0
 *   given or not) -> `toKeras` (both emit modes) -> the model's output and final states equal
 *   the module's -> `toTorch` -> the same configuration, bit-identical weights (the two biases as
 *   their sum), the same function;
 * - random Keras stacks (lstm-bridge's layers and tfjs-layers' own; Sequential or functional;
 *   initial states for some layers; Dropout between layers; last-layer heads; timeMajor) ->
 *   `toTorch` -> PyTorch's output and states, through the head, equal the model's -> `toKeras`
 *   -> the same again;
 * - random stacks with one inexpressible layer -> an UnsupportedConversionError naming it;
 * - save -> load through the Node file-system handler, still equal to the module;
 * - no tensor leaks anywhere.
 *
 * Tolerance: 1e-5 absolute (float32; lstm-bridge's layers run the same engine as nn.LSTM and
 * agree to the bit except for the bias sum; tfjs-layers' own LSTM differs by ~1e-7).
 */
import * as path from 'node:path';

import fc from 'fast-check';
import * as tfl from '@tensorflow/tfjs-layers';

import { KerasEmit, kerasOutputHead, kerasOutputsToTorch, kerasStatesToTorch, toKeras, toTorch, torchStatesToKerasInputs, torchToKerasOutput } from '../adapters';
import { UnsupportedConversionError } from '../src/errors';
import { fileSystem } from '../src/io/tfjs/fs-handler';
import { LSTM } from '../src/nn';
import { KerasStackSpec, buildKerasStack, kerasStackSpec, makeBi, makeLstm } from './helpers/keras-stacks';
import { asList, seededLstm } from './helpers/models';
import { expectConversionRefused } from './helpers/refusals';
import { expectClose, randomTensor, tf } from './helpers/tf';
import { tmpDirs } from './helpers/tmp';

const ATOL = 1e-5;
const RUNS = Number(process.env.LSTM_BRIDGE_MODEL_RUNS ?? 100);
const tmpDir = tmpDirs('lstm-bridge-models-');

function bits(t: tf.Tensor): number[] {
  return Array.from(new Uint32Array(new Float32Array(t.dataSync()).buffer));
}

interface TorchSpec {
  inputSize: number;
  hiddenSize: number;
  numLayers: number;
  bidirectional: boolean;
  batchFirst: boolean;
  bias: boolean;
  dropout: number;
  withStates: boolean;
  emit: KerasEmit;
  N: number;
  L: number;
  seed: number;
}

const torchSpec: fc.Arbitrary<TorchSpec> = fc
  .record({
    inputSize: fc.integer({ min: 1, max: 5 }),
    hiddenSize: fc.integer({ min: 1, max: 5 }),
    numLayers: fc.integer({ min: 1, max: 4 }),
    bidirectional: fc.boolean(),
    batchFirst: fc.boolean(),
    bias: fc.boolean(),
    dropout: fc.constantFrom(0, 0, 0.3),
    withStates: fc.boolean(),
    emit: fc.constantFrom<KerasEmit>('lstm-bridge', 'tfjs-layers'),
    N: fc.integer({ min: 1, max: 3 }),
    L: fc.integer({ min: 1, max: 5 }),
    seed: fc.integer({ min: 1, max: 1_000_000 }),
  })
  .map((s) => ({ ...s, dropout: s.numLayers > 1 ? s.dropout : 0 }));

function makeTorch(s: TorchSpec): LSTM {
  const { inputSize, hiddenSize, numLayers, bidirectional, batchFirst, bias, dropout } = s;
  return seededLstm(inputSize, hiddenSize, { numLayers, bidirectional, batchFirst, bias, dropout }, s.seed).eval();
}

function pick(s: TorchSpec) {
  return { numLayers: s.numLayers, bidirectional: s.bidirectional, bias: s.bias, dropout: s.dropout };
}

/** PyTorch's repr of a module of this configuration. */
function repr(...args: ConstructorParameters<typeof LSTM>): string {
  const m = new LSTM(...args);
  const r = m.toString();
  m.dispose();
  return r;
}

/** The module's results on batch-major x, batch-first. */
function runTorch(lstm: LSTM, xBatchMajor: tf.Tensor, states: [tf.Tensor, tf.Tensor] | null) {
  return tf.tidy(() => {
    const [output, [h_n, c_n]] = lstm.forward(lstm.batchFirst ? xBatchMajor : tf.transpose(xBatchMajor, [1, 0, 2]), states);
    return { output: lstm.batchFirst ? output : tf.transpose(output, [1, 0, 2]), h_n, c_n };
  });
}

// tfjs-layers and the engine cache a few constants on first use; warm up before counting.
beforeAll(() => {
  const lstm = seededLstm(2, 2, { bidirectional: true }, 1).eval();
  for (const emit of ['lstm-bridge', 'tfjs-layers'] as const) {
    const model = toKeras(lstm, { emit, returnState: true, initialStateInputs: true });
    tf.tidy(() => model.predict([tf.ones([1, 2, 2]), ...torchStatesToKerasInputs(tf.ones([2, 1, 2]), tf.ones([2, 1, 2]))]));
    toTorch(model).dispose();
    model.dispose();
  }
  lstm.dispose();
});

describe('nn.LSTM -> Keras -> nn.LSTM', () => {
  it('the Keras model computes the module\'s output and states; back, the same module', () => {
    fc.assert(
      fc.property(torchSpec, (s) => {
        const before = tf.memory().numTensors;
        const lstm = makeTorch(s);
        const D = s.bidirectional ? 2 : 1;
        const x = randomTensor([s.N, s.L, s.inputSize], s.seed + 1);
        const states: [tf.Tensor, tf.Tensor] | null = s.withStates
          ? [randomTensor([s.numLayers * D, s.N, s.hiddenSize], s.seed + 2), randomTensor([s.numLayers * D, s.N, s.hiddenSize], s.seed + 3)]
          : null;
        const expected = runTorch(lstm, x, states);

        const model = toKeras(lstm, { emit: s.emit, returnState: true, initialStateInputs: s.withStates });
        tf.tidy(() => {
          const inputs = states ? [x, ...torchStatesToKerasInputs(states[0], states[1])] : x;
          const got = kerasOutputsToTorch(model.predict(inputs) as tf.Tensor[]);
          expectClose(got.output, expected.output, ATOL, 0, 'output');
          expectClose(got.h_n, expected.h_n, ATOL, 0, 'h_n');
          expectClose(got.c_n, expected.c_n, ATOL, 0, 'c_n');
        });

        const back = toTorch(model).eval();
        expect(back.toString()).toBe(repr(s.inputSize, s.hiddenSize, { ...pick(s), batchFirst: true }));
        const original = lstm.stateDict();
        const again = back.stateDict();
        expect(Object.keys(again)).toEqual(Object.keys(original));
        tf.tidy(() => {
          for (const key of Object.keys(original)) {
            if (key.startsWith('weight')) expect(bits(again[key])).toEqual(bits(original[key]));
            else if (key.startsWith('bias_ih')) {
              const hh = key.replace('bias_ih', 'bias_hh');
              expect(bits(again[key])).toEqual(bits(tf.add(original[key], original[hh])));
              expect(bits(again[hh])).toEqual(bits(tf.zeros(again[hh].shape)));
            }
          }
          const r = runTorch(back, x, states);
          expectClose(r.output, expected.output, ATOL, 0, 'back: output');
          expectClose(r.h_n, expected.h_n, ATOL, 0, 'back: h_n');
          expectClose(r.c_n, expected.c_n, ATOL, 0, 'back: c_n');
        });

        tf.dispose([x, ...(states ?? []), expected.output, expected.h_n, expected.c_n]);
        model.dispose();
        [lstm, back].forEach((m) => m.dispose());
        expect(tf.memory().numTensors).toBe(before);
      }),
      { numRuns: RUNS },
    );
  });
});


describe('Keras stack -> nn.LSTM -> Keras', () => {
  it('PyTorch computes the stack (its head from output and h_n, its states as h_n/c_n); back to Keras, the same', () => {
    fc.assert(
      fc.property(kerasStackSpec(), fc.constantFrom<KerasEmit>('lstm-bridge', 'tfjs-layers'), (spec, emit) => {
        const before = tf.memory().numTensors;
        const built = buildKerasStack(spec);
        const { model } = built;
        const lstm = toTorch(model).eval();
        expect(lstm.toString()).toBe(
          repr(spec.inputSize, spec.units, {
            numLayers: spec.numLayers, bidirectional: spec.bidirectional, bias: spec.useBias.some(Boolean),
            batchFirst: !spec.timeMajor, dropout: spec.dropout,
          }),
        );
        const head = kerasOutputHead(model);
        expect(head).toEqual({ returnSequences: spec.lastReturnSequences, mergeMode: spec.lastMerge, bidirectional: spec.bidirectional });
        const D = spec.bidirectional ? 2 : 1;
        const [x] = built.inputs;
        tf.tidy(() => {
          const expected = asList(model.predict(built.inputs.length === 1 ? x : built.inputs, { batchSize: 64 }) as tf.Tensor | tf.Tensor[]);
          // h0/c0: every layer's Keras initial states, zeros where the model takes none.
          const zeros = tf.zeros([spec.N, spec.units]);
          const perLayer = built.initialStates.map((given) => given ?? new Array(2 * D).fill(zeros));
          const { h_n: h0, c_n: c0 } = kerasStatesToTorch(perLayer);
          const [output, [h_n, c_n]] = lstm.forward(x, [h0, c0]);
          const heads = asList(torchToKerasOutput(output, h_n, head, { batchFirst: lstm.batchFirst }));
          expect(heads.length).toBe(built.headOutputs);
          heads.forEach((h, k) => expectClose(h, expected[k], ATOL, 0, `head output ${k}`));
          if (spec.returnState) {
            expect(expected.length).toBe(built.headOutputs + 2 * spec.numLayers * D);
            for (let j = 0; j < spec.numLayers * D; j++) {
              expectClose(expected[built.headOutputs + 2 * j], tf.gather(h_n, j), ATOL, 0, `h_n[${j}]`);
              expectClose(expected[built.headOutputs + 2 * j + 1], tf.gather(c_n, j), ATOL, 0, `c_n[${j}]`);
            }
          } else {
            expect(expected.length).toBe(built.headOutputs);
          }

          // Back to Keras: batch-major, PyTorch's output and states.
          const again = toKeras(lstm, { emit, returnState: true, initialStateInputs: true });
          const xBatchMajor = spec.timeMajor ? tf.transpose(x, [1, 0, 2]) : x;
          const got = kerasOutputsToTorch(again.predict([xBatchMajor, ...torchStatesToKerasInputs(h0, c0)]) as tf.Tensor[], {
            batchFirst: lstm.batchFirst,
          });
          expectClose(got.output, output, ATOL, 0, 'again: output');
          expectClose(got.h_n, h_n, ATOL, 0, 'again: h_n');
          expectClose(got.c_n, c_n, ATOL, 0, 'again: c_n');
          again.dispose();
        });
        tf.dispose([...built.inputs]);
        model.dispose();
        lstm.dispose();
        expect(tf.memory().numTensors).toBe(before);
      }),
      { numRuns: RUNS },
    );
  });
});

/** One layer PyTorch cannot express, and where it goes. */
type Defect =
  | 'hardSigmoid' | 'relu' | 'goBackwards' | 'stateful' | 'dropoutArg' | 'recurrentDropout'
  | 'units' | 'directions' | 'mergeBelow' | 'timeMajorMixed' | 'masking' | 'denseHead' | 'dropoutFirst';

const DEFECTS: Defect[] = [
  'hardSigmoid', 'relu', 'goBackwards', 'stateful', 'dropoutArg', 'recurrentDropout', 'units', 'directions', 'mergeBelow',
  'timeMajorMixed', 'masking', 'denseHead', 'dropoutFirst',
];

/** A Sequential stack with one defect at layer `at`; returns it and the name the error must mention. */
function defectiveStack(spec: KerasStackSpec, defect: Defect, at: number): { model: tfl.Sequential; culprit: string } {
  const n = spec.numLayers;
  const layers: tfl.layers.Layer[] = [];
  let culprit = `L${at}`;
  // A stateful layer needs a fixed batch size: axis 0, or axis 1 for lstm-bridge's timeMajor.
  const batchInputShape = spec.impl === 'ours' && spec.timeMajor ? [null, spec.N, spec.inputSize] : [spec.N, null, spec.inputSize];
  for (let k = 0; k < n; k++) {
    const here = k === at;
    const bidirectional = spec.bidirectional !== (here && defect === 'directions');
    const args: Record<string, unknown> = { units: spec.units, returnSequences: k < n - 1 || spec.lastReturnSequences };
    if (here && defect === 'hardSigmoid') args.recurrentActivation = 'hardSigmoid';
    if (here && defect === 'relu') args.activation = 'relu';
    if (here && defect === 'goBackwards') args.goBackwards = true;
    if (here && defect === 'stateful') args.stateful = true;
    if (here && defect === 'dropoutArg') args.dropout = 0.2;
    if (here && defect === 'recurrentDropout') args.recurrentDropout = 0.2;
    if (here && defect === 'units') args.units = spec.units + 1;
    if (spec.impl === 'ours' && (spec.timeMajor !== (here && defect === 'timeMajorMixed'))) args.timeMajor = true;
    const first = k === 0 && defect !== 'masking' && defect !== 'dropoutFirst' ? { batchInputShape } : {};
    const mergeMode = here && defect === 'mergeBelow' ? 'sum' : k < n - 1 ? 'concat' : spec.lastMerge ?? 'concat';
    layers.push(
      bidirectional
        ? makeBi(spec.impl, makeLstm(spec.impl, { ...(args as { units: number }) }), { mergeMode, name: `L${k}`, ...first })
        : makeLstm(spec.impl, { ...(args as { units: number }), name: `L${k}`, ...first }),
    );
  }
  if (defect === 'masking') {
    layers.unshift(tfl.layers.masking({ batchInputShape, name: 'mask' }));
    culprit = 'mask';
  }
  if (defect === 'dropoutFirst') {
    layers.unshift(tfl.layers.dropout({ rate: 0.1, batchInputShape, name: 'drop_first' }));
    culprit = 'drop_first';
  }
  if (defect === 'denseHead') {
    layers.push(tfl.layers.dense({ units: 2, name: 'dense_head' }));
    culprit = 'dense_head';
  }
  return { model: tfl.sequential({ layers }), culprit };
}

describe('inexpressible Keras stacks', () => {
  it('get an UnsupportedConversionError naming the layer, and leave no tensor behind', () => {
    const cases = fc
      .tuple(kerasStackSpec(), fc.constantFrom(...DEFECTS), fc.nat())
      .map(([spec, defect, r]) => {
        // Defects that need a layer below or above another get one; the others go anywhere.
        const needsPair = defect === 'units' || defect === 'directions' || defect === 'mergeBelow' || defect === 'timeMajorMixed';
        const numLayers = Math.max(spec.numLayers, needsPair ? 2 : 1);
        const at = defect === 'units' || defect === 'directions' || defect === 'timeMajorMixed' ? 1 + (r % (numLayers - 1)) : defect === 'mergeBelow' ? r % (numLayers - 1) : r % numLayers;
        return {
          spec: { ...spec, numLayers, bidirectional: defect === 'mergeBelow' ? true : defect === 'goBackwards' ? false : spec.bidirectional, lastReturnSequences: true },
          defect,
          at,
        };
      })
      .filter(({ spec, defect }) => defect !== 'timeMajorMixed' || spec.impl === 'ours');
    fc.assert(
      fc.property(cases, ({ spec, defect, at }) => {
        const { model, culprit } = defectiveStack(spec, defect, at);
        const message = expectConversionRefused(toTorch, model, UnsupportedConversionError, []);
        expect(message).toMatch(new RegExp(`^adapters\\.toTorch: layer '${culprit}'`));
      }),
      { numRuns: RUNS },
    );
  });
});

describe('save -> load of the emitted model', () => {
  it('the loaded model (both emit modes, with initial-state inputs and states) still equals nn.LSTM', async () => {
    await fc.assert(
      fc.asyncProperty(torchSpec, async (s) => {
        const lstm = makeTorch(s);
        const D = s.bidirectional ? 2 : 1;
        const model = toKeras(lstm, { emit: s.emit, returnState: true, initialStateInputs: s.withStates });
        const dir = tmpDir();
        const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
        try {
          await model.save(fileSystem(dir));
          expect(warn).not.toHaveBeenCalled();
        } finally {
          warn.mockRestore();
        }
        model.dispose();
        const loaded = await tfl.loadLayersModel(fileSystem(path.join(dir, 'model.json')));
        const x = randomTensor([s.N, s.L, s.inputSize], s.seed + 1);
        const states: [tf.Tensor, tf.Tensor] | null = s.withStates
          ? [randomTensor([s.numLayers * D, s.N, s.hiddenSize], s.seed + 2), randomTensor([s.numLayers * D, s.N, s.hiddenSize], s.seed + 3)]
          : null;
        const expected = runTorch(lstm, x, states);
        tf.tidy(() => {
          const got = kerasOutputsToTorch(loaded.predict(states ? [x, ...torchStatesToKerasInputs(states[0], states[1])] : x) as tf.Tensor[]);
          expectClose(got.output, expected.output, ATOL, 0, 'loaded: output');
          expectClose(got.h_n, expected.h_n, ATOL, 0, 'loaded: h_n');
          expectClose(got.c_n, expected.c_n, ATOL, 0, 'loaded: c_n');
        });
        const back = toTorch(loaded);
        tf.tidy(() => {
          const sd = lstm.stateDict();
          for (const [key, value] of Object.entries(back.stateDict())) {
            if (key.startsWith('weight')) expect(bits(value)).toEqual(bits(sd[key]));
          }
        });
        tf.dispose([x, ...(states ?? []), expected.output, expected.h_n, expected.c_n]);
        loaded.dispose();
        [lstm, back].forEach((m) => m.dispose());
      }),
      { numRuns: Math.ceil(RUNS / 4) },
    );
  });
});
