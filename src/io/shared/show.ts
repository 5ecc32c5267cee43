/**
 * Values read from a file, rendered for an error message in bounded time and stack: a JSON
 * header may nest 10,000 levels deep (`JSON.stringify` and `String([...])` then overflow the
 * stack while the message is built). Nesting past {@link SHOW_DEPTH} prints as `…`, and the text
 * is cut at `max` characters.
 */

/** Deepest nesting rendered. */
export const SHOW_DEPTH = 4;

/** A JSON-like value as short text: `[1, [2, […]]]`, `{"a": 1, …}`, `"x"`. */
export function showValue(value: unknown, max = 80): string {
  const out = render(value, 0, max + 1);
  return out.length > max ? `${out.slice(0, max)}…` : out;
}

function render(v: unknown, depth: number, budget: number): string {
  if (v === null || typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (typeof v === 'string') return JSON.stringify(v.length > budget ? v.slice(0, budget) : v);
  if (typeof v === 'bigint') return `${v}n`;
  if (typeof v !== 'object') return typeof v;
  if (depth >= SHOW_DEPTH) return Array.isArray(v) ? '[…]' : '{…}';
  const parts: string[] = [];
  let used = 2;
  const entries: Array<[string | null, unknown]> = Array.isArray(v)
    ? v.slice(0, 32).map((x) => [null, x])
    : Object.keys(v as object).slice(0, 32).map((k) => [k, (v as Record<string, unknown>)[k]]);
  const total = Array.isArray(v) ? v.length : Object.keys(v as object).length;
  for (const [k, x] of entries) {
    if (used >= budget) break;
    const item = (k === null ? '' : `${JSON.stringify(k)}: `) + render(x, depth + 1, budget - used);
    parts.push(item);
    used += item.length + 2;
  }
  if (parts.length < total) parts.push('…');
  return Array.isArray(v) ? `[${parts.join(', ')}]` : `{${parts.join(', ')}}`;
}
