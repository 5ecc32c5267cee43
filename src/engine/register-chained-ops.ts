/**
 * Registers tfjs-core's chained tensor methods (`x.flatten()`, `x.reshape(...)`) when they are
 * missing.
 *
 * `require('@tensorflow/tfjs-core')` from CommonJS loads a bundle without them, and
 * tfjs-layers relies on them (its `orthogonal` initializer calls `rMat.flatten()`). The
 * umbrella `@tensorflow/tfjs` package registers the same methods; this does it for users who
 * install only tfjs-core and tfjs-layers. It only adds methods that are absent and never
 * replaces one, so it cannot change the behaviour of an existing tfjs setup.
 */
import * as tf from '@tensorflow/tfjs-core';

type AnyFn = (...args: unknown[]) => unknown;
type TensorProto = Record<string, unknown> & { throwIfDisposed?: () => void };

/** Methods whose body is not `op(this, ...args)`. */
const SPECIAL: Record<string, (self: tf.Tensor, ...args: never[]) => unknown> = {
  as1D: (t) => tf.reshape(t, [t.size]),
  as2D: (t, a: number, b: number) => tf.reshape(t, [a, b]),
  as3D: (t, a: number, b: number, c: number) => tf.reshape(t, [a, b, c]),
  as4D: (t, a: number, b: number, c: number, d: number) => tf.reshape(t, [a, b, c, d]),
  as5D: (t, a: number, b: number, c: number, d: number, e: number) => tf.reshape(t, [a, b, c, d, e]),
  asScalar: (t) => tf.reshape(t, []),
  asType: (t, dtype: tf.DataType) => tf.cast(t, dtype),
  concat: (t, x: tf.Tensor | tf.Tensor[], axis?: number) =>
    tf.concat([t, ...(x instanceof tf.Tensor ? [x] : x)], axis),
  flatten: (t) => tf.reshape(t, [t.size]),
  reshapeAs: (t, x: tf.Tensor) => tf.reshape(t, x.shape),
  stack: (t, x: tf.Tensor | tf.Tensor[], axis?: number) =>
    tf.stack([t, ...(x instanceof tf.Tensor ? [x] : x)], axis),
  toBool: (t) => tf.cast(t, 'bool'),
  toFloat: (t) => tf.cast(t, 'float32'),
  toInt: (t) => tf.cast(t, 'int32'),
  where: (t, condition: tf.Tensor, x: tf.Tensor) => tf.where(condition, t, x),
};

/** Ops that tfjs-core chains as `op(this, ...args)`. */
const GENERIC = [
  'abs', 'acos', 'acosh', 'add', 'all', 'any', 'argMax', 'argMin', 'asin', 'asinh', 'atan',
  'atan2', 'atanh', 'avgPool', 'batchNorm', 'batchToSpaceND', 'broadcastTo', 'cast', 'ceil',
  'clipByValue', 'conv1d', 'conv2d', 'conv2dTranspose', 'cos', 'cosh', 'cumprod', 'cumsum',
  'depthToSpace', 'depthwiseConv2d', 'dilation2d', 'div', 'divNoNan', 'dot', 'elu', 'equal',
  'erf', 'exp', 'expandDims', 'expm1', 'fft', 'floor', 'floorDiv', 'gather', 'greater',
  'greaterEqual', 'ifft', 'irfft', 'isFinite', 'isInf', 'isNaN', 'leakyRelu', 'less',
  'lessEqual', 'localResponseNormalization', 'log', 'log1p', 'logicalAnd', 'logicalNot',
  'logicalOr', 'logicalXor', 'logSigmoid', 'logSoftmax', 'logSumExp', 'matMul', 'max',
  'maximum', 'maxPool', 'mean', 'min', 'minimum', 'mirrorPad', 'mod', 'mul', 'neg', 'norm',
  'notEqual', 'oneHot', 'onesLike', 'pad', 'pool', 'pow', 'prelu', 'prod', 'reciprocal', 'relu',
  'relu6', 'reshape', 'resizeBilinear', 'resizeNearestNeighbor', 'reverse', 'rfft', 'round',
  'rsqrt', 'selu', 'separableConv2d', 'sigmoid', 'sign', 'sin', 'sinh', 'slice', 'softmax',
  'softplus', 'spaceToBatchND', 'split', 'sqrt', 'square', 'squaredDifference', 'squeeze',
  'step', 'stridedSlice', 'sub', 'sum', 'tan', 'tanh', 'tile', 'topk', 'transpose', 'unique',
  'unsortedSegmentSum', 'unstack', 'zerosLike',
];

let registered = false;

/** Adds the chained methods tfjs-core's CommonJS bundle lacks. Idempotent. */
export function registerChainedOps(): void {
  if (registered) return;
  registered = true;
  const proto = tf.Tensor.prototype as unknown as TensorProto;
  const ops = tf as unknown as Record<string, AnyFn | undefined>;
  const define = (name: string, body: (self: tf.Tensor, ...args: unknown[]) => unknown) => {
    if (typeof proto[name] === 'function') return;
    Object.defineProperty(proto, name, {
      configurable: true,
      writable: true,
      value: function (this: tf.Tensor, ...args: unknown[]) {
        this.throwIfDisposed();
        return body(this, ...args);
      },
    });
  };
  // The arguments are the caller's, as tfjs' own chained methods take them.
  for (const [name, body] of Object.entries(SPECIAL)) define(name, body as (self: tf.Tensor, ...args: unknown[]) => unknown);
  for (const name of GENERIC) {
    const op = ops[name];
    if (typeof op === 'function') define(name, (self, ...args) => op(self, ...args));
  }
}
