/**
 * The shared LSTM engine: the recurrence, its canonical weight form, gate permutations and
 * layout helpers. Depends on nothing else of lstm-bridge but the error classes.
 *
 * Canonical form (see `./weights` for the full table): per layer and direction,
 * `kernel (I, 4H)`, `recurrentKernel (H_out, 4H)`, optional `bias (4H)` and
 * `recurrentBias (4H)`, optional `projection (H, P)`; gate order i, f, g, o; sequences
 * time-major (T, N, I).
 */
import './register';

export * from './activations';
export * from './gates';
export { gatherRows } from './gather-rows';
export * from './layout';
export * from './lstm-layer';
export * from './lstm-stack';
export * from './weights';
export { unstack0 } from './unstack';
export { registerChainedOps } from './register-chained-ops';
