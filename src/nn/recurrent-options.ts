/**
 * The constructor options every torch-style recurrent stack shares (`nn.LSTM`, `nn.GRU`,
 * `nn.RNN`): `numLayers`, `bias`, `batchFirst`, `dropout`, `bidirectional`, with PyTorch's rules,
 * and the parameter-count check before anything is allocated.
 */
import { ConfigError } from '../errors';
import { checkLayerCount, showArg } from '../engine/internal';
import { checkBool, checkKnownKeys, checkPositiveInt } from './options';

/** The options of every recurrent stack, PyTorch's keyword arguments in camelCase. */
export interface RecurrentStackOptions {
  /** Number of stacked layers. Default 1. */
  readonly numLayers?: number;
  /** Use `bias_ih`/`bias_hh`. Default true. */
  readonly bias?: boolean;
  /** Input and output are (N, L, H) instead of (L, N, H). Default false. */
  readonly batchFirst?: boolean;
  /** Dropout probability on the outputs of each layer except the last, in training mode. Default 0. */
  readonly dropout?: number;
  /** Default false. */
  readonly bidirectional?: boolean;
}

/** The shared options, checked and defaulted. */
export interface StackConfig {
  readonly inputSize: number;
  readonly hiddenSize: number;
  readonly numLayers: number;
  readonly bias: boolean;
  readonly batchFirst: boolean;
  readonly dropout: number;
  readonly bidirectional: boolean;
}

export const STACK_OPTION_KEYS = ['numLayers', 'bias', 'batchFirst', 'dropout', 'bidirectional'] as const;

/**
 * Checks a recurrent stack's sizes and shared options (`known`: every option key the module
 * accepts, the shared ones included). @throws ConfigError naming the option.
 */
export function parseStackOptions(
  inputSize: unknown, hiddenSize: unknown, options: RecurrentStackOptions, known: readonly string[], where: string,
): StackConfig {
  checkKnownKeys(options, known, where);
  const numLayers = checkPositiveInt(options.numLayers ?? 1, 'numLayers', where);
  const dropout = options.dropout ?? 0;
  if (typeof dropout !== 'number' || !(dropout >= 0 && dropout <= 1)) {
    throw new ConfigError(`${where}: dropout expected a number in [0, 1], got ${showArg(dropout)}`);
  }
  if (dropout > 0 && numLayers === 1) {
    throw new ConfigError(
      `${where}: dropout ${dropout} has no effect with numLayers 1 (it applies between layers); ` +
        'pass dropout 0 or numLayers > 1',
    );
  }
  const config: StackConfig = {
    inputSize: checkPositiveInt(inputSize, 'inputSize', where),
    hiddenSize: checkPositiveInt(hiddenSize, 'hiddenSize', where),
    numLayers,
    bias: checkBool(options.bias, 'bias', where, true),
    batchFirst: checkBool(options.batchFirst, 'batchFirst', where, false),
    dropout,
    bidirectional: checkBool(options.bidirectional, 'bidirectional', where, false),
  };
  checkLayerCount(where, 'numLayers', numLayers);
  return config;
}

/** The dropout between layers of a call: only in training mode, only with several layers. */
export function interLayerDropout(m: { readonly training: boolean; readonly numLayers: number; readonly dropout: number }): number {
  return m.training && m.numLayers > 1 ? m.dropout : 0;
}
