/**
 * The fast executor of one layer and direction: `./fast-forward` for the values and, when a
 * gradient is being recorded, `./fast-backward` as a `tf.customGrad` over the whole sequence.
 *
 * - No gradient recorded (`tf.engine().isTapeOn()` is false: plain inference, also inside
 *   `tf.tidy`): the forward pass alone, freeing each step's intermediates as it goes.
 * - Inside `tf.grad` / `tf.variableGrads` / `optimizer.minimize`: one custom-gradient op whose
 *   inputs are x, the weights, the initial state and the recurrent-input mask, so gradients
 *   reach every one of them. tfjs's customGrad returns one tensor, so the op's value packs
 *   `[output, h, c]` flat and the caller cuts it (O(size), once per call).
 *
 * Only tfjs-core ops; registers no kernel or gradient globally.
 */
import * as tf from '@tensorflow/tfjs-core';

import { derivativeFromOutput } from './activation-grads';
import { fastBackward } from './fast-backward';
import { FastLayerConfig, FastLayerInputs, StepRecord, fastForward, needsPreActivations } from './fast-forward';

/** Result of {@link fastLayer}: the same three tensors as `lstmLayer`. */
export interface FastLayerResult {
  readonly output: tf.Tensor3D;
  readonly h: tf.Tensor2D;
  readonly c: tf.Tensor2D;
}

/** The weights and states of a fast layer call, before the biases are summed. */
export interface FastLayerTensors extends Omit<FastLayerInputs, 'bias'> {
  readonly bias: tf.Tensor1D | null;
  readonly recurrentBias: tf.Tensor1D | null;
}

function summedBias(a: tf.Tensor1D | null, b: tf.Tensor1D | null): tf.Tensor1D | null {
  if (a && b) return tf.add(a, b) as tf.Tensor1D;
  return a ?? b;
}

/** Runs one layer and direction; differentiable with respect to every tensor it is given. */
export function fastLayer(ts: FastLayerTensors, cfg: FastLayerConfig): FastLayerResult {
  if (!tf.engine().isTapeOn()) {
    return tf.tidy(() => {
      const r = fastForward({ ...ts, bias: summedBias(ts.bias, ts.recurrentBias) }, cfg, false);
      return { output: r.output, h: r.h, c: r.c };
    });
  }
  return recordedLayer(ts, cfg);
}

/** Names of the optional inputs, in the order they follow x, kernel, recurrentKernel. */
const OPTIONAL = ['bias', 'recurrentBias', 'projection', 'h0', 'c0', 'recurrentInputMask'] as const;
type Optional = (typeof OPTIONAL)[number];

/** Switch for tests: `enabled = false` takes the `tf.customGrad` fallback of `lazyGradOp`. */
export const LAZY_GRADIENTS = { enabled: true };

/** A forward pass that saves tensors and returns its value with lazy per-input gradients. */
type LazyBody = (
  inputs: tf.Tensor[],
  save: tf.GradSaveFunc,
) => { value: tf.Tensor; gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => (() => tf.Tensor)[] };

interface KernelFuncEngine {
  runKernelFunc?: (params: {
    forwardFunc: (backend: unknown, save: tf.GradSaveFunc) => tf.Tensor;
    backwardsFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => Record<string, () => tf.Tensor>;
    inputs: Record<string, tf.Tensor>;
  }) => tf.Tensor;
}

/**
 * Records `body` as one op on the gradient tape, like `tf.customGrad`, but hands the tape a
 * gradient function per input that runs only when the tape asks for it (`tf.customGrad`
 * computes every input's gradient eagerly). This uses the engine's `runKernelFunc`, the method
 * `tf.customGrad` itself calls; without it (another tfjs version) it falls back to
 * `tf.customGrad` with every gradient computed.
 */
function lazyGradOp(inputs: tf.Tensor[], body: LazyBody): tf.Tensor {
  const engine = tf.engine() as unknown as KernelFuncEngine;
  if (LAZY_GRADIENTS.enabled && typeof engine.runKernelFunc === 'function') {
    let gradFunc: ((dy: tf.Tensor, saved: tf.Tensor[]) => (() => tf.Tensor)[]) | null = null;
    const inputMap: Record<string, tf.Tensor> = {};
    inputs.forEach((t, k) => {
      inputMap[k] = t;
    });
    return engine.runKernelFunc.call(engine, {
      forwardFunc: (_backend, save) => {
        const r = body(inputs, save);
        gradFunc = r.gradFunc;
        return r.value;
      },
      backwardsFunc: (dy, saved) => {
        const fns = (gradFunc as NonNullable<typeof gradFunc>)(dy, saved);
        const map: Record<string, () => tf.Tensor> = {};
        fns.forEach((fn, k) => {
          map[k] = fn;
        });
        return map;
      },
      inputs: inputMap,
    });
  }
  const op = tf.customGrad((...args: unknown[]) => {
    const save = args.pop() as tf.GradSaveFunc;
    const r = body(args as tf.Tensor[], save);
    return { value: r.value, gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => r.gradFunc(dy, saved).map((fn) => fn()) };
  });
  return op(...inputs);
}

/** Fixed per-record tensor slots in the saved list (see `flatten`). */
const SLOTS = 10;

/** The optional input `name` in a list laid out as [x, kernel, recurrentKernel, ...present]. */
function optionalOf(present: readonly Optional[], list: readonly tf.Tensor[], name: Optional): tf.Tensor | null {
  const k = present.indexOf(name);
  return k < 0 ? null : list[3 + k];
}

/** The layer inputs from such a list, with the (already summed) bias given. */
function inputsOf(present: readonly Optional[], list: readonly tf.Tensor[], bias: tf.Tensor1D | null): FastLayerInputs {
  const opt = (name: Optional) => optionalOf(present, list, name);
  return {
    x: list[0],
    kernel: list[1] as tf.Tensor2D,
    recurrentKernel: list[2] as tf.Tensor2D,
    bias,
    projection: opt('projection') as tf.Tensor2D | null,
    h0: opt('h0') as tf.Tensor2D | null,
    c0: opt('c0') as tf.Tensor2D | null,
    recurrentInputMask: opt('recurrentInputMask') as tf.Tensor2D | null,
  };
}

function recordedLayer(ts: FastLayerTensors, cfg: FastLayerConfig): FastLayerResult {
  const { T, N, H, Hout } = cfg;
  const present = OPTIONAL.filter((name) => ts[name]);
  const inputs: tf.Tensor[] = [ts.x, ts.kernel, ts.recurrentKernel, ...present.map((name) => ts[name] as tf.Tensor)];
  const keepPre = needsPreActivations(cfg);
  // Which gates' pre-activations the forward pass keeps (the others' slots hold placeholders).
  const preKept = [0, 1, 2, 3].map((q) => !derivativeFromOutput(q === 2 ? cfg.activation : cfg.recurrentActivation));
  const outSize = T * N * Hout;
  const hSize = N * Hout;
  let recordMeta: { t: number; mask: StepRecord['mask']; projection: boolean }[] = [];

  const body: LazyBody = (got, save) => {
    const opt = (name: Optional) => optionalOf(present, got, name);
    const inp = inputsOf(present, got, summedBias(opt('bias') as tf.Tensor1D | null, opt('recurrentBias') as tf.Tensor1D | null));
    const r = fastForward(inp, cfg, true);
    const records = r.records as StepRecord[];
    recordMeta = records.map((rec) => ({ t: rec.t, mask: rec.mask, projection: rec.hc !== null }));
    // Saved: the inputs, then SLOTS tensors per record (a placeholder repeats hIn where a slot is empty).
    const flat: tf.Tensor[] = [...got];
    for (const rec of records) {
      flat.push(rec.hPrev, rec.hIn, rec.cPrev, ...rec.gates, rec.cNew, rec.phiC, rec.hc ?? rec.hIn);
      if (keepPre) for (let q = 0; q < 4; q++) flat.push(rec.pre?.[q] ?? rec.hIn);
    }
    save(flat);
    const value = tf.concat([tf.reshape(r.output, [-1]), tf.reshape(r.h, [-1]), tf.reshape(r.c, [-1])]);
    const gradFunc = (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const sinp = inputsOf(present, saved.slice(0, got.length), null);
      const per = SLOTS + (keepPre ? 4 : 0);
      const recs: StepRecord[] = recordMeta.map((meta, k) => {
        const o = got.length + k * per;
        // Recorded as (1, N, ·); the backward pass works on (N, ·).
        const q = saved.slice(o, o + per).map((v) => tf.reshape(v, [N, -1]) as tf.Tensor2D);
        return {
          t: meta.t,
          mask: meta.mask,
          hPrev: q[0],
          hIn: q[1],
          cPrev: q[2],
          gates: [q[3], q[4], q[5], q[6]],
          cNew: q[7],
          phiC: q[8],
          hc: meta.projection ? q[9] : null,
          pre: keepPre ? [q[10], q[11], q[12], q[13]].map((z, gate) => (preKept[gate] ? z : null)) : null,
        };
      });
      const dOut = tf.slice(dy, [0], [outSize]);
      const dhN = tf.reshape(tf.slice(dy, [outSize], [hSize]), [N, Hout]) as tf.Tensor2D;
      const dcN = tf.reshape(tf.slice(dy, [outSize + hSize], [N * H]), [N, H]) as tf.Tensor2D;
      const g = fastBackward(sinp, cfg, recs, dOut, dhN, dcN);
      const byName: Record<Optional, (() => tf.Tensor) | null> = {
        bias: g.dBias,
        recurrentBias: g.dBias,
        projection: g.dProjection,
        h0: g.dh0,
        c0: g.dc0,
        recurrentInputMask: g.dRecurrentInputMask,
      };
      return [g.dx, g.dKernel, g.dRecurrentKernel, ...present.map((name) => byName[name] as () => tf.Tensor)];
    };
    return { value, gradFunc };
  };

  return tf.tidy(() => {
    const packed = lazyGradOp(inputs, body);
    return {
      output: tf.reshape(tf.slice(packed, [0], [outSize]), [T, N, Hout]) as tf.Tensor3D,
      h: tf.reshape(tf.slice(packed, [outSize], [hSize]), [N, Hout]) as tf.Tensor2D,
      c: tf.reshape(tf.slice(packed, [outSize + hSize], [N * H]), [N, H]) as tf.Tensor2D,
    };
  });
}
