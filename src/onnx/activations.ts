/**
 * The activations of ONNX's RNN operators and the engine's, in one table used both ways: by the
 * graph builder (engine -> ONNX, {@link onnxActivation}) and by the readers of `LSTM` nodes
 * (ONNX -> engine, {@link engineActivation}).
 *
 * | engine | ONNX (alpha, beta) | read back |
 * |---|---|---|
 * | `sigmoid` | `Sigmoid` | yes |
 * | `tanh` | `Tanh` | yes |
 * | `relu` | `Relu` | yes |
 * | `hardSigmoid` | `HardSigmoid` (0.2, 0.5) | yes, alpha and beta compared in float32 |
 * | `hardSigmoidKeras3` | `HardSigmoid` (1/6, 0.5) | yes, alpha and beta compared in float32 |
 * | `elu` | `Elu` (1) | yes, alpha exactly 1 |
 * | `softsign` | `Softsign` | yes |
 * | `softplus` | `Softplus` | yes |
 * | `linear` | `Affine` (1, 0) | no: written only |
 *
 * relu6, selu and swish have no ONNX form. {@link ONNX_ACTIVATION_PARAMS} lists every ONNX RNN
 * activation with the alpha / beta it takes and their defaults (the attribute lists
 * `activation_alpha` / `activation_beta` are consumed in order by the functions that take them).
 */
import { ActivationName } from '../engine';

/** An ONNX RNN activation with its alpha/beta, when it takes them. */
export interface OnnxActivation {
  readonly name: 'Sigmoid' | 'Tanh' | 'Relu' | 'HardSigmoid' | 'Elu' | 'Softsign' | 'Softplus' | 'Affine';
  readonly alpha?: number;
  readonly beta?: number;
}

interface Row {
  readonly engine: ActivationName;
  readonly onnx: OnnxActivation;
  /** How a node's alpha / beta are matched when read: not at all (written only), exactly, in float32. */
  readonly read: 'no' | 'exact' | 'float32';
}

const TABLE: readonly Row[] = [
  { engine: 'sigmoid', onnx: { name: 'Sigmoid' }, read: 'exact' },
  { engine: 'tanh', onnx: { name: 'Tanh' }, read: 'exact' },
  { engine: 'relu', onnx: { name: 'Relu' }, read: 'exact' },
  { engine: 'hardSigmoid', onnx: { name: 'HardSigmoid', alpha: 0.2, beta: 0.5 }, read: 'float32' },
  { engine: 'hardSigmoidKeras3', onnx: { name: 'HardSigmoid', alpha: 1 / 6, beta: 0.5 }, read: 'float32' },
  { engine: 'elu', onnx: { name: 'Elu', alpha: 1 }, read: 'exact' },
  { engine: 'softsign', onnx: { name: 'Softsign' }, read: 'exact' },
  { engine: 'softplus', onnx: { name: 'Softplus' }, read: 'exact' },
  { engine: 'linear', onnx: { name: 'Affine', alpha: 1, beta: 0 }, read: 'no' },
];

/** Every ONNX RNN activation, with the parameters it takes and their defaults. */
export const ONNX_ACTIVATION_PARAMS: Readonly<Record<string, { readonly alpha?: number; readonly beta?: number }>> = {
  Relu: {}, Tanh: {}, Sigmoid: {}, Softsign: {}, Softplus: {},
  HardSigmoid: { alpha: 0.2, beta: 0.5 },
  Elu: { alpha: 1.0 },
  LeakyRelu: { alpha: 0.01 },
  ThresholdedRelu: { alpha: 1.0 },
  ScaledTanh: { alpha: 1.0, beta: 1.0 },
  Affine: { alpha: 1.0, beta: 0.0 },
};

/** The engine activations ONNX reads back, as the readers' messages list them. */
export const READABLE_ONNX_ACTIVATIONS = 'Sigmoid, Tanh, Relu, Softsign, Softplus, HardSigmoid(0.2, 0.5) or (1/6, 0.5), Elu(1)';

/**
 * The ONNX form of an engine activation, or null when ONNX's LSTM cannot express it
 * (relu6, selu, swish).
 */
export function onnxActivation(name: ActivationName): OnnxActivation | null {
  return TABLE.find((r) => r.engine === name)?.onnx ?? null;
}

function same(got: number | undefined, want: number | undefined, read: Row['read']): boolean {
  if (want === undefined) return true;
  return read === 'float32' ? Math.fround(got as number) === Math.fround(want) : got === want;
}

/**
 * The engine activation of an ONNX activation with its (resolved) alpha and beta, or null when
 * the engine has none.
 */
export function engineActivation(name: string, alpha: number | undefined, beta: number | undefined): ActivationName | null {
  const row = TABLE.find((r) => r.read !== 'no' && r.onnx.name === name && same(alpha, r.onnx.alpha, r.read) && same(beta, r.onnx.beta, r.read));
  return row?.engine ?? null;
}
