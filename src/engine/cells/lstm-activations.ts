/**
 * Which activation each LSTM gate uses, and whether the backward pass needs pre-activations;
 * shared by the LSTM cell's forward (`./lstm-cell`) and backward (`./lstm-cell-backward`) steps.
 */
import { ActivationName } from '../activations';
import { derivativeFromOutput } from '../activation-grads';
import type { ResolvedCall } from '../cell';

/** The activation of gate q (i, f, g, o): φ for the candidate, σ for the others. */
export function gateActivation(call: ResolvedCall, q: number): ActivationName {
  return q === 2 ? call.activation : call.recurrentActivation;
}

/** True when the backward pass needs the gates' pre-activations. */
export function needsPreActivations(call: ResolvedCall): boolean {
  return !derivativeFromOutput(call.activation) || !derivativeFromOutput(call.recurrentActivation);
}
