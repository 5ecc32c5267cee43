/** Runs a page's work and reports its result (or its error) to the harness through `window`. */
export function report(work: () => Promise<unknown>): void {
  const w = window as unknown as { __result?: unknown; __error?: string };
  work().then(
    (r) => { w.__result = r; },
    (e: unknown) => { w.__error = e instanceof Error ? `${e.name}: ${e.message}\n${e.stack ?? ''}` : String(e); },
  );
}

/** The query parameter `name` of the page's URL. */
export function param(name: string, fallback: string): string {
  return new URLSearchParams(location.search).get(name) ?? fallback;
}
