/**
 * The GRU (reset after and before) and vanilla RNN fast executor on the wasm backend (tanh
 * through sigmoid, the factor 2 folded into gate weights; steps cut by read-back) against the
 * reference loop on the same backend: values and gradients of every input, no leaks.
 * Tolerance: float32, 3e-5 absolute + 3e-5 relative.
 */
import { useWasmBackend } from '../../test/helpers/wasm';
import { FastCase, activationCases, checkGrads, checkValues, optionCases } from '../../test/helpers/gru-rnn-fast-cases';

const TOL = 3e-5;

useWasmBackend();

const large = (kind: FastCase['kind'], masking: FastCase['masking']): FastCase => ({
  name: `${kind} large steps (tanh through sigmoid) ${masking}`, kind, T: 3, N: 64, I: 8, H: 40, biases: 2,
  reverse: masking !== 'none', masking, carry: masking !== 'none', h0: true, rim: false,
});

const CASES: FastCase[] = [
  ...optionCases().filter((_, k) => k % 2 === 0),
  ...activationCases().filter((c) => /tanh|relu\//.test(c.name)),
  ...(['gru-after', 'gru-before', 'rnn'] as const).flatMap((kind) => [large(kind, 'none'), large(kind, 'lengths')]),
];

test.each(CASES.map((c, k) => [c.name, c, k] as const))('wasm: %s, values and gradients equal the reference loop', (_n, c, k) => {
  checkValues(c, 500 + 13 * k, TOL, TOL);
  checkGrads(c, 500 + 13 * k, TOL, TOL);
});
