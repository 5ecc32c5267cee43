/** What `f` throws, or undefined when it returns: for tests that inspect the error itself. */
export function thrown(f: () => unknown): unknown {
  try {
    f();
  } catch (e) {
    return e;
  }
  return undefined;
}
