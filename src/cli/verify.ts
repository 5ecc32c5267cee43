/**
 * `--verify`: runs the source and the converted result on the same random input and measures the
 * largest absolute difference.
 *
 * | source -> result | compared |
 * |---|---|
 * | state dict -> state dict | every tensor of the result with the source's |
 * | model -> model | `predict` on random inputs (token ids for an Embedding) |
 * | state dict -> model | `nn.LSTM(batch_first=True)` output vs the model's output, input (2, 5, input_size) |
 * | model -> state dict | each LSTM group's own Keras layers vs the `nn.LSTM` under its prefix: the whole output sequence, or the last step (one direction) / the final states of both directions (Bidirectional) when the Keras layer returns the last output only |
 * | model -> ONNX | the written group's weights (and activations) vs the file's; the ONNX format also runs the file in onnxruntime against the group (`./onnx-verify`) |
 *
 * GRU / RNN sources: `./recurrent-verify`.
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';

import { ConfigError } from '../errors';
import { Bidirectional } from '../layers';
import { LSTM as TorchLSTM } from '../nn';
import { Comparison } from './comparison';
import { FormatOptions, Source } from './formats/types';
import { verifyRecurrentConversion } from './recurrent-verify';
import { chosenPrefix, groupPrefix } from './formats/state-dict';
import { disposeGroups, groupWeightDiff, kerasGroups, pickGroup, runKerasGroup, stateDictGroups } from './lstm-groups';
import { maxAbsDiff, seededRandom, uniformValues } from './random';

export type { Comparison };

function uniform(shape: number[], seed: number): tf.Tensor {
  return tf.tensor(uniformValues(shape.reduce((a, b) => a * b, 1), seed), shape);
}

function maxDiff(a: tf.Tensor, b: tf.Tensor): number {
  return a.shape.join() !== b.shape.join() ? Infinity : maxAbsDiff(a.dataSync(), b.dataSync());
}

/** Random inputs for a model: free dims are batch 2 / length 5; token ids for an Embedding. */
export function randomInputs(model: tfl.LayersModel, seed: number): tf.Tensor[] {
  const embedding = model.layers.find((l) => l.getClassName() === 'Embedding') as (tfl.layers.Layer & { inputDim: number }) | undefined;
  return model.inputs.map((input, k) => {
    const shape = input.shape.map((d, i) => d ?? (i === 0 ? 2 : 5));
    if (!embedding) return uniform(shape, seed + k);
    const next = seededRandom(seed + k);
    return tf.tensor(Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => Math.floor(next() * embedding.inputDim)), shape);
  });
}

function compareStateDicts(source: tf.NamedTensorMap, result: tf.NamedTensorMap): Comparison[] {
  let m = 0;
  for (const [k, t] of Object.entries(result)) {
    const s = source[k];
    if (!s) throw new ConfigError(`lstm-bridge: --verify: ${k} is in the result but not in the source`);
    m = Math.max(m, maxDiff(s, t));
  }
  return [{ what: `${Object.keys(result).length} tensors`, maxDiff: m }];
}

function compareModels(a: tfl.LayersModel, b: tfl.LayersModel): Comparison[] {
  const xs = randomInputs(a, 7);
  try {
    const ya = tf.tidy(() => [a.predict(xs.length === 1 ? xs[0] : xs)].flat() as tf.Tensor[]);
    const yb = tf.tidy(() => [b.predict(xs.length === 1 ? xs[0] : xs)].flat() as tf.Tensor[]);
    const m = Math.max(...ya.map((y, k) => (yb[k] ? maxDiff(y, yb[k]) : Infinity)));
    tf.dispose([...ya, ...yb]);
    return [{ what: `model outputs on input ${xs.map((x) => `[${x.shape.join(', ')}]`).join(' ')}`, maxDiff: m }];
  } finally {
    tf.dispose(xs);
  }
}

/** The `nn.LSTM` under `prefix` of a state dict, batch first, run on `x`: [output, hN]. */
function runTorch(stateDict: tf.NamedTensorMap, prefix: string, x: tf.Tensor): [tf.Tensor, tf.Tensor] {
  const lstm = TorchLSTM.fromStateDict(stateDict, { prefix, batchFirst: true });
  try {
    const [output, [hN, cN]] = lstm.forward(x);
    cN.dispose();
    return [output as tf.Tensor, hN];
  } finally {
    lstm.dispose();
  }
}

/** A model's group written to ONNX (the one `--prefix` chose) against the stack read back from the file. */
function compareWithOnnx(model: tfl.LayersModel, result: Source, options: { prefix?: string }): Comparison[] {
  const groups = kerasGroups(model);
  const back = result.stateDict ? stateDictGroups(result.stateDict) : kerasGroups(result.model!);
  try {
    const g = groups[pickGroup(groups, options.prefix)];
    const m = back.length === 1 ? groupWeightDiff(g, back[0]) : Infinity;
    return [{ what: `weights and activations of LSTM '${g.name}' vs the ONNX file's ${back.length === 1 ? `stack '${back[0].name}'` : `${back.length} stacks`}`, maxDiff: m }];
  } finally {
    disposeGroups([...groups, ...back]);
  }
}

/** Compares `source` and `result` as the module table says. */
export function verifyConversion(source: Source, result: Source, options: FormatOptions): Comparison[] {
  const recurrent = verifyRecurrentConversion(source, result, options);
  if (recurrent) return recurrent;
  if (source.model && result.format === 'onnx') return compareWithOnnx(source.model, result, options);
  if (source.stateDict && result.stateDict) return compareStateDicts(source.stateDict, result.stateDict);
  if (source.model && result.model) return compareModels(source.model, result.model);
  if (source.stateDict && result.model) {
    const prefix = chosenPrefix(source.stateDict, options);
    const inputSize = source.stateDict[`${prefix}weight_ih_l0`].shape[1] as number;
    const x = uniform([2, 5, inputSize], 11);
    const [out, hN] = runTorch(source.stateDict, prefix, x);
    const y = result.model.predict(x) as tf.Tensor;
    const m = maxDiff(out, y);
    tf.dispose([x, out, hN, y]);
    return [{ what: `nn.LSTM '${prefix}' vs model output on input [2, 5, ${inputSize}]`, maxDiff: m }];
  }
  const groups = kerasGroups(source.model!);
  try {
    return groups.map((g, k) => {
      const prefix = groupPrefix(groups, k, options);
      const x = uniform([2, 5, g.config.inputSize], 13 + k);
      const keras = runKerasGroup(g, x);
      const [out, hN] = runTorch(result.stateDict!, prefix, x);
      const last = g.kerasLayers[g.kerasLayers.length - 1];
      const torch = tf.tidy(() => {
        if (last.returnSequences) return out;
        const L = g.config.numLayers;
        if (last instanceof Bidirectional) return tf.concat([tf.squeeze(tf.gather(hN, [2 * (L - 1)]), [0]), tf.squeeze(tf.gather(hN, [2 * L - 1]), [0])], -1);
        return tf.squeeze(tf.slice(out, [0, 4, 0], [-1, 1, -1]), [1]);
      });
      const m = maxDiff(keras, torch);
      tf.dispose([x, keras, out, hN, torch]);
      return { what: `layers ${g.name} vs nn.LSTM '${prefix}' on input [2, 5, ${g.config.inputSize}]`, maxDiff: m };
    });
  } finally {
    disposeGroups(groups);
  }
}
