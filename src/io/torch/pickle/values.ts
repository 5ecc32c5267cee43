/**
 * The values a safe unpickle produces: plain data, never live Python objects.
 *
 * | Python | here |
 * |---|---|
 * | None, bool, int, float, str | `null`, `boolean`, `number` (or `bigint` beyond 2^53), `number`, `string` |
 * | bytes | {@link PyBytes} |
 * | tuple | {@link PyTuple} |
 * | list | {@link PyList} |
 * | dict, collections.OrderedDict | {@link PyDict} (insertion order kept) |
 * | set, frozenset | {@link PySet} |
 * | an allowed global (class or function) | {@link PyGlobal} |
 * | what an allowed global returned | whatever its handler built (e.g. a tensor reference) |
 * | with `unknownGlobals: 'placeholder'`: any other global | a {@link PyGlobal} with `unknown` set, never resolved |
 * | ... and what REDUCE / NEWOBJ of it "built" | a {@link PyObject}: the class name, the arguments and the BUILD state, as data |
 */

/** bytes */
export class PyBytes {
  constructor(readonly bytes: Uint8Array) {}
}

/** tuple (immutable) */
export class PyTuple {
  constructor(readonly items: readonly PyValue[]) {}
}

/** list */
export class PyList {
  readonly items: PyValue[] = [];
}

/** set or frozenset (items in pickle order; duplicates are not merged: data only). */
export class PySet {
  readonly items: PyValue[] = [];
  constructor(readonly frozen = false) {}
}

/** Keys a dict can be looked up by in O(1). */
type SimpleKey = string | number | boolean | null;

/** dict or collections.OrderedDict, in insertion order. */
export class PyDict {
  readonly keys: PyValue[] = [];
  readonly values: PyValue[] = [];
  /** Attributes set by BUILD (an OrderedDict's `_metadata`); data only, never used as code. */
  attributes: PyValue = null;
  private readonly index = new Map<SimpleKey, number>();

  constructor(readonly ordered = false) {}

  /** `d[key] = value`: replaces the value of an existing simple key in place, as Python does. */
  set(key: PyValue, value: PyValue): void {
    if (isSimpleKey(key)) {
      const at = this.index.get(key);
      if (at !== undefined) {
        this.values[at] = value;
        return;
      }
      this.index.set(key, this.keys.length);
    }
    this.keys.push(key);
    this.values.push(value);
  }

  get size(): number {
    return this.keys.length;
  }

  /** Value of a string key, or undefined. */
  get(key: string): PyValue | undefined {
    const at = this.index.get(key);
    return at === undefined ? undefined : this.values[at];
  }
}

function isSimpleKey(key: PyValue): key is SimpleKey {
  return key === null || typeof key === 'string' || typeof key === 'number' || typeof key === 'boolean';
}

/** What a {@link PyGlobal} may do; every hook is optional and absent means "refused". */
export interface GlobalHandler {
  /** `REDUCE`: call with the args tuple. */
  readonly call?: (args: readonly PyValue[]) => PyValue;
  /** `NEWOBJ`: `cls.__new__(cls, *args)`. */
  readonly newobj?: (args: readonly PyValue[]) => PyValue;
}

/**
 * A reference to a global, e.g. `collections.OrderedDict`. Never imported or run: an allowed one
 * has our own handler; an `unknown` one (only with `unknownGlobals: 'placeholder'`) has none and
 * REDUCE / NEWOBJ of it make a {@link PyObject} placeholder.
 */
export class PyGlobal {
  constructor(
    readonly module: string,
    readonly name: string,
    readonly handler: GlobalHandler,
    readonly unknown = false,
  ) {}

  get fullName(): string {
    return `${this.module}.${this.name}`;
  }
}

/**
 * An object built by a handler (a storage, a tensor reference). Handlers return instances of
 * classes implementing this so the reader can apply `BUILD` to them.
 */
export interface PyHostObject {
  readonly pyHost: true;
  /** `BUILD`: apply pickled state; absent means BUILD is refused for this object. */
  build?(state: PyValue): void;
}

/**
 * An inert placeholder for an object of a class outside the allowlist (`__main__.Net`,
 * `torch.nn.modules.rnn.LSTM`, `sklearn.preprocessing._data.StandardScaler`): what the pickle
 * said about it, kept as data. Nothing was imported, constructed or called.
 */
export class PyObject {
  /** What BUILD set (`__setstate__`'s argument: usually the instance `__dict__`); null before. */
  state: PyValue = null;
  constructor(
    /** `module.qualname` of the class (or of the function REDUCE named). */
    readonly className: string,
    /** The arguments of REDUCE / NEWOBJ. */
    readonly args: readonly PyValue[],
  ) {}
}

/** Any value an unpickle can produce. */
export type PyValue =
  | null
  | boolean
  | number
  | bigint
  | string
  | PyBytes
  | PyTuple
  | PyList
  | PyDict
  | PySet
  | PyGlobal
  | PyObject
  | PyHostObject;

/** True for objects built by handlers. */
export function isHostObject(v: PyValue): v is PyHostObject {
  return typeof v === 'object' && v !== null && (v as { pyHost?: unknown }).pyHost === true;
}

/** A short description of a value for error messages: `tuple of 5`, `str 'storage'`. */
export function describePy(v: PyValue): string {
  if (v === null) return 'None';
  if (typeof v === 'string') return `str '${v.length > 40 ? v.slice(0, 40) + '...' : v}'`;
  if (typeof v === 'number' || typeof v === 'bigint') return `int/float ${v}`;
  if (typeof v === 'boolean') return `bool ${v}`;
  if (v instanceof PyBytes) return `bytes of ${v.bytes.length}`;
  if (v instanceof PyTuple) return `tuple of ${v.items.length}`;
  if (v instanceof PyList) return `list of ${v.items.length}`;
  if (v instanceof PyDict) return `${v.ordered ? 'OrderedDict' : 'dict'} of ${v.size}`;
  if (v instanceof PySet) return `${v.frozen ? 'frozenset' : 'set'} of ${v.items.length}`;
  if (v instanceof PyGlobal) return `global ${v.fullName}`;
  if (v instanceof PyObject) return `placeholder ${v.className}`;
  return (v as object).constructor?.name ?? 'object';
}
