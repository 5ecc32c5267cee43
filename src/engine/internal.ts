/**
 * The engine's internals for the layers above it (onnx, runtime, facades, adapters, io, cli):
 * not exported by the package. Everything public is in `./index` and re-exported here too, so
 * a layer above imports from one of the two barrels, never a deep path.
 */
export * from './index';

export { registerChainedOps } from './register-chained-ops';
export { unstack0 } from './unstack';
export { tidy } from './tidy';
export { SMALL_STEP_ELEMENTS } from './lstm-stepper';
export { TANH_VIA_SIGMOID_MIN_SIZE, fastActivation, tanhViaSigmoid } from './fused';
export { setLazyGradients } from './lazy-grad';
export { checkLayerCount, checkWeightCount, lstmWeightCount } from './size-limits';
export { MAX_SEQUENCE_SIZE, checkLengthsArg, checkNumberArg, checkOneOfArg, checkRecordArg, checkSequenceSize, checkTensorArg, checkTensorListArg, describeValue, showArg } from './args';
export type { NumberArgOptions, TensorArgOptions } from './args';

// The facades' entry point and the executor choice.
export { RecurrentRunner } from './recurrent-runner';
export type {
  RecurrentRunnerCellOptions, RecurrentRunnerLayerOptions, RecurrentRunnerResult, RecurrentRunnerSource, RecurrentRunnerStackOptions,
  RunnerKind,
} from './recurrent-runner';
export { GRU_RUNNER, LSTM_RUNNER, RNN_RUNNER } from './runner-kinds';
export { GruStepper, HStepper, RnnStepper } from './h-stepper';
export type { HStepperOptions, HStepperResult } from './h-stepper';
export { PreparedCache } from './stepper-cache';
export { chooseTfjsExecutor } from './executor-choice';
export type { CallFacts, StepperFacts } from './executor-choice';

// The executor and cell contracts, for new executors and cells.
export { resolveCall } from './executor';
export type { RecurrenceOptions, RecurrenceResult, ResolvedLayerCall } from './executor';
export { recurrenceInputs } from './cell';
export type {
  CellBackward, CellSizes, CellStepGradient, CellStepResult, CellWeights, RecordedStep, RecurrenceInputs, RecurrentCell,
  ResolvedCall,
} from './cell';
export { LSTM_CELL } from './cells/lstm-cell';
export { cellLayer } from './cell-layer';
export { GRU_CELL, GRU_RESET_BEFORE_CELL, gruCell, gruStepFromProjection } from './cells/gru-cell';
export { RNN_CELL } from './cells/rnn-cell';
export { hStackCall } from './gru-stack';
export { fastRecurrence } from './recurrence-fast';
export { referenceRecurrence } from './recurrence-reference';
export { checkStackShape, directionsOf as stackDirections, stackLayerOptions } from './stack';
