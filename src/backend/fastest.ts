/**
 * `useFastestBackend()`: the one line that selects the fastest tfjs backend available, for
 * applications that want it. The library never calls it by itself (it never changes the tfjs
 * backend): the CLI, the demo and the benchmark call it, and so may the user.
 *
 * Order (fastest first, measured with `npm run bench` for this library's LSTMs):
 * `tensorflow` (`@tensorflow/tfjs-node`, Node only, when installed) > `wasm`
 * (`@tensorflow/tfjs-backend-wasm`, a dependency of lstm-bridge) > `webgl` (browsers only, when
 * `@tensorflow/tfjs-backend-webgl` or the umbrella `@tensorflow/tfjs` is imported) > `cpu`.
 *
 * A backend is used when it is registered already (the application imported its package) or
 * when its package can be loaded here (Node, where `require` exists); then `tf.setBackend` and
 * `tf.ready()` are awaited. The result names the backend chosen and, with a typed
 * {@link BackendSkip}, why each faster one was not.
 *
 * In a browser, import the backends you ship before calling it (`import
 * '@tensorflow/tfjs-backend-wasm'` and its `setWasmPaths(...)` where the `.wasm` files are served,
 * or `import '@tensorflow/tfjs'`): a bundle has no `require` to load them by name.
 */
import * as tf from '@tensorflow/tfjs-core';

import { ConfigError } from '../errors';

/** The tfjs backends `useFastestBackend` knows, fastest first. */
export type BackendName = 'tensorflow' | 'wasm' | 'webgl' | 'cpu';

/** The default order of {@link useFastestBackend}. */
export const FASTEST_FIRST: readonly BackendName[] = ['tensorflow', 'wasm', 'webgl', 'cpu'];

/** The package that registers each backend. */
export const BACKEND_PACKAGES: Readonly<Record<BackendName, string>> = {
  tensorflow: '@tensorflow/tfjs-node',
  wasm: '@tensorflow/tfjs-backend-wasm',
  webgl: '@tensorflow/tfjs-backend-webgl',
  cpu: '@tensorflow/tfjs-backend-cpu',
};

/** Why a backend was not used. */
export type BackendSkip =
  /** Its package is neither registered nor loadable here (`detail`: the load error's first line). */
  | { readonly kind: 'not-installed'; readonly package: string; readonly detail: string }
  /** It does not run in this environment (tfjs-node outside Node, webgl outside a browser). */
  | { readonly kind: 'wrong-environment'; readonly needs: 'node' | 'browser' }
  /** Registered, but `tf.setBackend` failed to initialize it. */
  | { readonly kind: 'init-failed'; readonly detail: string };

/** The backend {@link useFastestBackend} selected, and why each one tried before it was not. */
export interface BackendChoice {
  /** The backend now selected (`tf.getBackend()`), ready. */
  readonly backend: BackendName;
  /** The backends tried before it, in order, each with why it was not used. */
  readonly skipped: readonly { readonly backend: BackendName; readonly reason: BackendSkip }[];
}

/** Options of {@link useFastestBackend}. */
export interface UseFastestBackendOptions {
  /** The backends to try, in order. Default {@link FASTEST_FIRST}. */
  readonly backends?: readonly BackendName[];
}

/** The reason in words. */
export function backendSkipMessage(reason: BackendSkip): string {
  switch (reason.kind) {
    case 'not-installed': return `${reason.package} is not installed or does not load (${reason.detail})`;
    case 'wrong-environment': return reason.needs === 'node' ? 'runs in Node only' : 'runs in a browser only (WebGL)';
    case 'init-failed': return `tf.setBackend failed to initialize it (${reason.detail})`;
  }
}

/** True in Node (also under Electron's main process and test runners). */
export function inNode(): boolean {
  return typeof process !== 'undefined' && typeof process.versions?.node === 'string';
}

function inBrowser(): boolean {
  const g = globalThis as { window?: unknown; document?: unknown };
  return typeof g.window !== 'undefined' && typeof g.document !== 'undefined';
}

const firstLine = (e: unknown): string => (e instanceof Error ? e.message : String(e)).split('\n')[0];

/**
 * Makes sure the backend's factory is registered: already (its package was imported), or by
 * loading its package by name. A bundler sees no literal `require` here, so it bundles nothing.
 */
export function registerBackend(name: BackendName): BackendSkip | null {
  if (name === 'tensorflow' && !inNode()) return { kind: 'wrong-environment', needs: 'node' };
  if (name === 'webgl' && !inBrowser()) return { kind: 'wrong-environment', needs: 'browser' };
  if (tf.findBackendFactory(name)) return null;
  const pkg = BACKEND_PACKAGES[name];
  const req = typeof require === 'function' ? require : null;
  if (!req) return { kind: 'not-installed', package: pkg, detail: 'not imported, and this environment has no require to load it' };
  try {
    req(pkg);
  } catch (e) {
    return { kind: 'not-installed', package: pkg, detail: firstLine(e) };
  }
  return tf.findBackendFactory(name) ? null : { kind: 'not-installed', package: pkg, detail: `it registered no '${name}' backend` };
}

/**
 * Registers (when needed) and selects one backend, waiting until it is ready; or says why it
 * cannot be used (the current backend then stays, unless tfjs's failed initialization left its
 * name behind — `useFastestBackend` sets the previous one again).
 */
export async function selectBackend(backend: BackendName): Promise<BackendSkip | null> {
  const missing = registerBackend(backend);
  if (missing) return missing;
  let ok: boolean;
  let detail = 'it returned false';
  try {
    ok = await tf.setBackend(backend);
  } catch (e) {
    ok = false;
    detail = firstLine(e);
  }
  if (!ok) return { kind: 'init-failed', detail };
  await tf.ready();
  return null;
}

/**
 * Selects the fastest tfjs backend available (see the module docs for the order) and waits
 * until it is ready. Only call it when you want the backend switched: the library never does.
 *
 * ```ts
 * const { backend, skipped } = await useFastestBackend(); // e.g. 'wasm', [{ backend: 'tensorflow', reason: { kind: 'not-installed', ... } }]
 * ```
 * @throws ConfigError when `backends` is not a non-empty list of known names, or when none of
 * them can be used (every reason named; the backend active before stays).
 */
export async function useFastestBackend(options: UseFastestBackendOptions = {}): Promise<BackendChoice> {
  const where = 'useFastestBackend';
  const backends = options.backends ?? FASTEST_FIRST;
  if (!Array.isArray(backends) || backends.length === 0 || backends.some((b) => !FASTEST_FIRST.includes(b))) {
    throw new ConfigError(`${where}: backends expected a non-empty list of ${FASTEST_FIRST.join(', ')}, got ${JSON.stringify(backends)}`);
  }
  const skipped: { backend: BackendName; reason: BackendSkip }[] = [];
  // tfjs keeps a backend's name as the current one even when its initialization fails: the
  // backend active before is set again when no candidate works.
  const before = tf.getBackend() as string | null;
  for (const backend of backends) {
    const reason = await selectBackend(backend);
    if (!reason) return { backend, skipped };
    skipped.push({ backend, reason });
  }
  if (before && tf.getBackend() !== before) await tf.setBackend(before);
  const why = skipped.map((s) => `${s.backend}: ${backendSkipMessage(s.reason)}`).join('; ');
  throw new ConfigError(`${where}: no tfjs backend among ${backends.join(', ')} can be used (${why})`);
}
