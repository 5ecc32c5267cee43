/**
 * The Keras facade against golden values computed from Keras' own equations and loop by an
 * independent numpy script (`test/fixtures/keras_lstm_golden.py`), for what tfjs-layers cannot
 * check: `timeMajor`, `zeroOutputForMask` (also as Bidirectional forces it), Keras 3's
 * hard_sigmoid, and masked steps before the first valid one with a non-zero initial state.
 *
 * Tolerance: float32 computation against a float64 reference, atol 1e-5 + rtol 1e-5.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

import { expectClose, tf } from './helpers/tf';
import { Bidirectional, LSTM, MergeMode } from '../src/layers';

interface Arr {
  shape: number[];
  data: number[];
}

interface GoldenCase {
  name: string;
  layer: 'lstm' | 'bidirectional';
  config: {
    units: number;
    recurrentActivation: string;
    returnSequences: boolean;
    returnState: boolean;
    goBackwards?: boolean;
    timeMajor: boolean;
    zeroOutputForMask?: boolean;
    mergeMode?: MergeMode;
  };
  x: Arr;
  mask: Arr | null;
  initialState: Arr[] | null;
  weights: Arr[];
  expected: Arr[];
}

const fixture = JSON.parse(
  fs.readFileSync(path.join(__dirname, 'fixtures', 'keras-lstm-golden.json'), 'utf8'),
) as { cases: GoldenCase[] };

const toTensor = (a: Arr) => tf.tensor(a.data, a.shape);

function makeLayer(c: GoldenCase): LSTM | Bidirectional {
  const cfg = c.config;
  if (c.layer === 'lstm') {
    return new LSTM({
      units: cfg.units,
      recurrentActivation: cfg.recurrentActivation,
      returnSequences: cfg.returnSequences,
      returnState: cfg.returnState,
      goBackwards: cfg.goBackwards,
      timeMajor: cfg.timeMajor,
      zeroOutputForMask: cfg.zeroOutputForMask,
    });
  }
  return new Bidirectional({
    layer: new LSTM({
      units: cfg.units,
      recurrentActivation: cfg.recurrentActivation,
      returnSequences: cfg.returnSequences,
      returnState: cfg.returnState,
      timeMajor: cfg.timeMajor,
    }),
    mergeMode: cfg.mergeMode,
  });
}

describe('layers against Keras golden values (numpy, TF-backend loop semantics)', () => {
  it('has the cases the generator writes', () => {
    expect(fixture.cases.length).toBe(20);
  });

  for (const c of fixture.cases) {
    it(`${c.layer}: ${c.name}`, () => {
      const layer = makeLayer(c);
      const x = toTensor(c.x);
      const mask = c.mask ? tf.cast(toTensor(c.mask), 'bool') : undefined;
      const initialState = c.initialState ? c.initialState.map(toTensor) : undefined;
      layer.apply(x); // build
      layer.setWeights(c.weights.map(toTensor));
      const out = layer.apply(x, { mask, initialState }) as tf.Tensor | tf.Tensor[];
      const outputs = Array.isArray(out) ? out : [out];
      expect(outputs.length).toBe(c.expected.length);
      c.expected.forEach((e, k) => {
        expect(outputs[k].shape).toEqual(e.shape);
        expectClose(outputs[k], e.data, 1e-5, 1e-5, `${c.name} output ${k}`);
      });
    });
  }
});
