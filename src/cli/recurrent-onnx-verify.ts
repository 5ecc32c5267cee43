/**
 * `--verify` for ONNX files of `GRU` / `RNN` nodes: runs the file in onnxruntime-node (when
 * installed) and compares it with the stack on the other side of the conversion, on random
 * input — the GRU / RNN counterpart of `./onnx-verify` (which files with LSTM nodes keep).
 *
 * For each stack whose input and output are the model's own: input (2, 5, input_size) batch first
 * or (5, 2, input_size) time-major as the file takes it ((5, input_size) unbatched), a random `h0`
 * when the file has it as an input; compared: `output`, and `h_n` when the file returns it. The
 * reference is the engine (`gruStack` / `rnnStack`) on the other side's weights, reset and
 * activations: its state dict's stack under the file's prefix, or its model's k-th stack (or the
 * one `--prefix` chose when the file holds one stack of several).
 */
import * as tf from '@tensorflow/tfjs-core';

import { disposeOnnxRecurrentStacks, readOnnxRecurrentStacks } from '../io';
import { decodeModel } from '../onnx';
import { loadOnnxRuntime, onnxRuntimeUnavailableReason } from '../runtime/internal';
import { Comparison } from './comparison';
import { FormatOptions, InputFile, Source } from './formats/types';
import { verifyOnnxFile, whyNotRunnable } from './onnx-verify';
import { maxAbsDiff, uniformValues } from './random';
import { nonlinearityOf } from './recurrent-convert';
import { recurrentOnnxPrefixes } from './recurrent-onnx';
import { RecurrentStack, disposeRecurrentStacks, kerasStacks, pickStack, runStack, stateDictStacks } from './recurrent-stacks';

type Verified = { comparisons: Comparison[]; notes: string[] };

const uniform = (shape: number[], seed: number): Float32Array => uniformValues(shape.reduce((p, d) => p * d, 1), seed);

/** The stack of `other` that the file's stack `k` (named `prefix`) corresponds to, or why there is none. */
function counterpart(other: Source, prefix: string, k: number, count: number, options: FormatOptions): RecurrentStack | string {
  if (other.stateDict) {
    try {
      const [s] = stateDictStacks(other.stateDict, nonlinearityOf(options), prefix);
      return s;
    } catch {
      return `the other side has no GRU or RNN under '${prefix}'`;
    }
  }
  const stacks = kerasStacks(other.model!);
  let j = k;
  if (stacks.length !== count) {
    j = -1;
    if (count === 1 && stacks.length > 1) {
      try {
        j = pickStack(stacks, options.prefix);
      } catch {
        j = -1;
      }
    }
  }
  if (j < 0) {
    disposeRecurrentStacks(stacks);
    return `the other side has ${stacks.length} GRU / RNN stacks, the file ${count}`;
  }
  const [mine] = stacks.splice(j, 1);
  disposeRecurrentStacks(stacks);
  return mine;
}

/** The ONNX `file`, run in onnxruntime and compared with `other` (any kind: LSTM files go to `./onnx-verify`). */
export async function verifyAnyOnnxFile(file: InputFile, other: Source, options: FormatOptions, role: 'input' | 'output'): Promise<Verified> {
  const { path, bytes } = file;
  const model = decodeModel(bytes);
  const ops = new Set(model.graph.node.map((n) => n.opType));
  if (ops.has('LSTM') || !(ops.has('GRU') || ops.has('RNN'))) return verifyOnnxFile(file, other, options);
  const rt = loadOnnxRuntime();
  if (!rt) return { comparisons: [], notes: [`${path} was not run in onnxruntime: ${onnxRuntimeUnavailableReason()}`] };
  let session;
  try {
    session = await rt.InferenceSession.create(bytes);
  } catch (e) {
    const message = (e instanceof Error ? e.message : String(e)).split('\n')[0];
    return { comparisons: [], notes: [`${path} was not run: onnxruntime cannot load it (${message.slice(0, 200)})`] };
  }
  const stacks = readOnnxRecurrentStacks(model);
  const prefixes = recurrentOnnxPrefixes(model, stacks, options);
  const comparisons: Comparison[] = [];
  const notes: string[] = [];
  const skip = (prefix: string, why: string) => notes.push(`${prefix} of ${path} (the conversion's ${role}) was not run in onnxruntime: ${why}`);
  try {
    for (const [k, s] of stacks.entries()) {
      const prefix = prefixes[k];
      const why = whyNotRunnable(model, s, s.initialState.kind === 'input' ? [s.initialState.h0] : []);
      if (why) {
        skip(prefix, why);
        continue;
      }
      const g = counterpart(other, prefix, k, stacks.length, options);
      if (typeof g === 'string') {
        skip(prefix, g);
        continue;
      }
      try {
        const what = `onnxruntime on ${path} vs the other side's ${g.kind} '${g.name}'`;
        const D = s.bidirectional ? 2 : 1;
        if (g.kind !== (s.kind === 'gru' ? 'GRU' : 'RNN') || g.inputSize !== s.inputSize || g.hiddenSize !== s.hiddenSize || g.layers.length !== s.numLayers || g.bidirectional !== s.bidirectional) {
          comparisons.push({ what: `${what}: kinds or sizes differ`, maxDiff: Infinity });
          continue;
        }
        // Free sizes: batch 2, length 5; the file's own where its input has fixed ones.
        const fixed = (model.graph.input.find((i) => i.name === s.input)?.type?.tensorType?.shape ?? []).map((d) => (d.dimValue && d.dimValue > 0 ? d.dimValue : null));
        const at = (i: number, free: number) => fixed[i] ?? free;
        const [L, N] = s.form === 'unbatched' ? [at(0, 5), 1] : s.form === 'batch-first' ? [at(1, 5), at(0, 2)] : [at(0, 5), at(1, 2)];
        const xShape = s.form === 'unbatched' ? [L, s.inputSize] : s.form === 'batch-first' ? [N, L, s.inputSize] : [L, N, s.inputSize];
        const stateShape = s.form === 'unbatched' ? [D * s.numLayers, s.hiddenSize] : [D * s.numLayers, N, s.hiddenSize];
        const x = uniform(xShape, 17 + k);
        const h0 = uniform(stateShape, 31 + k);
        const feeds: Record<string, InstanceType<typeof rt.Tensor>> = { [s.input]: new rt.Tensor('float32', x, xShape) };
        if (s.initialState.kind === 'input') feeds[s.initialState.h0] = new rt.Tensor('float32', h0, stateShape);
        let out;
        try {
          out = await session.run(feeds);
        } catch (e) {
          skip(prefix, `onnxruntime failed on input [${xShape.join(', ')}]: ${(e instanceof Error ? e.message : String(e)).split('\n')[0].slice(0, 200)}`);
          continue;
        }
        const ref = tf.tidy(() => {
          // The reference takes (N, L, I) and (D·K, N, H).
          const xt = tf.tensor(x, xShape);
          const xb = s.form === 'unbatched' ? tf.expandDims(xt, 0) : s.form === 'batch-first' ? xt : tf.transpose(xt, [1, 0, 2]);
          const ht = tf.tensor(h0, stateShape);
          const r = runStack(g, xb, s.initialState.kind === 'input' ? (s.form === 'unbatched' ? tf.expandDims(ht, 1) : ht) : undefined);
          const y = s.form === 'unbatched' ? tf.squeeze(r.output, [0]) : s.form === 'batch-first' ? r.output : tf.transpose(r.output, [1, 0, 2]);
          return { output: y.dataSync(), hN: (s.form === 'unbatched' ? tf.squeeze(r.hN, [1]) : r.hN).dataSync() };
        });
        let m = maxAbsDiff(out[s.output!].data as Float32Array, ref.output);
        const compared = ['output'];
        if (s.hN) {
          m = Math.max(m, maxAbsDiff(out[s.hN].data as Float32Array, ref.hN));
          compared.push('h_n');
        }
        comparisons.push({ what: `${what} (${compared.join(', ')}) on input [${xShape.join(', ')}]`, maxDiff: m });
      } finally {
        disposeRecurrentStacks([g]);
      }
    }
  } finally {
    disposeOnnxRecurrentStacks(stacks);
    await session.release();
  }
  return { comparisons, notes };
}
