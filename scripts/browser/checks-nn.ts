/**
 * The `nn` part of the browser checks (`./checks.ts`), importing nothing but tfjs-core and
 * lstm-bridge's `nn`: the suite also runs it from a page whose bundle has only `{ nn }` (no
 * tfjs-layers), which proves the ESM build's gradient registration.
 */
import * as tf from '@tensorflow/tfjs-core';
import { nn } from '../../src';

export type CheckResults = Record<string, number[]>;

/** Values in [-1, 1) from a 32-bit LCG. */
export function seeded(seed: number, n: number, scale = 1): Float32Array {
  const out = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = ((s / 2 ** 32) * 2 - 1) * scale;
  }
  return out;
}

export function seededTensor(seed: number, shape: number[], scale = 1): tf.Tensor {
  return tf.tensor(seeded(seed, shape.reduce((a, b) => a * b, 1), scale), shape);
}

export function values(t: tf.Tensor): number[] {
  return Array.from(t.dataSync());
}

/** A seeded nn.LSTM(3, 4, 2 layers, bidirectional). */
export function seededLstm(): nn.LSTM {
  const lstm = new nn.LSTM(3, 4, { numLayers: 2, bidirectional: true });
  let seed = 100;
  const sd: Record<string, tf.Tensor> = {};
  for (const [key, v] of lstm.namedParameters()) sd[key] = seededTensor(seed++, v.shape, 0.5);
  lstm.loadStateDict(sd);
  tf.dispose(Object.values(sd));
  lstm.eval();
  return lstm;
}

export function nnChecks(out: CheckResults): void {
  const lstm = seededLstm();
  tf.tidy(() => {
    const x = seededTensor(1, [5, 2, 3]);
    const h0 = seededTensor(2, [4, 2, 4], 0.3);
    const c0 = seededTensor(3, [4, 2, 4], 0.3);
    const [y, [h, c]] = lstm.forward(x, [h0, c0]);
    out['nn.forward.output'] = values(y);
    out['nn.forward.h_n'] = values(h);
    out['nn.forward.c_n'] = values(c);
    const loss = (): tf.Scalar => tf.sum(tf.square(lstm.forward(x, [h0, c0])[0])) as tf.Scalar;
    const { grads } = tf.variableGrads(loss, lstm.parameters());
    for (const [key, v] of lstm.namedParameters()) out[`nn.grad.${key}`] = values(grads[v.name] as tf.Tensor);
    out['nn.grad.input'] = values(tf.grad((xi: tf.Tensor) => tf.sum(tf.square(lstm.forward(xi, [h0, c0])[0])))(x));
    const packed = nn.utils.rnn.packPaddedSequence(x, [2, 5], { enforceSorted: false });
    const [packedOut, [hLast, cLast]] = lstm.forward(packed);
    const [padded, lengths] = nn.utils.rnn.padPackedSequence(packedOut);
    out['nn.packed.padded'] = values(padded);
    out['nn.packed.lengths'] = values(lengths);
    out['nn.packed.h_n'] = values(hLast);
    out['nn.packed.c_n'] = values(cLast);
  });
  lstm.dispose();
}
