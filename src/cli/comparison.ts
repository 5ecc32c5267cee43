/** The result type of `--verify` (its own module, so the format registry and the checks need not import each other). */

/** One comparison. */
export interface Comparison {
  readonly what: string;
  readonly maxDiff: number;
}
