/**
 * The error classes of lstm-bridge.
 *
 * One base class, {@link LstmBridgeError}, and a few families. Every message names where it
 * comes from, the argument, what was expected and what was received, e.g.
 * `nn.LSTM: h0 expected [2, 3, 20], got [1, 3, 20]`.
 *
 * Every class sets `name`, so `err.name` survives serialization, and `instanceof` works across
 * the library (they are plain ES classes compiled with the prototype chain intact).
 */

/** A message that is not a string, as text (`String` of a disposed tensor throws). */
function messageText(message: unknown): string {
  try {
    return String(message);
  } catch {
    return Object.prototype.toString.call(message);
  }
}

/** Base class of every error thrown on purpose by lstm-bridge. */
export class LstmBridgeError extends Error {
  constructor(message: string) {
    super(typeof message === 'string' ? message : messageText(message));
    this.name = new.target.name;
    Object.setPrototypeOf(this, new.target.prototype);
  }
}

/** A tensor (input, state, weight) has the wrong rank, shape or dtype. */
export class ShapeError extends LstmBridgeError {}

/** A constructor argument or option is invalid (out of range, wrong type, unknown value). */
export class ConfigError extends LstmBridgeError {}

/** A state dict or weight list does not fit the module: missing/unexpected keys, shape mismatch. */
export class StateDictError extends LstmBridgeError {
  constructor(
    message: string,
    readonly missingKeys: readonly string[] = [],
    readonly unexpectedKeys: readonly string[] = [],
    readonly shapeMismatches: readonly string[] = [],
  ) {
    super(message);
  }
}

/** A conversion between conventions cannot be exact (e.g. peepholes or projections into Keras). */
export class UnsupportedConversionError extends LstmBridgeError {}

/** A file is malformed, truncated, hostile, or of a kind that cannot be read. */
export class FileParseError extends LstmBridgeError {}

/** Formats a shape the way messages show it: `[2, 3, 20]`. */
export function formatShape(shape: readonly (number | null)[]): string {
  return `[${shape.map((d) => (d === null ? 'null' : String(d))).join(', ')}]`;
}
