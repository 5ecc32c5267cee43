/**
 * Default layer names, Keras style: the first LSTM is `lstm`, then `lstm_1`, `lstm_2`, ...
 * (tfjs-layers would derive them from the registered class name). Counters are per prefix and
 * per process.
 */
const counters = new Map<string, number>();

/** The next default name for `prefix`: `prefix`, then `prefix_1`, `prefix_2`, ... */
export function defaultLayerName(prefix: string): string {
  const k = counters.get(prefix) ?? 0;
  counters.set(prefix, k + 1);
  return k === 0 ? prefix : `${prefix}_${k}`;
}
