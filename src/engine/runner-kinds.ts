/**
 * The cell kinds of the facades' runner (`./recurrent-runner`): each kind's stack, layer and
 * one-step part, with the runner's states (`[h0, c0]` lists for the LSTM, `[h0]` for the GRU
 * and the RNN) mapped to the kind's own options.
 */
import { GRU_STEP } from './cells/gru-step';
import type { GruWeights } from './cells/gru-cell';
import { LSTM_STEP } from './cells/lstm-step';
import { RNN_STEP } from './cells/rnn-step';
import type { RnnWeights } from './cells/rnn-cell';
import type { CellWeights } from './cell';
import { gruLayer, gruStack } from './gru-stack';
import { lstmLayer } from './lstm-layer';
import { lstmStack } from './lstm-stack';
import type { RecurrentRunnerCellOptions, RunnerKind } from './recurrent-runner';
import { rnnLayer, rnnStack } from './rnn-stack';
import type { StepCell } from './stepper';
import type { LstmWeights } from './weights';

function step<W extends CellWeights>(s: StepCell<W, unknown, never>): StepCell<W, unknown, unknown> {
  return s as StepCell<W, unknown, unknown>;
}

/** Drops `resetAfter` and `recurrentActivation` (an RNN has neither). */
function withoutGates<T extends RecurrentRunnerCellOptions>(o: T): Omit<T, 'resetAfter' | 'recurrentActivation'> {
  const { resetAfter: _r, recurrentActivation: _a, ...rest } = o;
  void _r;
  void _a;
  return rest;
}

/** The LSTM: states `[h, c]`. */
export const LSTM_RUNNER: RunnerKind<LstmWeights> = {
  step: step(LSTM_STEP),
  stepConfig: (o) => ({ activation: o.activation ?? 'tanh', recurrentActivation: o.recurrentActivation ?? 'sigmoid' }),
  stack: (x, layers, { states, resetAfter: _r, ...o }) => {
    void _r;
    const r = lstmStack(x, layers, { ...o, h0: states ? states[0] : null, c0: states ? states[1] : null });
    return { output: r.output, states: [r.h, r.c] };
  },
  layer: (x, w, { initialState, resetAfter: _r, ...o }) => {
    void _r;
    const r = lstmLayer(x, w, { ...o, initialState: initialState ? [initialState[0], initialState[1]] : null });
    return { output: r.output, states: [r.h, r.c] };
  },
};

/** The GRU (`resetAfter` true or false): state `[h]`. */
export const GRU_RUNNER: RunnerKind<GruWeights> = {
  step: step(GRU_STEP),
  stepConfig: (o) => ({
    activation: o.activation ?? 'tanh', recurrentActivation: o.recurrentActivation ?? 'sigmoid', resetAfter: o.resetAfter !== false,
  }),
  stack: (x, layers, { states, ...o }) => {
    const r = gruStack(x, layers, { ...o, h0: states ? states[0] : null });
    return { output: r.output, states: [r.h] };
  },
  layer: (x, w, { initialState, ...o }) => {
    const r = gruLayer(x, w, { ...o, initialState: initialState ? [initialState[0]] : null });
    return { output: r.output, states: [r.h] };
  },
};

/** The vanilla RNN: state `[h]`. */
export const RNN_RUNNER: RunnerKind<RnnWeights> = {
  step: step(RNN_STEP),
  stepConfig: (o) => ({ activation: o.activation ?? 'tanh' }),
  stack: (x, layers, { states, ...o }) => {
    const r = rnnStack(x, layers, { ...withoutGates(o), h0: states ? states[0] : null });
    return { output: r.output, states: [r.h] };
  },
  layer: (x, w, { initialState, ...o }) => {
    const r = rnnLayer(x, w, { ...withoutGates(o), initialState: initialState ? [initialState[0]] : null });
    return { output: r.output, states: [r.h] };
  },
};
