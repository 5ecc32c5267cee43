/**
 * `--verify` for ONNX files: runs the file in onnxruntime-node (when installed) and compares it
 * with the `nn.LSTM` on the other side of the conversion, on random input.
 *
 * For each stack of LSTM nodes whose input and output are the model's own inputs and outputs
 * (an LSTM inside a larger model cannot be run alone): input (2, 5, input_size) batch first or
 * (5, 2, input_size) time-major as the file takes it ((5, input_size) unbatched), random
 * `h0` / `c0` when the file has them as inputs; compared: `output`, and `h_n` / `c_n` when the
 * file returns them. The reference is the engine (`lstmStack`) on the other side's weights:
 * its state dict under the stack's prefix, or its Keras model's k-th LSTM group (activations
 * included).
 */
import * as tf from '@tensorflow/tfjs-core';

import { lstmStack } from '../engine';
import { disposeOnnxStacks, readOnnxLstmStacks } from '../io';
import { decodeModel } from '../onnx';
import type { ModelProto } from '../onnx';
import { loadOnnxRuntime, onnxRuntimeUnavailableReason } from '../runtime/internal';
import { Comparison } from './comparison';
import { onnxPrefixes } from './formats/onnx-prefixes';
import { FormatOptions, InputFile, Source } from './formats/types';
import { LstmGroup, disposeGroups, kerasGroups, pickGroup, stateDictGroups } from './lstm-groups';
import { maxAbsDiff, uniformValues } from './random';

const uniform = (shape: number[], seed: number): Float32Array => uniformValues(shape.reduce((p, d) => p * d, 1), seed);

/**
 * The LSTM group of `other` that the file's stack `k` (named `prefix`) corresponds to, or why
 * there is none: for a model, its k-th group, or the one `--prefix` chose when the file holds one
 * stack of several groups (as the ONNX format writes it).
 */
function counterpart(other: Source, prefix: string, k: number, count: number, options: FormatOptions): LstmGroup[] | string {
  if (other.stateDict) {
    try {
      return stateDictGroups(other.stateDict, prefix);
    } catch {
      return `the other side has no LSTM under '${prefix}'`;
    }
  }
  const groups = kerasGroups(other.model!);
  let j = k;
  if (groups.length !== count) {
    j = count === 1 && groups.length > 1 ? pickChosen(groups, options) : -1;
    if (j < 0) {
      disposeGroups(groups);
      return `the other side has ${groups.length} LSTM groups, the file ${count}`;
    }
  }
  const [mine] = groups.splice(j, 1);
  disposeGroups(groups);
  return [mine];
}

/** The group `--prefix` chose, or -1. */
function pickChosen(groups: readonly LstmGroup[], options: FormatOptions): number {
  try {
    return pickGroup(groups, options.prefix);
  } catch {
    return -1;
  }
}

/**
 * Why a stack of the model cannot be run alone in onnxruntime (its input or output inside the
 * graph, or other inputs the model needs), or null. `states`: the stack's state inputs.
 */
export function whyNotRunnable(model: ModelProto, s: { input: string; inputIsGraphInput: boolean; output: string | null }, states: readonly string[]): string | null {
  const inputs = new Set(model.graph.input.map((i) => i.name));
  for (const t of model.graph.initializer) inputs.delete(t.name);
  const extra = [...inputs].filter((i) => i !== s.input && !states.includes(i));
  if (!s.inputIsGraphInput || !s.output) return 'its input or output is not an input or output of the model (a stack inside a larger model)';
  if (extra.length) return `the model needs other inputs (${extra.join(', ')})`;
  return null;
}

/** Runs the ONNX `file` in onnxruntime and compares it with `other`'s LSTMs (see the module documentation). */
export async function verifyOnnxFile(file: InputFile, other: Source, options: FormatOptions): Promise<{ comparisons: Comparison[]; notes: string[] }> {
  const path = file.path;
  const rt = loadOnnxRuntime();
  if (!rt) return { comparisons: [], notes: [`${path} was not run in onnxruntime: ${onnxRuntimeUnavailableReason()}`] };
  const bytes = file.bytes;
  const model = decodeModel(bytes);
  const stacks = readOnnxLstmStacks(model);
  const prefixes = onnxPrefixes(model, stacks.length, options);
  const comparisons: Comparison[] = [];
  const notes: string[] = [];
  const skip = (prefix: string, why: string) => notes.push(`LSTM '${prefix}' of ${path} was not run in onnxruntime: ${why}`);
  try {
    let session;
    try {
      session = await rt.InferenceSession.create(bytes);
    } catch (e) {
      // e.g. `layout = 1` LSTM nodes, which onnxruntime's CPU kernel refuses
      const message = (e instanceof Error ? e.message : String(e)).split('\n')[0];
      const why = /[^.]*not supported[^.]*/.exec(message)?.[0].trim() ?? message.slice(0, 200);
      return { comparisons: [], notes: [`${path} was not run: onnxruntime cannot load it (${why})`] };
    }
    try {
      for (const [k, s] of stacks.entries()) {
        const prefix = prefixes[k];
        const why = whyNotRunnable(model, s, s.initialState.kind === 'inputs' ? [s.initialState.h0, s.initialState.c0] : []);
        if (why) {
          skip(prefix, why);
          continue;
        }
        const found = counterpart(other, prefix, k, stacks.length, options);
        if (typeof found === 'string') {
          skip(prefix, found);
          continue;
        }
        const [g] = found;
        try {
          const { inputSize, hiddenSize, numLayers, bidirectional } = s.config;
          const L = 5, N = 2, D = bidirectional ? 2 : 1;
          const xShape = s.form === 'unbatched' ? [L, inputSize] : s.form === 'batch-first' ? [N, L, inputSize] : [L, N, inputSize];
          const stateShape = s.form === 'unbatched' ? [D * numLayers, hiddenSize] : [D * numLayers, N, hiddenSize];
          const what = `onnxruntime on ${path} vs the other side's LSTM '${g.name}'`;
          const c = g.config;
          if (c.inputSize !== inputSize || c.hiddenSize !== hiddenSize || c.numLayers !== numLayers || c.bidirectional !== bidirectional) {
            comparisons.push({ what: `${what}: sizes differ (${JSON.stringify(c)} vs ${JSON.stringify(s.config)})`, maxDiff: Infinity });
            continue;
          }
          const x = uniform(xShape, 17 + k);
          const [h0, c0] = [uniform(stateShape, 31 + k), uniform(stateShape, 37 + k)];
          const feeds: Record<string, InstanceType<typeof rt.Tensor>> = { [s.input]: new rt.Tensor('float32', x, xShape) };
          const withStates = s.initialState.kind === 'inputs';
          if (s.initialState.kind === 'inputs') {
            feeds[s.initialState.h0] = new rt.Tensor('float32', h0, stateShape);
            feeds[s.initialState.c0] = new rt.Tensor('float32', c0, stateShape);
          }
          const out = await session.run(feeds);
          // The reference: the engine on the other side's weights, in the file's layout.
          const ref = tf.tidy(() => {
            let xt = tf.tensor(x, xShape);
            xt = s.form === 'unbatched' ? tf.expandDims(xt, 1) : s.form === 'batch-first' ? tf.transpose(xt, [1, 0, 2]) : xt;
            const states = (v: Float32Array) => tf.unstack(s.form === 'unbatched' ? tf.expandDims(tf.tensor(v, stateShape), 1) : tf.tensor(v, stateShape));
            const r = lstmStack(xt, g.layers, { activation: g.activation, recurrentActivation: g.recurrentActivation, h0: withStates ? states(h0) : null, c0: withStates ? states(c0) : null });
            const fix = (t: tf.Tensor) => (s.form === 'unbatched' ? tf.squeeze(t, [1]) : t);
            const y = s.form === 'batch-first' ? tf.transpose(r.output, [1, 0, 2]) : fix(r.output);
            return { output: y.dataSync(), h_n: fix(tf.stack(r.h)).dataSync(), c_n: fix(tf.stack(r.c)).dataSync() };
          });
          let m = maxAbsDiff(out[s.output!].data as Float32Array, ref.output);
          const compared = ['output'];
          for (const [name, key] of [[s.hN, 'h_n'], [s.cN, 'c_n']] as const) {
            if (!name) continue;
            m = Math.max(m, maxAbsDiff(out[name].data as Float32Array, ref[key]));
            compared.push(key);
          }
          comparisons.push({ what: `${what} (${compared.join(', ')}) on input [${xShape.join(', ')}]`, maxDiff: m });
        } finally {
          disposeGroups([g]);
        }
      }
    } finally {
      await session.release();
    }
  } finally {
    disposeOnnxStacks(stacks);
  }
  return { comparisons, notes };
}
