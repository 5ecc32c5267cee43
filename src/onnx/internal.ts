/**
 * What the layers above use of the ONNX module besides `./index`: graph reading
 * ({@link OnnxGraph}), the tracing of LSTM stacks through a graph (`./trace`), constant values
 * and attribute helpers (`./values`), and `halfToFloat` (shared with `io`'s dtype readers).
 */
export * from './index';
export { halfToFloat } from './tensor-data';
export { MAX_DEPTH, OnnxGraph } from './graph';
export type { Consumer, GraphLimit, LimitCheck, Producer } from './graph';
export { directionsOf, planStacks, stackOutputs, stateSource, walkBack } from './trace';
export type { SequenceForm, StackPlan, StateSource } from './trace';
export { attrInt, attrInts, attrString, attribute, nodeLabel } from './values';
export type { ConstValue } from './values';
