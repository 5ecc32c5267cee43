/**
 * `readKeras`: any Keras file (`.h5` model or weights, Keras 3 `.weights.h5`, `.keras`) into the
 * neutral {@link KerasFile}, chosen by content, not by file name.
 *
 * Example:
 * ```ts
 * const file = io.readKeras(new Uint8Array(fs.readFileSync('model.h5')));
 * file.kerasVersion;                        // '2.2.4'
 * file.layers.map((l) => l.name);           // ['lstm_3', 'dropout_3', ...]
 * file.layers[0].weights.map((w) => w.name) // ['lstm_3/kernel:0', 'lstm_3/recurrent_kernel:0', 'lstm_3/bias:0']
 * ```
 */
import { KerasFormatError } from '../shared/errors';
import { KerasFile } from '../../keras-model';
import { readKerasArchive } from './archive';
import { readKerasH5 } from './h5';
import { ReadOptions } from '../shared/limits';
import { isZip } from '../shared/zip';
import { checkRecordArg } from '../../engine/internal';

/** Reads a Keras `.h5`, `.weights.h5` or `.keras` file from its bytes. */
export function readKeras(bytes: Uint8Array, options: ReadOptions = {}): KerasFile {
  if (!(bytes instanceof Uint8Array)) throw new KerasFormatError(`io.readKeras: bytes expected a Uint8Array, got ${typeof bytes}`);
  checkRecordArg(options, 'options', 'io.readKeras', true);
  options = options ?? {};
  return isZip(bytes) ? readKerasArchive(bytes, options) : readKerasH5(bytes, options);
}
