/**
 * Runs a PyTorch reference case (see scripts/torch/lstm_reference.py) through lstm-bridge and
 * compares everything the reference recorded: outputs, final states, packed layouts and the
 * gradients of the same loss with respect to every parameter, the input and the initial state.
 */
import * as tf from '@tensorflow/tfjs-core';

import { LSTM, LSTMCell } from '../../src/nn';
import { PackedSequence, packPaddedSequence, padPackedSequence } from '../../src/nn/utils/rnn';
import { expectClose } from './tf';

export interface JsonTensor {
  shape: number[];
  data: number[];
}

export interface TorchCaseResult {
  case: string;
  config: Record<string, unknown>;
  kind?: 'lstm' | 'cell';
  state_dict: Record<string, JsonTensor>;
  input: JsonTensor;
  hx?: [JsonTensor, JsonTensor];
  packed?: { lengths: number[]; enforce_sorted: boolean } | null;
  output?: JsonTensor;
  h_n: JsonTensor;
  c_n: JsonTensor;
  packed_in?: { data: JsonTensor; batch_sizes: JsonTensor; sorted_indices: JsonTensor | null; unsorted_indices: JsonTensor | null };
  packed_out?: { data: JsonTensor; lengths: JsonTensor };
  loss_weights: Record<string, JsonTensor>;
  grads: Record<string, JsonTensor>;
}

export const fromJson = (j: JsonTensor, dtype: 'float32' | 'int32' = 'float32'): tf.Tensor => tf.tensor(j.data, j.shape, dtype);

/** Tolerances: float32 forward values and gradients against PyTorch (same float32 math). */
export const FORWARD_ATOL = 1e-5;
export const GRAD_ATOL = 1e-5;
export const GRAD_RTOL = 1e-4;

/**
 * Runs `c` (a case together with its PyTorch result) through lstm-bridge and asserts equality
 * with the PyTorch numbers. All tensors are disposed before returning.
 */
export function checkTorchCase(c: TorchCaseResult): void {
  const caseConfig = c;
  const cfg = c.config as Record<string, any>;
  const before = tf.memory().numTensors;
  const module =
    caseConfig.kind === 'cell'
      ? new LSTMCell(cfg.input_size, cfg.hidden_size, { bias: cfg.bias ?? true })
      : new LSTM(cfg.input_size, cfg.hidden_size, {
          numLayers: cfg.num_layers ?? 1,
          bias: cfg.bias ?? true,
          batchFirst: cfg.batch_first ?? false,
          bidirectional: cfg.bidirectional ?? false,
          projSize: cfg.proj_size ?? 0,
        });
  module.eval();
  tf.tidy(() => {
    const sd: tf.NamedTensorMap = {};
    for (const [k, v] of Object.entries(c.state_dict)) sd[k] = fromJson(v);
    expect(Object.keys(module.stateDict())).toEqual(Object.keys(sd)); // PyTorch's key order
    module.loadStateDict(sd);
  });
  const toVariable = (j: JsonTensor) => tf.tidy(() => tf.variable(fromJson(j)));
  const input = toVariable(c.input);
  const hx = c.hx ? (c.hx.map(toVariable) as [tf.Variable, tf.Variable]) : null;
  const lossW = Object.fromEntries(Object.entries(c.loss_weights).map(([k, v]) => [k, fromJson(v)]));
  const packedOpts = caseConfig.packed;
  type Seen = { output?: tf.Tensor; h?: tf.Tensor; c?: tf.Tensor; packedData?: tf.Tensor; packedLengths?: tf.Tensor };
  const seen: Seen = {};

  const loss = () => {
    let output: tf.Tensor | undefined;
    let h: tf.Tensor, cc: tf.Tensor;
    if (module instanceof LSTMCell) {
      [h, cc] = module.forward(input, hx);
    } else if (packedOpts) {
      const packed = packPaddedSequence(input, packedOpts.lengths, { batchFirst: cfg.batch_first ?? false, enforceSorted: packedOpts.enforce_sorted });
      const [out, [hN, cN]] = module.forward(packed, hx);
      const [padded, lengths] = padPackedSequence(out as PackedSequence, { batchFirst: cfg.batch_first ?? false });
      output = padded;
      h = hN;
      cc = cN;
      seen.packedData = tf.keep(tf.clone(out.data));
      seen.packedLengths = tf.keep(lengths);
    } else {
      const [out, [hN, cN]] = module.forward(input, hx);
      output = out;
      h = hN;
      cc = cN;
    }
    seen.output = output ? tf.keep(tf.clone(output)) : undefined;
    seen.h = tf.keep(tf.clone(h));
    seen.c = tf.keep(tf.clone(cc));
    let l = tf.add(tf.sum(tf.mul(h, lossW.h_n)), tf.sum(tf.mul(cc, lossW.c_n)));
    if (output) l = tf.add(l, tf.sum(tf.mul(output, lossW.output)));
    return l as tf.Scalar;
  };
  const varList = [...module.parameters(), input, ...(hx ?? [])];
  const { value, grads } = tf.variableGrads(loss, varList);
  value.dispose();
  const s = seen as Required<Seen>;
  tf.tidy(() => {
  if (c.output) expectClose(s.output as tf.Tensor, fromJson(c.output), FORWARD_ATOL, 0, `${c.case}: output`);
  expectClose(s.h, fromJson(c.h_n), FORWARD_ATOL, 0, `${c.case}: h_n`);
  expectClose(s.c, fromJson(c.c_n), FORWARD_ATOL, 0, `${c.case}: c_n`);
  if (c.packed_out) {
    expectClose(s.packedData as tf.Tensor, fromJson(c.packed_out.data), FORWARD_ATOL, 0, `${c.case}: packed output data`);
    expect(Array.from((s.packedLengths as tf.Tensor).dataSync())).toEqual(c.packed_out.lengths.data);
  }
  for (const [key, v] of module.namedParameters()) {
    expectClose(grads[v.name], fromJson(c.grads[key]), GRAD_ATOL, GRAD_RTOL, `${c.case}: grad ${key}`);
  }
  expectClose(grads[input.name], fromJson(c.grads.input), GRAD_ATOL, GRAD_RTOL, `${c.case}: grad input`);
  if (hx) {
    expectClose(grads[hx[0].name], fromJson(c.grads.h0), GRAD_ATOL, GRAD_RTOL, `${c.case}: grad h0`);
    expectClose(grads[hx[1].name], fromJson(c.grads.c0), GRAD_ATOL, GRAD_RTOL, `${c.case}: grad c0`);
  }
  });
  tf.dispose([Object.values(grads), Object.values(lossW), input, hx ?? [], s.output ?? [], s.h, s.c, s.packedData ?? [], s.packedLengths ?? []]);
  module.dispose();
  expect(tf.memory().numTensors).toBe(before);
}
