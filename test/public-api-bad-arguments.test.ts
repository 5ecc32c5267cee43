/**
 * Property (fast-check, seeded and bounded): every public entry point of the package — each
 * function and constructor of the exported namespaces `nn`, `layers`, `io`, `adapters`,
 * `engine`, `runtime` of `src/index.ts` and of `src/io/node.ts`, enumerated by walking the
 * modules, not listed by hand — given arbitrary bad arguments in every position either returns
 * normally or throws an `LstmBridgeError`: never a TypeError, RangeError or plain Error from
 * deep inside, within bounded time, and without leaking a tensor (anything it returns is
 * disposed before counting).
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

import fc from 'fast-check';

import { tf } from './helpers/tf';
import * as pkg from '../src';
import * as nodeIo from '../src/io/node';
import { LstmBridgeError } from '../src/errors';

type Entry = { readonly name: string; readonly fn: (...args: unknown[]) => unknown; readonly isClass: boolean };

/** Every function and class reachable from the exported namespaces (nested objects such as `nn.utils.rnn` included). */
function entryPoints(): Entry[] {
  const roots: Record<string, object> = {
    nn: pkg.nn, layers: pkg.layers, io: pkg.io, adapters: pkg.adapters, engine: pkg.engine, runtime: pkg.runtime, node: nodeIo,
  };
  const out: Entry[] = [];
  const seen = new Set<unknown>();
  const walk = (prefix: string, obj: object): void => {
    for (const key of Object.keys(obj)) {
      const value = (obj as Record<string, unknown>)[key];
      if (typeof value === 'function') {
        out.push({ name: `${prefix}.${key}`, fn: value as Entry['fn'], isClass: /^class\b/.test(Function.prototype.toString.call(value)) });
      } else if (value !== null && typeof value === 'object' && !(value instanceof tf.Tensor) && !Array.isArray(value) && !seen.has(value)) {
        seen.add(value);
        walk(`${prefix}.${key}`, value);
      }
    }
  };
  for (const [name, root] of Object.entries(roots)) walk(name, root);
  return out;
}

/**
 * The only entry points not called: they take no arguments (so there is no bad argument to give
 * them) or are pure type guards (they answer true/false for any value by contract). Each name
 * must exist, so the list cannot go stale.
 */
const SKIP: Readonly<Record<string, string>> = {
  'runtime.clearOnnxSessionCache': 'takes no arguments',
  'runtime.onnxSessionCacheSize': 'takes no arguments',
  'runtime.onnxRuntimeAvailable': 'takes no arguments',
  'runtime.onnxRuntimeUnavailableReason': 'takes no arguments',
  'engine.clearOnnxSessionCache': 'takes no arguments (runtime re-export)',
  'engine.onnxSessionCacheSize': 'takes no arguments (runtime re-export)',
  'engine.onnxRuntimeAvailable': 'takes no arguments (runtime re-export)',
  'engine.onnxRuntimeUnavailableReason': 'takes no arguments (runtime re-export)',
};

/** Bad values of every kind the brief names; `make` builds a fresh one (disposed tensors, live tensors). */
function badValue(): fc.Arbitrary<() => unknown> {
  const disposed = (): tf.Tensor => {
    const t = tf.zeros([2, 3]);
    t.dispose();
    return t;
  };
  return fc.oneof(
    fc.anything({ maxDepth: 2, maxKeys: 4 }).map((v) => () => v),
    fc.constantFrom<() => unknown>(
      () => null,
      () => undefined,
      () => NaN,
      () => Infinity,
      () => -1,
      () => 1e9,
      () => 2 ** 32 + 16,
      () => Number.MAX_SAFE_INTEGER,
      () => 'x',
      () => '',
      () => [1, 2, 3],
      () => [[1, 2], [3, 4]],
      () => ({}),
      () => [null, null],
      disposed,
      () => [disposed(), disposed()],
      // Live tensors of a plausible kind but arbitrary shape, so later positions are reached too.
      () => tf.zeros([2, 3]),
      () => tf.zeros([3, 2, 4]),
      () => tf.zeros([8]),
      () => [tf.zeros([1, 2, 4]), tf.zeros([1, 2, 4])],
      () => ({ kernel: tf.zeros([3, 8]), recurrentKernel: tf.zeros([2, 8]) }),
    ),
  );
}

/** Tensors anywhere in a value (arrays, plain objects, Maps), and objects with a `dispose` method. */
function disposeAll(value: unknown, seen = new Set<unknown>(), depth = 0): void {
  if (value === null || typeof value !== 'object' || seen.has(value) || depth > 6) return;
  seen.add(value);
  if (value instanceof tf.Tensor) {
    value.dispose();
    return;
  }
  if (Array.isArray(value)) {
    value.forEach((v) => disposeAll(v, seen, depth + 1));
    return;
  }
  if (value instanceof Map) {
    value.forEach((v) => disposeAll(v, seen, depth + 1));
    return;
  }
  if (value instanceof Error || ArrayBuffer.isView(value) || value instanceof ArrayBuffer) return;
  const dispose = (value as { dispose?: unknown }).dispose;
  if (typeof dispose === 'function') {
    try {
      (dispose as () => void).call(value);
    } catch {
      // Some results own nothing to dispose twice; the leak count below is what matters.
    }
    return;
  }
  if (Object.getPrototypeOf(value) === Object.prototype || Object.getPrototypeOf(value) === null) {
    for (const v of Object.values(value as Record<string, unknown>)) disposeAll(v, seen, depth + 1);
  }
}

/** The parameter names of a function or class constructor, from its source (top-level commas only). */
function parameterNames(fn: Function): string[] {
  const src = Function.prototype.toString.call(fn);
  const start = /^class\b/.test(src) ? src.indexOf('(', src.indexOf('constructor')) : src.indexOf('(');
  if (start < 0 || (/^class\b/.test(src) && src.indexOf('constructor') < 0)) return [];
  const names: string[] = [];
  let depth = 0;
  let current = '';
  for (let k = start + 1; k < src.length; k++) {
    const ch = src[k];
    if (depth === 0 && (ch === ',' || ch === ')')) {
      names.push(current.trim().split(/[\s=]/)[0]);
      current = '';
      if (ch === ')') break;
      continue;
    }
    if ('([{'.includes(ch)) depth++;
    if (')]}'.includes(ch)) depth--;
    current += ch;
  }
  return names.filter(Boolean);
}

/**
 * Label parameters are not given bad values: `where`, `argName` and `fn` are the strings the
 * library's own composed calls pass so that a message names the outer caller (`adapters.toKeras
 * (layer 1): ...`); they are part of no user-facing contract beyond "a string".
 */
const LABEL_PARAMETERS = new Set(['where', 'argName', 'fn']);

/** How many leading positions get bad values: every declared parameter plus the first defaulted one, stopping at a label. */
function arityOf(entry: Entry): number {
  const names = parameterNames(entry.fn);
  let n = Math.max(1, entry.fn.length + 1);
  const label = names.findIndex((name) => LABEL_PARAMETERS.has(name));
  if (label >= 0) n = Math.min(n, label);
  return Math.max(1, n);
}

const CALL_TIME_LIMIT_MS = 5000;

type Outcome = { readonly ok: true } | { readonly ok: false; readonly error: unknown };

async function callOnce(entry: Entry, args: unknown[]): Promise<{ outcome: Outcome; result: unknown }> {
  try {
    let result: unknown = entry.isClass ? new (entry.fn as unknown as new (...a: unknown[]) => unknown)(...args) : entry.fn(...args);
    if (result instanceof Promise) {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${CALL_TIME_LIMIT_MS} ms`)), CALL_TIME_LIMIT_MS);
      });
      try {
        result = await Promise.race([result, timeout]);
      } finally {
        clearTimeout(timer);
      }
    }
    return { outcome: { ok: true }, result };
  } catch (error) {
    return { outcome: { ok: false, error }, result: undefined };
  }
}

function describeError(e: unknown): string {
  if (e instanceof Error) return `${e.constructor.name}: ${e.message.slice(0, 160)}`;
  return `a thrown ${typeof e}`;
}

const ENTRIES = entryPoints();
const CALLED = ENTRIES.filter((e) => !(e.name in SKIP));
const RUNS = 1000;

describe('every public entry point turns bad arguments into an LstmBridgeError', () => {
  let cwd: string;
  let dir: string;
  beforeAll(() => {
    // Writers given a string path write there: keep whatever they write out of the project.
    cwd = process.cwd();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lstm-bridge-props-'));
    process.chdir(dir);
  });
  afterAll(() => {
    process.chdir(cwd);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('walks the namespaces: a few hundred entry points, and every skip-list name exists', () => {
    const names = new Set(ENTRIES.map((e) => e.name));
    expect(ENTRIES.length).toBeGreaterThan(150);
    for (const name of [...Object.keys(SKIP)]) expect(names.has(name)).toBe(true);
    // The named entry points of issue 12 are among those called.
    for (const name of ['adapters.convertLstmWeights', 'adapters.torchToCanonical', 'adapters.toKeras', 'adapters.toTorch', 'nn.LSTM', 'layers.lstm', 'io.loadTorch', 'node.saveKeras']) {
      expect(CALLED.map((e) => e.name)).toContain(name);
    }
  });

  it.each(CALLED.map((e, k) => [e.name, e, k] as const))('%s', async (_name, entry, k) => {
    const arity = arityOf(entry);
    await fc.assert(
      fc.asyncProperty(fc.array(badValue(), { minLength: 1, maxLength: arity }), async (makers) => {
        const limits = pkg.engine.sizeLimits();
        const before = tf.memory().numTensors;
        const args = makers.map((make) => make());
        const started = Date.now();
        const { outcome, result } = await callOnce(entry, args);
        const elapsed = Date.now() - started;
        disposeAll(result);
        disposeAll(args);
        pkg.engine.setSizeLimits(limits); // engine.setSizeLimits is an entry point too: keep its global caps out of the other runs
        const leaked = tf.memory().numTensors - before;
        const typedOrNormal = outcome.ok || outcome.error instanceof LstmBridgeError;
        if (!typedOrNormal) throw new Error(`${entry.name} threw ${describeError(outcome.error)}`);
        if (elapsed > CALL_TIME_LIMIT_MS) throw new Error(`${entry.name} took ${elapsed} ms`);
        if (leaked !== 0) throw new Error(`${entry.name} leaked ${leaked} tensor(s)`);
      }),
      { seed: 12_000 + k, numRuns: RUNS, endOnFailure: true },
    );
  });
});
