/**
 * The error classes of the file readers and writers.
 *
 * Every parse failure is a {@link FileParseError} (from `src/errors.ts`), so one `catch` with
 * `instanceof FileParseError` handles any bad file; the subclasses say which format and which
 * kind of problem. Messages name the reader, the part of the file, what was expected and what
 * was found: `io.loadTorch: data/3 expected 4096 bytes (1024 x float32), got 100`.
 */
import { ConfigError, FileParseError } from '../../errors';

// The two Keras errors are thrown by the Keras file readers and by the model builder below io;
// they are defined there (`src/keras-model/errors.ts`, one definition) and re-exported here with
// the other file errors.
export { KerasFormatError, KerasLayerError } from '../../keras-model';

/** A size declared by or implied by a file exceeds one of the reader's explicit caps. */
export class SizeLimitError extends FileParseError {
  constructor(
    message: string,
    /** Name of the cap in {@link IoLimits} (e.g. `maxTensorBytes`). */
    readonly limit: string,
    /** The cap in force. */
    readonly cap: number,
    /** What the file declared or would need. */
    readonly requested: number,
  ) {
    super(message);
  }
}

/** A pickle stream is malformed: truncated, unknown opcode, stack underflow, bad memo index. */
export class PickleError extends FileParseError {}

/**
 * A pickle names a global (module.name), opcode or persistent id that a weights file must not
 * use. Nothing is imported or called: the reader stops at the first such name.
 */
export class PickleSecurityError extends PickleError {
  constructor(
    message: string,
    /** The refused global as `module.name`, or the refused opcode / id. */
    readonly refused: string,
  ) {
    super(message);
  }
}

/** A zip archive is malformed, unsafe (`../` names, absolute paths), or too large. */
export class ZipArchiveError extends FileParseError {}

/** A PyTorch file is well-formed as zip/pickle but not as a `torch.save` state dict. */
export class TorchFormatError extends FileParseError {}

/** The file is a TorchScript archive (`torch.jit.save`), not a `torch.save` state dict. */
export class TorchScriptArchiveError extends TorchFormatError {}

/** A safetensors file has a bad header, dtype, shape or data offsets. */
export class SafetensorsFormatError extends FileParseError {}

/** An HDF5 file is malformed or uses a feature the reader does not accept. */
export class Hdf5FormatError extends FileParseError {}

/** A TF.js `model.json` / weight shards are malformed or inconsistent. */
export class TfjsFormatError extends FileParseError {}

/**
 * A path could not be read or written: it does not exist (`code` 'ENOENT'), is a directory
 * ('EISDIR'), is not permitted ('EACCES'), ... `code` is Node's error code, `path` the path.
 */
export class FileAccessError extends ConfigError {
  constructor(
    message: string,
    readonly code: string,
    readonly path: string,
  ) {
    super(message);
  }
}

/** An ONNX model is not a valid graph (defined with the ONNX module, `src/onnx`). */
export { OnnxFormatError } from '../../onnx/internal';

/**
 * A tensor's element type cannot be represented in tfjs (e.g. complex64), or an int64 value does
 * not fit in int32.
 */
export class DtypeError extends FileParseError {}
