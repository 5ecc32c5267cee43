/**
 * The choice among the tfjs executors — fast (`./recurrence-fast`), reference
 * (`./recurrence-reference`) and the prepared one-step stepper (`./lstm-stepper`) — made here
 * and only here. `lstmLayer`/`lstmStack` ask it with no stepper at hand; the facades' entry
 * point (`./runner`) asks it with the facts of a call. Every fallback from the stepper carries a
 * typed reason.
 *
 * (The choice between tfjs and onnxruntime is the asynchronous entry's, one layer up.)
 */

import { checkRecordArg } from './args';

/** A tfjs executor. */
export type TfjsExecutor = 'fast' | 'reference' | 'stepper';

/** Why a call does not run on the stepper. */
export type StepperFallback =
  /** A plain sequence call (`lstmLayer`, `lstmStack`): no prepared stepper at hand. */
  | { readonly kind: 'no-stepper' }
  /** `implementation: 'reference'` was asked for. */
  | { readonly kind: 'reference-requested' }
  /** A gradient is being recorded: the stepper's prepared weights are copies, off the tape. */
  | { readonly kind: 'recording' }
  /** The stepper runs one time step. */
  | { readonly kind: 'steps'; readonly steps: number }
  /** Some step of some element is masked (or a length is shorter than the sequence). */
  | { readonly kind: 'masked' }
  /** A dropout mask (input, recurrent or between layers) applies. */
  | { readonly kind: 'dropout' }
  /** The stepper runs unidirectional stacks. */
  | { readonly kind: 'bidirectional' };

/** The executor of a call, and why not the stepper when it is not. */
export type TfjsChoice =
  | { readonly executor: 'stepper'; readonly reason: null }
  | { readonly executor: 'fast' | 'reference'; readonly reason: StepperFallback };

/** What a call through the facades' entry point tells about itself. */
export interface StepperFacts {
  readonly recording: boolean;
  readonly steps: number;
  readonly masked: boolean;
  readonly dropout: boolean;
  /** D, asked last (it may read the weights; never while recording). */
  readonly directions: () => number;
}

/** The facts of a call: the `implementation` asked for, and the stepper facts when one is at hand. */
export interface CallFacts {
  readonly implementation?: 'fast' | 'reference';
  readonly stepper: StepperFacts | null;
}

/** Picks the tfjs executor of a call. */
export function chooseTfjsExecutor(facts: CallFacts): TfjsChoice {
  const sequence = facts.implementation === 'reference' ? 'reference' : 'fast';
  const fallback = (reason: StepperFallback): TfjsChoice => ({ executor: sequence, reason });
  const s = facts.stepper;
  if (!s) return fallback({ kind: 'no-stepper' });
  if (facts.implementation === 'reference') return fallback({ kind: 'reference-requested' });
  if (s.recording) return fallback({ kind: 'recording' });
  if (s.steps !== 1) return fallback({ kind: 'steps', steps: s.steps });
  if (s.masked) return fallback({ kind: 'masked' });
  if (s.dropout) return fallback({ kind: 'dropout' });
  if (s.directions() !== 1) return fallback({ kind: 'bidirectional' });
  return { executor: 'stepper', reason: null };
}

/** A stepper fallback in words (what the facades' execution reports say). */
export function stepperFallbackMessage(reason: StepperFallback): string {
  checkRecordArg(reason, 'reason', 'engine.stepperFallbackMessage');
  switch (reason.kind) {
    case 'no-stepper': return 'a plain sequence call (no prepared stepper)';
    case 'reference-requested': return "implementation 'reference' requested";
    case 'recording': return 'a gradient is being recorded (the stepper runs off the tape)';
    case 'steps': return `${reason.steps} time steps (the stepper runs one)`;
    case 'masked': return 'some step is masked or a length is shorter than the sequence';
    case 'dropout': return 'a dropout mask applies (training)';
    case 'bidirectional': return 'bidirectional (the stepper runs one direction)';
  }
}
