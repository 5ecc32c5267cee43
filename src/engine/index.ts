/**
 * The shared LSTM engine: the recurrence, its canonical weight form, gate permutations and
 * layout helpers. Depends on nothing else of lstm-bridge but the error classes.
 *
 * Canonical form (see `./weights` for the full table): per layer and direction,
 * `kernel (I, 4H)`, `recurrentKernel (H_out, 4H)`, optional `bias (4H)` and
 * `recurrentBias (4H)`, optional `projection (H, P)`; gate order i, f, g, o; sequences
 * time-major (T, N, I).
 *
 * Executors (one contract, several ways to run it):
 * - the fast tfjs-ops executor (default for `lstmLayer` / `lstmStack`; synchronous,
 *   differentiable, on whatever tfjs backend the user chose — `./lstm-fast`);
 * - the reference step loop (`implementation: 'reference'`, the test oracle);
 * - onnxruntime-node, optional, inference only, through `lstmStackAsync` (`./lstm-async`),
 *   picked automatically when installed and the configuration is expressible in ONNX.
 *
 * Backend trade-off (measured with `npm run bench`): on tfjs's wasm backend in Node the engine
 * runs ~20x faster than on the cpu backend for inference and several times faster for
 * training; tfjs-node (when it installs) is faster still. The library never picks or changes
 * the backend: that stays the user's choice.
 */
import './register';

export * from './activations';
export * from './gates';
export * from './layout';
export * from './lstm-layer';
export * from './lstm-stack';
export * from './lstm-async';
export * from './lstm-stepper';
export { clearOnnxSessionCache, onnxSessionCacheSize, SESSION_CACHE_SIZE } from './ort-executor';
export { onnxRuntimeAvailable, onnxRuntimeUnavailableReason } from './ort-runtime';
export * from './weights';
export { registerChainedOps } from './register-chained-ops';
