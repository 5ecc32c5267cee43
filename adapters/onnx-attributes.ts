/**
 * The attributes of an ONNX `LSTM` node, checked and turned into the engine's options.
 *
 * | attribute | default | the engine |
 * |---|---|---|
 * | `direction` | `"forward"` | `"forward"` / `"reverse"` (one pass, `reverse: true`) / `"bidirectional"` (two) |
 * | `hidden_size` | — | checked against the weights by the caller |
 * | `activations` | `Sigmoid, Tanh, Tanh` per direction (f, g, h) | f -> `recurrentActivation`; g and h must be equal -> `activation` |
 * | `activation_alpha`, `activation_beta` | per function | consumed in order by the functions that take them (HardSigmoid, Elu, ...) |
 * | `clip` | none | not supported: the engine does not clip pre-activations |
 * | `input_forget` | 0 | 1 (coupled input and forget gates) not supported |
 * | `layout` | 0 | see `./onnx-layout` |
 *
 * Activation names and parameters: the table in `src/onnx/activations.ts` (both directions).
 *
 * Unsupported values throw {@link UnsupportedConversionError} naming the attribute and why.
 */
import { ActivationName } from '../src/engine';
import { ConfigError, UnsupportedConversionError } from '../src/errors';
import { ONNX_ACTIVATION_PARAMS, READABLE_ONNX_ACTIVATIONS, engineActivation } from '../src/onnx';
import { OnnxLayout } from './onnx-layout';
import { showArg } from '../src/engine/internal';
import { expectRecord } from './checks';

/** An `LSTM` node's attributes as decoded from the model (strings, numbers, lists). */
export interface OnnxLstmAttributes {
  readonly direction?: string;
  readonly hidden_size?: number;
  readonly activations?: readonly string[];
  readonly activation_alpha?: readonly number[];
  readonly activation_beta?: readonly number[];
  readonly clip?: number | null;
  readonly input_forget?: number;
  readonly layout?: number;
}

/** The activations of one direction, in the engine's terms. */
export interface OnnxDirectionActivations {
  readonly recurrentActivation: ActivationName;
  readonly activation: ActivationName;
}

/** What the engine needs to run the node. */
export interface OnnxLstmNodeOptions {
  readonly direction: 'forward' | 'reverse' | 'bidirectional';
  readonly numDirections: 1 | 2;
  readonly hiddenSize: number | null;
  readonly layout: OnnxLayout;
  /** One entry per direction (index 0 forward, 1 reverse for a bidirectional node). */
  readonly activations: readonly OnnxDirectionActivations[];
}

const WHERE = 'adapters.onnxLstmAttributes';

function toEngine(name: string, alpha: number | undefined, beta: number | undefined, index: number): ActivationName {
  const engine = engineActivation(name, alpha, beta);
  if (engine) return engine;
  throw new UnsupportedConversionError(
    `${WHERE}: activations[${index}] ${name}(alpha=${alpha}, beta=${beta}) has no engine equivalent ` +
      `(supported: ${READABLE_ONNX_ACTIVATIONS})`,
  );
}

/**
 * Checks an `LSTM` node's attributes and returns the engine's options.
 * @throws UnsupportedConversionError for `clip`, `input_forget=1`, g != h, or an activation the
 *   engine lacks; ConfigError for malformed values.
 */
export function onnxLstmAttributes(attributes: OnnxLstmAttributes): OnnxLstmNodeOptions {
  expectRecord(attributes, 'attributes', WHERE);
  const direction = attributes.direction ?? 'forward';
  if (direction !== 'forward' && direction !== 'reverse' && direction !== 'bidirectional') {
    throw new ConfigError(`${WHERE}: direction must be "forward", "reverse" or "bidirectional", got ${showArg(direction)}`);
  }
  const numDirections = direction === 'bidirectional' ? 2 : 1;
  const layout = attributes.layout ?? 0;
  if (layout !== 0 && layout !== 1) throw new ConfigError(`${WHERE}: layout must be 0 or 1, got ${showArg(layout)}`);
  if (attributes.clip !== undefined && attributes.clip !== null) {
    throw new UnsupportedConversionError(
      `${WHERE}: clip ${attributes.clip} is not supported: the engine does not clip gate pre-activations`,
    );
  }
  if ((attributes.input_forget ?? 0) !== 0) {
    throw new UnsupportedConversionError(
      `${WHERE}: input_forget ${attributes.input_forget} (coupled input and forget gates) is not supported by the engine`,
    );
  }
  const hiddenSize = attributes.hidden_size ?? null;
  if (hiddenSize !== null && (!Number.isInteger(hiddenSize) || hiddenSize < 1)) {
    throw new ConfigError(`${WHERE}: hidden_size must be a positive integer, got ${JSON.stringify(hiddenSize)}`);
  }
  const names = attributes.activations ?? Array.from({ length: numDirections }, () => ['Sigmoid', 'Tanh', 'Tanh']).flat();
  if (names.length !== 3 * numDirections) {
    throw new ConfigError(`${WHERE}: activations expected ${3 * numDirections} names (f, g, h per direction), got ${names.length}`);
  }
  const alphas = [...(attributes.activation_alpha ?? [])];
  const betas = [...(attributes.activation_beta ?? [])];
  const resolved = names.map((name, k) => {
    const params = ONNX_ACTIVATION_PARAMS[name];
    if (!params) throw new UnsupportedConversionError(`${WHERE}: activations[${k}] ${JSON.stringify(name)} is not an ONNX activation the engine knows`);
    const alpha = params.alpha === undefined ? undefined : (alphas.length ? alphas.shift() : params.alpha);
    const beta = params.beta === undefined ? undefined : (betas.length ? betas.shift() : params.beta);
    return toEngine(name, alpha, beta, k);
  });
  const activations = Array.from({ length: numDirections }, (_, d) => {
    const [f, g, h] = resolved.slice(3 * d, 3 * d + 3);
    if (g !== h) {
      throw new UnsupportedConversionError(
        `${WHERE}: direction ${d} uses g = ${names[3 * d + 1]} and h = ${names[3 * d + 2]}; the engine applies one ` +
          'activation to the candidate and the cell output, so they must be equal',
      );
    }
    return { recurrentActivation: f, activation: g };
  });
  return { direction, numDirections, hiddenSize, layout, activations };
}
