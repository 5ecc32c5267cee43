/**
 * Keras configuration JSON: structural checks, and the conversion between Keras' Python
 * spelling (`snake_case` keys and values, `class_name`) and tfjs-layers' TypeScript spelling
 * (`camelCase`, `className`), as tfjs-layers applies it when it loads a Keras model
 * (`convertPythonicToTs` / `convertTsToPythonic` in `tfjs-layers/src/utils/serialization_utils.ts`):
 * every key is converted, and every string value too, except the value of a `name` key (layer
 * and model names stay verbatim) and, from TypeScript to Python, of `className`.
 *
 * | Python (Keras) | TypeScript (tfjs-layers) |
 * |---|---|
 * | `{"class_name": "VarianceScaling", "config": {"mode": "fan_avg"}}` | `{className: 'VarianceScaling', config: {mode: 'fanAvg'}}` |
 * | `"recurrent_activation": "hard_sigmoid"` | `recurrentActivation: 'hardSigmoid'` |
 * | `"name": "lstm_1"` | `name: 'lstm_1'` |
 */
import { KerasFormatError } from './errors';

/** A parsed JSON value. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** A JSON object. */
export type JsonObject = { [key: string]: Json };

/** Deepest nesting accepted in a model configuration (real ones stay below 15). */
export const MAX_CONFIG_DEPTH = 64;

/** True for a plain JSON object (not an array, not null). */
export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Checks, without recursion, that `value` is plain JSON nested at most `maxDepth` deep, with no
 * key `"__proto__"`.
 * @throws KerasFormatError naming `what`.
 */
export function checkJsonDepth(where: string, what: string, value: unknown, maxDepth = MAX_CONFIG_DEPTH): void {
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [v, depth] = stack.pop()!;
    if (v === null || typeof v === 'boolean' || typeof v === 'string') continue;
    if (typeof v === 'number') {
      if (!Number.isFinite(v)) throw new KerasFormatError(`${where}: ${what} holds a non-finite number`);
      continue;
    }
    if (typeof v !== 'object') throw new KerasFormatError(`${where}: ${what} holds a ${typeof v}, expected JSON`);
    if (depth >= maxDepth) throw new KerasFormatError(`${where}: ${what} is nested deeper than ${maxDepth} levels`);
    if (!Array.isArray(v) && Object.prototype.hasOwnProperty.call(v, '__proto__')) {
      // No Keras or tfjs config has one; kept, it would become an object's prototype below.
      throw new KerasFormatError(`${where}: ${what} holds a key "__proto__", which no Keras configuration has`);
    }
    for (const child of Array.isArray(v) ? v : Object.values(v as object)) stack.push([child, depth + 1]);
  }
}

/** `fan_avg` -> `fanAvg` (only underscores are word breaks, as in tfjs-layers). */
export function snakeToCamel(s: string): string {
  return s.includes('_') ? s.replace(/_+([A-Za-z0-9]|$)/g, (_m, c: string) => c.toUpperCase()) : s;
}

/** `fanAvg` -> `fan_avg`, `L1L2` -> `l1_l2` (tfjs-layers' rule). */
export function camelToSnake(s: string): string {
  const spaced = s.replace(/(.)([A-Z][a-z0-9]+)/g, '$1_$2');
  return spaced.replace(/([a-z])([A-Z])/g, '$1_$2').toLowerCase();
}

/** Keras' Python spelling -> tfjs-layers' TypeScript spelling (see the module table). */
export function pythonicToTs(value: Json, key?: string): Json {
  if (value === null || typeof value === 'number' || typeof value === 'boolean') return value;
  if (typeof value === 'string') return key === 'name' ? value : snakeToCamel(value);
  if (Array.isArray(value)) return value.map((v) => pythonicToTs(v, key));
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(value)) {
    const tsKey = snakeToCamel(k);
    out[tsKey] = k === 'name' && typeof v === 'string' ? v : pythonicToTs(v, tsKey);
  }
  return out;
}

/** tfjs-layers' TypeScript spelling -> Keras' Python spelling (see the module table). */
export function tsToPythonic(value: unknown, key?: string): Json {
  if (value === null || value === undefined) return null;
  if (typeof value === 'number' || typeof value === 'boolean') return value;
  if (typeof value === 'string') return key === 'name' || key === 'className' ? value : camelToSnake(value);
  if (Array.isArray(value)) return value.map((v) => tsToPythonic(v, key));
  if (typeof value !== 'object') throw new KerasFormatError(`tsToPythonic: ${typeof value} is not JSON`);
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    out[camelToSnake(k)] = (k === 'name' || k === 'className') && typeof v === 'string' ? v : tsToPythonic(v, k);
  }
  return out;
}

/** A short rendering of a JSON value for error messages. */
export function show(value: unknown, max = 80): string {
  const s = JSON.stringify(value);
  if (s === undefined) return String(value);
  return s.length > max ? `${s.slice(0, max)}...` : s;
}
