/**
 * The error class of the ONNX module.
 *
 * A subclass of `FileParseError` (from `src/errors.ts`), so one `catch` with
 * `instanceof FileParseError` handles any bad file. `io.OnnxFormatError` is this class.
 */
import { FileParseError } from '../errors';

/**
 * An ONNX model is well-formed protobuf but not a valid graph: a value produced twice or never,
 * a cycle, nodes out of topological order, weights whose shapes do not fit their LSTM node.
 */
export class OnnxFormatError extends FileParseError {}
