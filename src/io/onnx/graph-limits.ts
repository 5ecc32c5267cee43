/** `io`'s size caps as the ONNX graph reader's limit check (throws `SizeLimitError`). */
import { LimitCheck } from '../../onnx/internal';
import { IoLimits, checkLimit } from '../shared/limits';

/** The {@link LimitCheck} of `OnnxGraph` for the caps `limits`. */
export function graphLimitCheck(limits: IoLimits): LimitCheck {
  return (where, what, requested, limit) => checkLimit(where, what, requested, limits, limit);
}
