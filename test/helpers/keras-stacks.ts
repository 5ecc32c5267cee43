/**
 * Random Keras stacks for the whole-model conversion suites: a spec (fast-check arbitrary) and
 * a builder that makes the tfjs-layers model it describes, with lstm-bridge's layers or
 * tfjs-layers' own, seeded weights, and concrete inputs.
 */
import fc from 'fast-check';
import * as tfl from '@tensorflow/tfjs-layers';

import { LSTMArgs, MergeMode, bidirectional, lstm } from '../../src/layers';
import { randomizeWeights } from './models';
import { randomTensor, tf } from './tf';

export type Impl = 'ours' | 'tfjs';

/** A Keras stack of LSTM / Bidirectional(LSTM) layers. */
export interface KerasStackSpec {
  readonly impl: Impl;
  readonly numLayers: number;
  readonly bidirectional: boolean;
  readonly units: number;
  readonly inputSize: number;
  readonly useBias: readonly boolean[];
  /** Rate of the Dropout layers between the LSTM layers (0: none). */
  readonly dropout: number;
  readonly lastReturnSequences: boolean;
  readonly lastMerge: MergeMode;
  readonly returnState: boolean;
  /** Which layers take their initial states from model inputs. */
  readonly states: readonly boolean[];
  /** lstm-bridge only; then no state inputs (tfjs checks that all inputs share axis 0). */
  readonly timeMajor: boolean;
  readonly sequential: boolean;
  readonly explicitInputLayer: boolean;
  readonly N: number;
  readonly L: number;
  readonly seed: number;
}

/** An LSTM layer of either implementation (tfjs' with sigmoid gates unless `args` says otherwise). */
export function makeLstm(impl: Impl, args: Partial<LSTMArgs> & { units: number }): tfl.layers.Layer {
  if (impl === 'ours') return lstm(args as LSTMArgs);
  const { timeMajor: _t, ...rest } = args;
  void _t;
  return tfl.layers.lstm({ recurrentActivation: 'sigmoid', ...(rest as object), units: args.units } as Parameters<typeof tfl.layers.lstm>[0]);
}

/** A Bidirectional wrapper of either implementation. */
export function makeBi(impl: Impl, layer: tfl.layers.Layer, args: Record<string, unknown> = {}): tfl.layers.Layer {
  if (impl === 'ours') return bidirectional({ layer: layer as ReturnType<typeof lstm>, ...args } as Parameters<typeof bidirectional>[0]);
  return tfl.layers.bidirectional({ layer: layer as tfl.RNN, ...args } as Parameters<typeof tfl.layers.bidirectional>[0]);
}

/** Random valid stacks (every one expressible as an nn.LSTM plus a Keras head). */
export function kerasStackSpec(): fc.Arbitrary<KerasStackSpec> {
  return fc
    .record({
      impl: fc.constantFrom<Impl>('ours', 'tfjs'),
      numLayers: fc.integer({ min: 1, max: 4 }),
      bidirectional: fc.boolean(),
      units: fc.integer({ min: 1, max: 5 }),
      inputSize: fc.integer({ min: 1, max: 5 }),
      useBias: fc.array(fc.boolean(), { minLength: 4, maxLength: 4 }),
      dropout: fc.constantFrom(0, 0, 0.25),
      lastReturnSequences: fc.boolean(),
      lastMerge: fc.constantFrom<MergeMode>('concat', 'concat', 'sum', 'mul', 'ave', null),
      returnState: fc.boolean(),
      states: fc.array(fc.boolean(), { minLength: 4, maxLength: 4 }),
      timeMajor: fc.boolean(),
      sequential: fc.boolean(),
      explicitInputLayer: fc.boolean(),
      N: fc.integer({ min: 1, max: 3 }),
      L: fc.integer({ min: 1, max: 5 }),
      seed: fc.integer({ min: 1, max: 1_000_000 }),
    })
    .map((s) => {
      const timeMajor = s.impl === 'ours' && s.timeMajor;
      const lastMerge = s.bidirectional ? s.lastMerge : 'concat';
      const states = s.states.slice(0, s.numLayers).map((b) => b && !timeMajor);
      const returnState = s.returnState;
      // A Sequential takes one output per layer and no state inputs.
      const sequential = s.sequential && !returnState && lastMerge !== null && !states.some(Boolean);
      return {
        ...s,
        useBias: s.useBias.slice(0, s.numLayers),
        dropout: s.numLayers > 1 ? s.dropout : 0,
        lastMerge,
        states,
        timeMajor,
        sequential,
      };
    });
}

/** The model a spec describes, with seeded weights, and inputs for it. */
export interface BuiltStack {
  readonly model: tfl.LayersModel;
  /** [x, ...state values] in the model's input order; x is (N, L, F), or (L, N, F) when timeMajor. */
  readonly inputs: tf.Tensor[];
  /** Per layer: its initial states `[h, c]` or `[hF, cF, hB, cB]`, or null (zeros). */
  readonly initialStates: (tf.Tensor[] | null)[];
  /** Outputs of the last layer before the states (2 for a Bidirectional with mergeMode null). */
  readonly headOutputs: number;
}

/** Builds a spec's model. `names[k]` names layer k (the Bidirectional wrapper when bidirectional). */
export function buildKerasStack(spec: KerasStackSpec, options: { layerArgs?: (k: number) => Partial<LSTMArgs> } = {}): BuiltStack {
  const D = spec.bidirectional ? 2 : 1;
  const last = spec.numLayers - 1;
  const layerOf = (k: number, first: Record<string, unknown>) => {
    const args = {
      units: spec.units,
      useBias: spec.useBias[k],
      returnSequences: k < last || spec.lastReturnSequences,
      returnState: spec.returnState,
      ...(spec.timeMajor ? { timeMajor: true } : {}),
      ...(options.layerArgs ? options.layerArgs(k) : {}),
    };
    const name = `L${k}`;
    if (!spec.bidirectional) return makeLstm(spec.impl, { ...args, ...first, name });
    return makeBi(spec.impl, makeLstm(spec.impl, { ...args, name: `inner${k}` }), { mergeMode: k < last ? 'concat' : spec.lastMerge, name, ...first });
  };
  const dropout = (k: number) => tfl.layers.dropout({ rate: spec.dropout, name: `drop${k}` });
  const headOutputs = spec.bidirectional && spec.lastMerge === null ? 2 : 1;
  const inputShape = [null, spec.inputSize];
  let model: tfl.LayersModel;
  const stateInputs: tfl.SymbolicTensor[] = [];
  if (spec.sequential) {
    const layers: tfl.layers.Layer[] = [];
    if (spec.explicitInputLayer) layers.push(tfl.layers.inputLayer({ inputShape }));
    for (let k = 0; k <= last; k++) {
      if (k > 0 && spec.dropout > 0) layers.push(dropout(k));
      layers.push(layerOf(k, k === 0 && !spec.explicitInputLayer ? { inputShape } : {}));
    }
    model = tfl.sequential({ layers });
  } else {
    const x = tfl.input({ shape: inputShape });
    let sequence = x;
    const heads: tfl.SymbolicTensor[] = [];
    const states: tfl.SymbolicTensor[] = [];
    for (let k = 0; k <= last; k++) {
      if (k > 0 && spec.dropout > 0) sequence = dropout(k).apply(sequence) as tfl.SymbolicTensor;
      const own = spec.states[k] ? Array.from({ length: 2 * D }, () => tfl.input({ shape: [spec.units] })) : [];
      stateInputs.push(...own);
      const out = layerOf(k, {}).apply(own.length ? [sequence, ...own] : sequence) as tfl.SymbolicTensor | tfl.SymbolicTensor[];
      const list = Array.isArray(out) ? out : [out];
      const n = k === last ? headOutputs : 1;
      if (k === last) heads.push(...list.slice(0, n));
      else sequence = list[0];
      states.push(...list.slice(n));
    }
    model = tfl.model({ inputs: [x, ...stateInputs], outputs: [...heads, ...states] });
  }
  randomizeWeights(model, spec.seed);
  const x = randomTensor(spec.timeMajor ? [spec.L, spec.N, spec.inputSize] : [spec.N, spec.L, spec.inputSize], spec.seed + 1);
  let s = 0;
  const initialStates = spec.states.map((given) =>
    given ? Array.from({ length: 2 * D }, () => randomTensor([spec.N, spec.units], spec.seed + 2 + s++)) : null,
  );
  return { model, inputs: [x, ...initialStates.flatMap((l) => l ?? [])], initialStates, headOutputs };
}
