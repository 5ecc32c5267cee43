/**
 * Constructor size caps (`engine.setSizeLimits`, `src/engine/size-limits.ts`): every facade
 * counts the weights its arguments imply before creating any and refuses, with a ConfigError
 * naming the arguments, what is above the cap; nothing is allocated or leaked on the way.
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';

import { ConfigError } from '../src/errors';
import { DEFAULT_SIZE_LIMITS, setSizeLimits, sizeLimits } from '../src/engine';
import { LSTM, LSTMCell } from '../src/nn';
import { layers } from '../src';
import { thrown } from './helpers/thrown';

function refused(make: () => unknown, pattern: RegExp): void {
  const before = tf.memory().numTensors;
  const t0 = Date.now();
  const err = thrown(() => make());
  expect(err).toBeInstanceOf(ConfigError);
  expect((err as Error).message).toMatch(pattern);
  expect(Date.now() - t0).toBeLessThan(1000);
  expect(tf.memory().numTensors).toBe(before);
}

describe('size caps', () => {
  test('the defaults are documented values', () => {
    expect(sizeLimits()).toEqual({ maxWeights: 2 ** 28, maxLayers: 1024 });
    expect(sizeLimits()).toBe(DEFAULT_SIZE_LIMITS);
  });

  test('nn.LSTM: numLayers 1e6, hiddenSize 12000, sizes of 1e9', () => {
    refused(() => new LSTM(3, 4, { numLayers: 1e6 }), /nn\.LSTM: numLayers = 1000000 is above the size limit maxLayers = 1024/);
    refused(() => new LSTM(3, 12000), /nn\.LSTM: inputSize = 3, hiddenSize = 12000, .* give 5\.762e\+8 weights, above the size limit maxWeights = 268435456/);
    refused(() => new LSTM(1e9, 4), /inputSize = 1000000000/);
    refused(() => new LSTM(3, 1e9), /hiddenSize = 1000000000/);
    refused(() => new LSTM(3, 4000, { numLayers: 1000, bidirectional: true, projSize: 2 }), /numLayers = 1000, bidirectional = true, projSize = 2 give 2.720e\+8/);
  });

  test('nn.LSTMCell', () => {
    refused(() => new LSTMCell(1e9, 2), /nn\.LSTMCell: inputSize = 1000000000, hiddenSize = 2 give/);
    refused(() => new LSTMCell(2, 1e5), /hiddenSize = 100000/);
  });

  test('layers.lstm: units 50000 at construction, a huge input at build; no tensor leaks', () => {
    refused(() => layers.lstm({ units: 50000 }), /layers\.LSTM: units = 50000 give 1\.000e\+10 weights/);
    const model = tfl.sequential();
    refused(() => model.add(layers.lstm({ units: 2000, inputShape: [5, 100000] })), /input features = 100000, units = 2000/);
    model.dispose();
  });

  test('setSizeLimits is the one adjustment, and restores', () => {
    const previous = setSizeLimits({ maxWeights: 100 });
    try {
      refused(() => new LSTM(3, 4), /maxWeights = 100 /);
      const ok = new LSTM(1, 1); // 4 + 4 + 8 = 16 weights
      ok.dispose();
    } finally {
      setSizeLimits(previous);
    }
    expect(sizeLimits()).toEqual(DEFAULT_SIZE_LIMITS);
    expect(() => setSizeLimits({ maxWeight: 1 } as never)).toThrow(ConfigError);
    expect(() => setSizeLimits({ maxLayers: -1 })).toThrow(ConfigError);
    expect(() => setSizeLimits(null as never)).toThrow(ConfigError);
  });

  test('just under the cap still builds (the count is exact)', () => {
    // 4H(I + H + 2) for one layer: I = 3, H = 5 -> 200.
    const previous = setSizeLimits({ maxWeights: 200 });
    try {
      const m = new LSTM(3, 5);
      expect(m.parameters().reduce((n, p) => n + p.size, 0)).toBe(200);
      m.dispose();
      refused(() => new LSTM(4, 5), /above the size limit maxWeights = 200/);
    } finally {
      setSizeLimits(previous);
    }
  });
});
