/**
 * `--verify` for GRU / RNN conversions (sources without an LSTM; `./verify` has the LSTM's
 * table, and compares state dict -> state dict and model -> model the same way for every kind):
 *
 * | source -> result | compared |
 * |---|---|
 * | state dict -> model | `nn.GRU` / `nn.RNN(batch_first=True)` output vs the model's output, input (2, 5, input_size) |
 * | model -> state dict | each stack's own Keras layers vs the module under its prefix: the whole sequence, or the last step / the final states of both directions (merged as the layer merges them) when the last layer returns the last output only |
 * | model -> ONNX | the written stack's weights, reset and activations vs the file's; the ONNX format also runs the file in onnxruntime (`./recurrent-onnx-verify`) |
 */
import * as tf from '@tensorflow/tfjs-core';

import { Bidirectional } from '../layers';
import { GRU as TorchGRU, RNN as TorchRNN } from '../nn';
import { Comparison } from './comparison';
import { FormatOptions, Source } from './formats/types';
import { runChain } from './layer-chains';
import { maxAbsDiff, uniformValues } from './random';
import { isRecurrentSource, nonlinearityOf, sourceStacks, stackPrefix } from './recurrent-convert';
import { RecurrentStack, disposeRecurrentStacks, pickStack, stackWeightDiff } from './recurrent-stacks';

const uniform = (shape: number[], seed: number) => tf.tensor(uniformValues(shape.reduce((a, b) => a * b, 1), seed), shape);

const maxDiff = (a: tf.Tensor, b: tf.Tensor) => (a.shape.join() !== b.shape.join() ? Infinity : maxAbsDiff(a.dataSync(), b.dataSync()));

/** The `nn.GRU` / `nn.RNN` under `prefix` of a state dict, batch first, run on `x`: [output, hN]. */
export function runTorchModule(kind: 'GRU' | 'RNN', stateDict: tf.NamedTensorMap, prefix: string, x: tf.Tensor, nonlinearity: 'tanh' | 'relu'): [tf.Tensor, tf.Tensor] {
  const m = kind === 'GRU' ? TorchGRU.fromStateDict(stateDict, { prefix, batchFirst: true }) : TorchRNN.fromStateDict(stateDict, { prefix, batchFirst: true, nonlinearity });
  try {
    const [output, hN] = m.forward(x);
    return [output as tf.Tensor, hN as tf.Tensor];
  } finally {
    m.dispose();
  }
}

/** What a Keras stack's last layer returns, from the PyTorch module's output (N, L, D·H) and h_n (D·K, N, H). */
function kerasHead(s: RecurrentStack, out: tf.Tensor, hN: tf.Tensor): tf.Tensor {
  const last = s.kerasLayers[s.kerasLayers.length - 1];
  return tf.tidy(() => {
    const H = s.hiddenSize;
    const K = s.layers.length;
    if (!(last instanceof Bidirectional)) return last.returnSequences ? out : tf.squeeze(tf.slice(out, [0, out.shape[1]! - 1, 0], [-1, 1, -1]), [1]);
    const [f, b] = last.forwardLayer.returnSequences
      ? [tf.slice(out, [0, 0, 0], [-1, -1, H]), tf.slice(out, [0, 0, H], [-1, -1, H])]
      : [tf.squeeze(tf.gather(hN, [2 * (K - 1)]), [0]), tf.squeeze(tf.gather(hN, [2 * K - 1]), [0])];
    switch (last.mergeMode) {
      case 'sum': return tf.add(f, b);
      case 'mul': return tf.mul(f, b);
      case 'ave': return tf.mul(tf.add(f, b), 0.5);
      default: return tf.concat([f, b], -1);
    }
  });
}

/** Compares `source` and `result` as the module table says, or null when `./verify`'s comparisons apply. */
export function verifyRecurrentConversion(source: Source, result: Source, options: FormatOptions): Comparison[] | null {
  if (!isRecurrentSource(source)) return null;
  if (source.stateDict && result.stateDict) return null;
  if (source.model && result.model && result.format !== 'onnx') return null;
  const mine = sourceStacks(source, options);
  try {
    if (result.format === 'onnx' && source.model) {
      const s = mine[pickStack(mine, options.prefix)];
      const back = sourceStacks(result, options);
      try {
        const m = back.length === 1 ? stackWeightDiff(s, back[0]) : Infinity;
        return [{ what: `weights, reset and activations of ${s.kind} '${s.name}' vs the ONNX file's ${back.length === 1 ? `stack '${back[0].name}'` : `${back.length} stacks`}`, maxDiff: m }];
      } finally {
        disposeRecurrentStacks(back);
      }
    }
    if (source.stateDict && result.model) {
      const s = mine[pickStack(mine, options.prefix)];
      const x = uniform([2, 5, s.inputSize], 11);
      const [out, hN] = runTorchModule(s.kind, source.stateDict, s.name, x, nonlinearityOf(options));
      const y = result.model.predict(x) as tf.Tensor;
      const m = maxDiff(out, y);
      tf.dispose([x, out, hN, y]);
      return [{ what: `nn.${s.kind} '${s.name}' vs model output on input [2, 5, ${s.inputSize}]`, maxDiff: m }];
    }
    return mine.map((s, k) => {
      const prefix = stackPrefix(mine, k, options);
      const x = uniform([2, 5, s.inputSize], 13 + k);
      const keras = runChain(s.kerasLayers, x);
      const [out, hN] = runTorchModule(s.kind, result.stateDict!, prefix, x, s.kind === 'RNN' && s.activation === 'relu' ? 'relu' : 'tanh');
      const torch = kerasHead(s, out, hN);
      const m = maxDiff(keras, torch);
      tf.dispose([x, keras, out, hN, torch]);
      return { what: `layers ${s.name} vs nn.${s.kind} '${prefix}' on input [2, 5, ${s.inputSize}]`, maxDiff: m };
    });
  } finally {
    disposeRecurrentStacks(mine);
  }
}
