/**
 * Runs a PyTorch GRU / RNN / GRUCell / RNNCell case (scripts/torch/rnn_reference.py) through
 * lstm-bridge and compares outputs, h_n, packed layouts and the gradients of the same loss wrt
 * every parameter, the input and h0. Tolerances: those of ./torch-case (float32, 1e-5).
 */
import * as tf from '@tensorflow/tfjs-core';

import { GRU, GRUCell, RNN, RNNCell } from '../../src/nn';
import { PackedSequence, packPaddedSequence, padPackedSequence } from '../../src/nn/utils/rnn';
import { expectClose } from './tf';
import { FORWARD_ATOL, GRAD_ATOL, GRAD_RTOL, JsonTensor, fromJson } from './torch-case';

export interface RnnTorchCaseResult {
  case: string;
  kind: 'gru' | 'rnn' | 'gru_cell' | 'rnn_cell';
  config: Record<string, any>;
  state_dict: Record<string, JsonTensor>;
  input: JsonTensor;
  hx?: [JsonTensor];
  packed?: { lengths: number[]; enforce_sorted: boolean } | null;
  output?: JsonTensor;
  h_n: JsonTensor;
  packed_out?: { data: JsonTensor; lengths: JsonTensor };
  loss_weights: Record<string, JsonTensor>;
  grads: Record<string, JsonTensor>;
}

function build(c: RnnTorchCaseResult): GRU | RNN | GRUCell | RNNCell {
  const cfg = c.config;
  const bias = cfg.bias ?? true;
  if (c.kind === 'gru_cell') return new GRUCell(cfg.input_size, cfg.hidden_size, { bias });
  if (c.kind === 'rnn_cell') return new RNNCell(cfg.input_size, cfg.hidden_size, { bias, nonlinearity: cfg.nonlinearity ?? 'tanh' });
  const o = { numLayers: cfg.num_layers ?? 1, bias, batchFirst: cfg.batch_first ?? false, bidirectional: cfg.bidirectional ?? false };
  return c.kind === 'gru' ? new GRU(cfg.input_size, cfg.hidden_size, o) : new RNN(cfg.input_size, cfg.hidden_size, { ...o, nonlinearity: cfg.nonlinearity ?? 'tanh' });
}

/** Asserts lstm-bridge equals PyTorch on `c`; all tensors disposed, the count checked. */
export function checkRnnTorchCase(c: RnnTorchCaseResult): void {
  const before = tf.memory().numTensors;
  const module = build(c);
  module.eval();
  tf.tidy(() => {
    const sd: tf.NamedTensorMap = {};
    for (const [k, v] of Object.entries(c.state_dict)) sd[k] = fromJson(v);
    expect(Object.keys(module.stateDict())).toEqual(Object.keys(sd)); // PyTorch's key order
    module.loadStateDict(sd);
  });
  const toVariable = (j: JsonTensor) => tf.tidy(() => tf.variable(fromJson(j)));
  const input = toVariable(c.input);
  const h0 = c.hx ? toVariable(c.hx[0]) : null;
  const lossW = Object.fromEntries(Object.entries(c.loss_weights).map(([k, v]) => [k, fromJson(v)]));
  const batchFirst = c.config.batch_first ?? false;
  const seen: { output?: tf.Tensor; h?: tf.Tensor; packedData?: tf.Tensor; packedLengths?: tf.Tensor } = {};

  const loss = () => {
    let output: tf.Tensor | undefined;
    let h: tf.Tensor;
    if (module instanceof GRUCell || module instanceof RNNCell) {
      h = module.forward(input, h0);
    } else if (c.packed) {
      const packed = packPaddedSequence(input, c.packed.lengths, { batchFirst, enforceSorted: c.packed.enforce_sorted });
      const [out, hN] = module.forward(packed, h0);
      const [padded, lengths] = padPackedSequence(out as PackedSequence, { batchFirst });
      output = padded;
      h = hN;
      seen.packedData = tf.keep(tf.clone(out.data));
      seen.packedLengths = tf.keep(lengths);
    } else {
      [output, h] = module.forward(input, h0);
    }
    seen.output = output ? tf.keep(tf.clone(output)) : undefined;
    seen.h = tf.keep(tf.clone(h));
    let l = tf.sum(tf.mul(h, lossW.h_n));
    if (output) l = tf.add(l, tf.sum(tf.mul(output, lossW.output)));
    return l as tf.Scalar;
  };
  const { value, grads } = tf.variableGrads(loss, [...module.parameters(), input, ...(h0 ? [h0] : [])]);
  value.dispose();
  tf.tidy(() => {
    if (c.output) expectClose(seen.output as tf.Tensor, fromJson(c.output), FORWARD_ATOL, 0, `${c.case}: output`);
    expectClose(seen.h as tf.Tensor, fromJson(c.h_n), FORWARD_ATOL, 0, `${c.case}: h_n`);
    if (c.packed_out) {
      expectClose(seen.packedData as tf.Tensor, fromJson(c.packed_out.data), FORWARD_ATOL, 0, `${c.case}: packed output data`);
      expect(Array.from((seen.packedLengths as tf.Tensor).dataSync())).toEqual(c.packed_out.lengths.data);
    }
    for (const [key, v] of module.namedParameters()) {
      expectClose(grads[v.name], fromJson(c.grads[key]), GRAD_ATOL, GRAD_RTOL, `${c.case}: grad ${key}`);
    }
    expectClose(grads[input.name], fromJson(c.grads.input), GRAD_ATOL, GRAD_RTOL, `${c.case}: grad input`);
    if (h0) expectClose(grads[h0.name], fromJson(c.grads.h0), GRAD_ATOL, GRAD_RTOL, `${c.case}: grad h0`);
  });
  tf.dispose([Object.values(grads), Object.values(lossW), input, h0 ?? [], seen.output ?? [], seen.h ?? [], seen.packedData ?? [], seen.packedLengths ?? []]);
  module.dispose();
  expect(tf.memory().numTensors).toBe(before);
}
