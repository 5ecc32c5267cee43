/**
 * The engine's activations on plain numbers, for the small-vector path of `LstmStepper`
 * (a streaming step at batch 1 costs less in a JS loop than in a dozen tfjs kernel calls).
 * Same formulas as `applyActivation` (`./activations`), evaluated in float64.
 */
import { ActivationName } from './activations';

const SELU_SCALE = 1.0507009873554804934193349852946;
const SELU_ALPHA = 1.6732632423543772848170429916717;

function sigmoid(x: number): number {
  return 1 / (1 + Math.exp(-x));
}

/** The scalar function of an activation. */
export function scalarActivation(name: ActivationName): (x: number) => number {
  switch (name) {
    case 'sigmoid': return sigmoid;
    case 'tanh': return Math.tanh;
    case 'hardSigmoid': return (x) => Math.min(1, Math.max(0, 0.2 * x + 0.5));
    case 'hardSigmoidKeras3': return (x) => Math.min(1, Math.max(0, x / 6 + 0.5));
    case 'relu': return (x) => (x > 0 ? x : 0);
    case 'relu6': return (x) => Math.min(6, Math.max(0, x));
    case 'elu': return (x) => (x > 0 ? x : Math.expm1(x));
    case 'selu': return (x) => SELU_SCALE * (x > 0 ? x : SELU_ALPHA * Math.expm1(x));
    case 'softplus': return (x) => (x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x)));
    case 'softsign': return (x) => x / (Math.abs(x) + 1);
    case 'swish': return (x) => x * sigmoid(x);
    case 'linear': return (x) => x;
  }
}
