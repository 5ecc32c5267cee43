/**
 * The text of `lstm-bridge inspect`: for every LSTM in a file, its weight convention, shapes, gate
 * order, activations, parameter count, and the equivalent PyTorch and Keras constructor calls.
 */
import * as tf from '@tensorflow/tfjs-core';

import { ActivationName } from '../engine';
import { Bidirectional, LSTM } from '../layers';
import { LstmGroup, torchIncompatibility } from './lstm-groups';
import { RECURRENT_KEY, recurrentPrefixes } from './recurrent-kinds';
import { weightLines } from './text-lists';

/** How a file stores an LSTM's weights. */
export type StoredConvention = 'torch' | 'keras' | 'keras1' | 'cudnn' | 'onnx';

const CONVENTIONS: Record<StoredConvention, { name: string; layout: string; gates: string }> = {
  torch: {
    name: 'PyTorch nn.LSTM',
    layout: 'weight_ih_l{k} (4H, in), weight_hh_l{k} (4H, H_out), bias_ih_l{k} + bias_hh_l{k} (4H), weight_hr_l{k} (P, H)',
    gates: 'i, f, g, o (rows)',
  },
  keras: { name: 'Keras LSTM', layout: 'kernel (in, 4U), recurrent_kernel (U, 4U), bias (4U)', gates: 'i, f, c, o (columns)' },
  keras1: { name: 'Keras 1 LSTM', layout: '12 arrays W_g (in, U), U_g (U, U), b_g (U), or fused W, U, b', gates: 'i, c, f, o (per-gate arrays; fused: i, f, c, o)' },
  cudnn: { name: 'Keras CuDNNLSTM', layout: 'kernel (in, 4U) in cuDNN memory layout, recurrent_kernel (U, 4U) transposed blocks, bias (8U) = b_W ‖ b_R', gates: 'i, f, c, o' },
  onnx: { name: 'ONNX LSTM operator', layout: 'one node per layer: W (D, 4H, in), R (D, 4H, H), B (D, 8H) = Wb ‖ Rb', gates: 'i, o, f, c (rows)' },
};

function shape(t: { shape: readonly number[] }): string {
  return `[${t.shape.join(', ')}]`;
}

function activationNote(a: ActivationName): string {
  if (a === 'hardSigmoid') return 'hard_sigmoid (Keras 1/2 form: clip(0.2x + 0.5, 0, 1))';
  if (a === 'hardSigmoidKeras3') return 'hard_sigmoid (Keras 3 form: clip(x / 6 + 0.5, 0, 1))';
  return a;
}

function kerasActivation(a: ActivationName): string {
  return a === 'hardSigmoid' || a === 'hardSigmoidKeras3' ? 'hard_sigmoid' : a.replace(/([a-z])([A-Z])/g, '$1_$2').toLowerCase();
}

/** `nn.LSTM(10, 20, num_layers=2, bidirectional=True)` for a group, or why there is none. */
export function torchCall(g: LstmGroup, batchFirst: boolean): string {
  const c = g.config;
  const extra: string[] = [];
  if (c.numLayers !== 1) extra.push(`num_layers=${c.numLayers}`);
  if (!c.bias) extra.push('bias=False');
  if (batchFirst) extra.push('batch_first=True');
  if (c.bidirectional) extra.push('bidirectional=True');
  if (c.projSize > 0) extra.push(`proj_size=${c.projSize}`);
  const call = `nn.LSTM(${[c.inputSize, c.hiddenSize, ...extra].join(', ')})`;
  const why = torchIncompatibility(g);
  return why ? `${call}  # not exact: ${why}` : call;
}

/** Keras constructor calls of a group: `Bidirectional(LSTM(20, return_sequences=True)) x2`. */
export function kerasCall(g: LstmGroup): string {
  if (g.config.projSize > 0) return `none: proj_size=${g.config.projSize} has no Keras equivalent`;
  const one = (h: LSTM | null, returnSequences: boolean, extra: string[] = []) => {
    const args = [String(g.config.hiddenSize)];
    if (g.activation !== 'tanh') args.push(`activation='${kerasActivation(g.activation)}'`);
    if (g.recurrentActivation !== 'sigmoid') args.push(`recurrent_activation='${kerasActivation(g.recurrentActivation)}'`);
    if (!g.config.bias) args.push('use_bias=False');
    if (returnSequences) args.push('return_sequences=True');
    if (h?.goBackwards) args.push('go_backwards=True');
    if (h?.stateful) args.push('stateful=True');
    return `LSTM(${[...args, ...extra].join(', ')})`;
  };
  const calls = g.layers.map((layer, k) => {
    const src = g.kerasLayers[k] ?? null;
    const seq = src ? src.returnSequences : true;
    const inputArg = k === 0 ? `input_shape=(None, ${g.config.inputSize})` : '';
    if (layer.backward) {
      const merge = src instanceof Bidirectional && src.mergeMode !== 'concat' ? `, merge_mode=${src.mergeMode === null ? 'None' : `'${src.mergeMode}'`}` : '';
      const inner = one(src instanceof Bidirectional ? src.forwardLayer : null, seq);
      return `Bidirectional(${inner}${merge}${inputArg ? `, ${inputArg}` : ''})`;
    }
    return one(src instanceof LSTM ? src : null, seq, inputArg ? [inputArg] : []);
  });
  const out: string[] = [];
  for (const c of calls) {
    const last = out[out.length - 1];
    const m = last ? /^(.*) x(\d+)$/.exec(last) : null;
    if (last && (m ? m[1] : last) === c && !c.includes('input_shape')) out[out.length - 1] = `${c} x${m ? Number(m[2]) + 1 : 2}`;
    else out.push(c);
  }
  return out.join(', ');
}

/** The lines describing one group (`batchFirst`: say `batch_first=True` in the torch call). */
export function describeGroup(
  g: LstmGroup,
  stored: StoredConvention,
  tensors: readonly { readonly name: string; readonly shape: readonly number[] }[],
  batchFirst = g.kerasLayers.length > 0,
): string[] {
  const c = g.config;
  const conv = CONVENTIONS[stored];
  const params = tensors.reduce((a, t) => a + t.shape.reduce((p, d) => p * d, 1), 0);
  const what =
    g.kerasLayers.length > 0
      ? g.kerasLayers.map((l) => (l instanceof Bidirectional ? `${l.name} (Bidirectional, merge ${l.mergeMode ?? 'None'})` : `${l.name} (LSTM)`)).join(' -> ')
      : `'${g.name}' (nn.LSTM)`;
  const flags = g.kerasLayers.flatMap((l) => {
    const h = l instanceof Bidirectional ? l.forwardLayer : l;
    const f = [h.returnSequences ? 'return_sequences' : '', h.returnState ? 'return_state' : '', l instanceof LSTM && l.goBackwards ? 'go_backwards' : '', h.stateful ? 'stateful' : '', h.timeMajor ? 'time_major' : ''].filter(Boolean);
    return f.length ? [`${l.name}: ${f.join(', ')}`] : [];
  });
  return [
    `LSTM ${what}`,
    `  convention: ${conv.name}: ${conv.layout}`,
    `  gate order: ${conv.gates}`,
    `  sizes: input ${c.inputSize}, hidden ${c.hiddenSize}${c.projSize ? `, proj ${c.projSize}` : ''}, layers ${c.numLayers}, ${c.bidirectional ? 'bidirectional' : 'one direction'}, bias ${c.bias ? 'yes' : 'no'}`,
    `  activations: ${activationNote(g.activation)}, recurrent ${activationNote(g.recurrentActivation)}`,
    ...(flags.length ? [`  flags: ${flags.join('; ')}`] : []),
    `  parameters: ${params.toLocaleString('en-US')}`,
    ...weightLines(`  weights${g.kerasLayers.length ? ' (as loaded, Keras layout)' : ''}:`, tensors, '    '),
    `  torch: ${torchCall(g, batchFirst)}`,
    `  keras: ${kerasCall(g)}`,
  ];
}

/** State-dict tensors that belong to no LSTM, GRU or RNN (`fc.weight [2, 40]`). */
export function otherTensors(stateDict: tf.NamedTensorMap): string[] {
  const prefixes = recurrentPrefixes(stateDict);
  return Object.entries(stateDict)
    .filter(([k]) => !prefixes.some((p) => k.startsWith(p) && RECURRENT_KEY.test(k.slice(p.length))))
    .map(([k, t]) => `${k} ${shape(t)}`);
}
