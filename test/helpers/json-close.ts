/**
 * Compares two JSON values: the same structure, the same strings, booleans and integers, and
 * floating-point numbers within `atol`. Generators that compute outputs with PyTorch give other
 * last bits of float32 on other CPUs (seen: 0.4268045127 here, 0.4268045425 there), so a
 * regenerated fixture is "the same" up to that, never exactly.
 * @returns the paths that differ (empty when the two agree).
 */
export function jsonDifferences(a: unknown, b: unknown, atol: number, where = '$'): string[] {
  if (typeof a === 'number' && typeof b === 'number') {
    if (Number.isInteger(a) && Number.isInteger(b) && Math.abs(a) > 1) return a === b ? [] : [`${where}: ${a} vs ${b}`];
    return Math.abs(a - b) <= atol || (Number.isNaN(a) && Number.isNaN(b)) ? [] : [`${where}: ${a} vs ${b}`];
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length) return [`${where}: length ${a.length} vs ${b.length}`];
    return a.flatMap((x, k) => jsonDifferences(x, b[k], atol, `${where}[${k}]`));
  }
  if (a !== null && b !== null && typeof a === 'object' && typeof b === 'object' && !Array.isArray(a) && !Array.isArray(b)) {
    const ka = Object.keys(a).sort();
    const kb = Object.keys(b).sort();
    if (ka.join() !== kb.join()) return [`${where}: keys ${ka.join(',')} vs ${kb.join(',')}`];
    return ka.flatMap((k) => jsonDifferences((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], atol, `${where}.${k}`));
  }
  return a === b ? [] : [`${where}: ${JSON.stringify(a)} vs ${JSON.stringify(b)}`];
}
