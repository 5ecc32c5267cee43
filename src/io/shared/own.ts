/**
 * Objects keyed by names read from files. A tensor may be named `"__proto__"` (or
 * `"constructor"`) in a `.pt` or safetensors file: `out[name] = t` would then set the result's
 * prototype (the tensor became unreachable and `sd.shape` answered `[2]`), and `name in TABLE`
 * finds `Object.prototype`'s members. These helpers keep such a name as a plain own key.
 */

/** `obj[key] = value` as an own, enumerable data property, whatever `key` is. */
export function setOwn<T>(obj: Record<string, T>, key: string, value: T): void {
  Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
}

/** True when `key` is an own property of `obj` (never one of `Object.prototype`'s). */
export function hasOwn(obj: object, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(obj, key);
}
