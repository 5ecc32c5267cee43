/**
 * `layers.GRU` (Keras 3's default reset_after=True, which tfjs-layers lacks; and reset before),
 * `layers.SimpleRNN` and `layers.Bidirectional` around both, against golden values computed from
 * Keras' equations and loop by an independent numpy script (`test/fixtures/keras_gru_golden.py`):
 * masking (holes, leading and trailing masked steps, with and without initial state),
 * goBackwards, timeMajor, zeroOutputForMask, stateful sequences of calls, merge modes.
 *
 * Tolerance: float32 computation against a float64 reference, atol 1e-5 + rtol 1e-5.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

import { expectClose, tf } from './helpers/tf';
import { Bidirectional, GRU, MergeMode, RecurrentLayer, SimpleRNN } from '../src/layers';

interface Arr {
  shape: number[];
  data: number[];
}

interface GoldenCase {
  name: string;
  layer: 'gru' | 'rnn' | 'bidirectional-gru' | 'bidirectional-rnn';
  config: Record<string, unknown> & { units: number; mergeMode?: MergeMode; stateful?: boolean };
  calls: Arr[];
  mask: Arr | null;
  initialState: Arr[] | null;
  weights: Arr[];
  expected: Arr[][];
}

const fixture = JSON.parse(
  fs.readFileSync(path.join(__dirname, 'fixtures', 'keras-gru-golden.json'), 'utf8'),
) as { sizes: { N: number; T: number; F: number }; cases: GoldenCase[] };

const toTensor = (a: Arr) => tf.tensor(a.data, a.shape);

function makeLayer(c: GoldenCase): RecurrentLayer | Bidirectional<RecurrentLayer> {
  const { mergeMode, stateful, ...config } = c.config;
  const { N, T, F } = fixture.sizes;
  const shape = stateful ? { batchInputShape: (config.timeMajor ? [T, N, F] : [N, T, F]) as number[], stateful } : {};
  if (c.layer === 'gru') return new GRU({ ...config, ...shape } as never);
  if (c.layer === 'rnn') return new SimpleRNN({ ...config, ...shape } as never);
  const inner = c.layer === 'bidirectional-gru' ? new GRU(config as never) : new SimpleRNN(config as never);
  return new Bidirectional<RecurrentLayer>({ layer: inner, mergeMode });
}

describe('layers.GRU / SimpleRNN against Keras golden values (numpy, TF-backend loop semantics)', () => {
  it('has the cases the generator writes', () => {
    expect(fixture.cases.length).toBe(19);
  });

  for (const c of fixture.cases) {
    it(`${c.layer}: ${c.name}`, () => {
      const before = tf.memory().numTensors;
      const layer = makeLayer(c);
      const xs = c.calls.map(toTensor);
      const mask = c.mask ? tf.tidy(() => tf.cast(toTensor(c.mask as Arr), 'bool')) : undefined;
      const initialState = c.initialState ? c.initialState.map(toTensor) : undefined;
      tf.dispose(layer.apply(xs[0]) as tf.Tensor | tf.Tensor[]); // build
      const weights = c.weights.map(toTensor);
      layer.setWeights(weights);
      if (c.config.stateful) {
        if (initialState) layer.resetStates(initialState);
        else layer.resetStates();
      }
      xs.forEach((x, k) => {
        const kwargs = { mask, initialState: c.config.stateful ? undefined : initialState };
        const out = layer.apply(x, kwargs) as tf.Tensor | tf.Tensor[];
        const outputs = Array.isArray(out) ? out : [out];
        expect(outputs.length).toBe(c.expected[k].length);
        c.expected[k].forEach((e, j) => {
          expect(outputs[j].shape).toEqual(e.shape);
          expectClose(outputs[j], e.data, 1e-5, 1e-5, `${c.name} call ${k} output ${j}`);
        });
        tf.dispose(outputs);
      });
      tf.dispose([...xs, ...weights, ...(initialState ?? []), ...(mask ? [mask] : [])]);
      layer.dispose();
      expect(tf.memory().numTensors).toBe(before);
    });
  }
});
