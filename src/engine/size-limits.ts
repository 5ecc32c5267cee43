/**
 * The size caps of a model built in memory: the one place they are set.
 *
 * A constructor given `hiddenSize: 12000`, `numLayers: 1e6` or `units: 50000` would allocate
 * gigabytes (or fail deep inside with a `RangeError`). The facades (`nn.LSTM`, `nn.LSTMCell`,
 * `layers.LSTM`, `layers.LSTMCell`) count the weights their arguments imply **before** they
 * create any, and throw a {@link ConfigError} naming the arguments when the count is above the
 * cap. The defaults fit any LSTM a browser or Node process trains; raise them (or lower them)
 * with {@link setSizeLimits}.
 */
import { ConfigError } from '../errors';

/** The caps. */
export interface SizeLimits {
  /** Most weights (elements, over all tensors) of one module or layer. */
  readonly maxWeights: number;
  /** Most stacked layers of one module. */
  readonly maxLayers: number;
}

/** The defaults: 2^28 weights (1 GiB of float32, the file readers' `maxTensorBytes`) and 1024 layers. */
export const DEFAULT_SIZE_LIMITS: SizeLimits = Object.freeze({ maxWeights: 2 ** 28, maxLayers: 1024 });

let current: SizeLimits = DEFAULT_SIZE_LIMITS;

/** The caps in force. */
export function sizeLimits(): SizeLimits {
  return current;
}

/**
 * Changes the caps (the ones not given keep their value) and returns the previous ones, so a
 * caller can restore them.
 * @throws ConfigError for an unknown key or a value that is not a positive number
 */
export function setSizeLimits(limits: Partial<SizeLimits>): SizeLimits {
  if (limits === null || typeof limits !== 'object') {
    throw new ConfigError(`engine.setSizeLimits: limits expected an object, got ${limits === null ? 'null' : typeof limits}`);
  }
  const next: Record<string, number> = { ...current };
  for (const [key, value] of Object.entries(limits)) {
    if (!(key in DEFAULT_SIZE_LIMITS)) {
      throw new ConfigError(`engine.setSizeLimits: ${key} is not a known limit (known: ${Object.keys(DEFAULT_SIZE_LIMITS).join(', ')})`);
    }
    if (typeof value !== 'number' || !(value > 0)) {
      throw new ConfigError(`engine.setSizeLimits: ${key} expected a positive number, got ${String(value)}`);
    }
    next[key] = value;
  }
  const previous = current;
  current = Object.freeze(next) as unknown as SizeLimits;
  return previous;
}

function describe(args: Readonly<Record<string, number | boolean>>): string {
  return Object.entries(args).map(([k, v]) => `${k} = ${v}`).join(', ');
}

/**
 * Throws a ConfigError when `weights` (the element count the arguments imply) is above
 * `maxWeights`. Call before any weight is created.
 */
export function checkWeightCount(where: string, weights: number, args: Readonly<Record<string, number | boolean>>): void {
  const { maxWeights } = current;
  if (!(weights <= maxWeights)) {
    throw new ConfigError(
      `${where}: ${describe(args)} give ${weights.toExponential(3)} weights, above the size limit maxWeights = ${maxWeights} ` +
        `(raise it with engine.setSizeLimits({maxWeights}) if this is intended)`,
    );
  }
}

/** Throws a ConfigError when `numLayers` is above `maxLayers`. */
export function checkLayerCount(where: string, name: string, numLayers: number): void {
  const { maxLayers } = current;
  if (!(numLayers <= maxLayers)) {
    throw new ConfigError(
      `${where}: ${name} = ${numLayers} is above the size limit maxLayers = ${maxLayers} ` +
        `(raise it with engine.setSizeLimits({maxLayers}) if this is intended)`,
    );
  }
}

/** Weights of one LSTM layer and direction: kernel, recurrent kernel, biases, projection. */
export function lstmWeightCount(inputSize: number, hiddenSize: number, outputSize: number, biases: number, projection: boolean): number {
  const G = 4 * hiddenSize;
  return G * inputSize + G * outputSize + biases * G + (projection ? outputSize * hiddenSize : 0);
}
