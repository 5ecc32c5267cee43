/**
 * The state-dict prefixes of an ONNX model's stacks (see `./onnx` for the rules), apart from the
 * format module so that `../onnx-verify` can use them without importing the format (no cycle).
 */
import { ModelProto } from '../../onnx';
import { DEFAULT_PREFIX } from './state-dict';
import { FormatOptions } from './types';

/** The metadata key under which the written file records its state-dict prefix. */
export const PREFIX_METADATA = 'lstm_bridge.state_dict_prefix';

/** The state-dict prefixes of a model's stacks (see the documentation of `./onnx`). */
export function onnxPrefixes(model: ModelProto, count: number, options: FormatOptions): string[] {
  const recorded = model.metadataProps.find((e) => e.key === PREFIX_METADATA)?.value;
  if (count === 1) return [options.prefix ?? recorded ?? DEFAULT_PREFIX];
  // With several stacks, --prefix chooses among the names below (when writing), it does not rename them.
  const base = recorded ?? DEFAULT_PREFIX;
  const stem = base.endsWith('.') ? base.slice(0, -1) : base;
  return Array.from({ length: count }, (_, k) => `${stem}${k}.`);
}
