/**
 * The shared recurrent engine (LSTM, GRU, vanilla RNN): the recurrence, its canonical weight
 * forms, gate permutations and layout helpers. Depends on nothing else of lstm-bridge but the
 * error classes.
 *
 * GRU and vanilla RNN (`gruLayer` / `gruStack`, `rnnLayer` / `rnnStack`; canonical weights in
 * `./cells/gru-cell` (gate blocks r, z, n; `resetAfter` true = PyTorch, false = Keras
 * reset_after=False / tfjs-layers) and `./cells/rnn-cell`) run on the same machinery and
 * executors: the fast executor by default, the reference loop on request, `GruStepper` /
 * `RnnStepper` (`./h-stepper`, in `./internal`) for one-step inference, and the facades' entry
 * point `RecurrentRunner` (`./recurrent-runner`, in `./internal`), as for the LSTM.
 *
 * Canonical form (see `./weights` for the full table): per layer and direction,
 * `kernel (I, 4H)`, `recurrentKernel (H_out, 4H)`, optional `bias (4H)` and
 * `recurrentBias (4H)`, optional `projection (H, P)`; gate order i, f, g, o; sequences
 * time-major (T, N, I).
 *
 * One recurrence machinery (`./recurrence-*`) runs any cell (`./cell`; the cells are
 * `./cells/lstm-cell`, `./cells/gru-cell`, `./cells/rnn-cell`). Executors (one contract, `./executor`, several ways to run it; the
 * tfjs ones are chosen in `./executor-choice`):
 * - the fast tfjs-ops executor (default for `lstmLayer` / `lstmStack`; synchronous,
 *   differentiable, on whatever tfjs backend the user chose — `./recurrence-fast`);
 * - the reference step loop (`implementation: 'reference'`, the test oracle);
 * - onnxruntime-node, optional, inference only, through `lstmStackAsync` (in `src/runtime`, above),
 *   picked automatically (`executor: 'auto'`) when installed and the configuration is
 *   expressible in ONNX, forced with `executor: 'onnxruntime'` (typed error when impossible) or
 *   avoided with `executor: 'tfjs'`;
 * - `LstmStepper` (`./lstm-stepper`) for streaming inference, one step per call.
 *
 * The facades call one synchronous entry point, `RecurrentRunner` (`./recurrent-runner`, in
 * `./internal`, over the kinds of `./runner-kinds`), which picks the stepper for one-step
 * inference and the kind's stack / layer (`lstmStack` / `lstmLayer`, ...) otherwise.
 *
 * Choosing (measured with `npm run bench` on 2 cores, AVX-512; see `bench/README.md`):
 * - training, or any synchronous use: `lstmStack` on the wasm backend. There it runs ~30x
 *   faster than on the cpu backend for inference at S2 (T100 B32 I128 H256) and ~25x for a
 *   training step; 1.5–1.7x `tf.layers.lstm`'s forward and 6–16x its training step on the same
 *   backend. tfjs-node, when it installs, is faster still.
 * - inference in Node with onnxruntime-node installed: `lstmStackAsync` (~13x `tf.layers.lstm`
 *   on wasm at S2/S3, within ~1.1x of onnxruntime's own time).
 * - streaming (B = 1, a step per event): `LstmStepper` (~2.5–3.5x a stateful `tf.layers.lstm`).
 *
 * The library never picks or changes the tfjs backend or flags: that stays the user's choice.
 *
 * This barrel is the public engine API; what the layers above need beyond it (the facades'
 * entry point, the cell contract, test switches, ...) is in `./internal`.
 */
import './register';

export * from './activations';
export * from './gates';
export { gatherRows } from './gather-rows';
export * from './layout';
export * from './directions';
export type { LstmLayerOptions, LstmLayerResult, RecurrenceOptions, ResolvedLayerCall } from './executor';
export type { CellSizes, CellWeights, ResolvedCall } from './cell';
export type { StackLayer, StackOptions } from './stack';
export type { StepMask } from './step-mask';
export { combinedBias, lstmCellStep, lstmLayer, lstmStepFromProjection, resolveLayerCall } from './lstm-layer';
export * from './lstm-stack';
export { gruLayer, gruStack } from './gru-stack';
export type { GruLayerOptions, GruLayerResult, GruStackLayer, GruStackOptions, GruStackResult } from './gru-stack';
export { rnnLayer, rnnStack } from './rnn-stack';
export type { RnnLayerOptions, RnnStackLayer, RnnStackOptions } from './rnn-stack';
export * from './gru-gates';
export { gruSizes } from './cells/gru-cell';
export type { GruWeights } from './cells/gru-cell';
export { rnnSizes } from './cells/rnn-cell';
export type { RnnWeights } from './cells/rnn-cell';
export { isRecordingGradient } from './recording';
export { stepperFallbackMessage } from './executor-choice';
export type { StepperFallback, TfjsChoice, TfjsExecutor } from './executor-choice';
export { StepperCache } from './stepper-cache';
export type { StepperSource } from './stepper-cache';
export { LstmStepper } from './lstm-stepper';
export type { LstmStepperOptions, LstmStepperResult, LstmStepperState } from './lstm-stepper';
export * from './weights';
export { DEFAULT_SIZE_LIMITS, setSizeLimits, sizeLimits } from './size-limits';
export type { SizeLimits } from './size-limits';
