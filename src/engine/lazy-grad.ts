/**
 * A custom-gradient op whose per-input gradients run only when the tape asks for them.
 *
 * `tf.customGrad` computes every input's gradient eagerly; {@link lazyGradOp} hands the tape a
 * gradient function per input instead, through the engine's `runKernelFunc` (the method
 * `tf.customGrad` itself calls). Without it (another tfjs version), or with the test switch
 * {@link setLazyGradients}`(false)`, it falls back to `tf.customGrad` with every gradient
 * computed.
 */
import * as tf from '@tensorflow/tfjs-core';

let lazyGradients = true;

/** Test switch: `false` takes the `tf.customGrad` fallback of {@link lazyGradOp}. */
export function setLazyGradients(enabled: boolean): void {
  lazyGradients = enabled;
}

/** A forward pass that saves tensors and returns its value with lazy per-input gradients. */
export type LazyBody = (
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

/** Records `body` as one op on the gradient tape, like `tf.customGrad` (see the module docs). */
export function lazyGradOp(inputs: tf.Tensor[], body: LazyBody): tf.Tensor {
  const engine = tf.engine() as unknown as KernelFuncEngine;
  if (lazyGradients && typeof engine.runKernelFunc === 'function') {
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
