/**
 * The error class of the ONNX module.
 *
 * A subclass of `FileParseError` (from `src/errors.ts`), so one `catch` with
 * `instanceof FileParseError` handles any bad file. `io.OnnxFormatError` is this class.
 */
import { FileParseError } from '../errors';

/**
 * A malformed ONNX file: protobuf that does not decode (truncated, bad wire types, over the
 * caps; the message names the field path and byte offset), or a well-formed model that is not
 * a valid graph: a value produced twice or never,
 * a cycle, nodes out of topological order, weights whose shapes do not fit their LSTM node.
 */
export class OnnxFormatError extends FileParseError {}
