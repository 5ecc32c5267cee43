/**
 * The errors of the Keras model builder, which the Keras file readers (`src/io/keras/`) throw too
 * (and re-export from `src/io/shared/errors.ts` with the other file errors). Both are
 * {@link FileParseError}s: a Keras config or a weight that cannot become a model is a bad file.
 */
import { FileParseError } from '../errors';

/** An HDF5 or `.keras` file is valid but is not laid out as Keras writes models/weights. */
export class KerasFormatError extends FileParseError {}

/**
 * A layer of a Keras or TF.js model cannot be built: unknown class, an option tfjs-layers cannot
 * honour, weights that do not fit. Names the layer and its class.
 */
export class KerasLayerError extends KerasFormatError {
  constructor(
    message: string,
    /** The layer's name in the model config (or null when the config names none). */
    readonly layer: string | null,
    /** The layer's `class_name` in the config (or null). */
    readonly className: string | null,
  ) {
    super(message);
  }
}
