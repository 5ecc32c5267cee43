/**
 * A safe unpickler: reads Python pickle streams (binary protocols 2 to 5, which is everything
 * `torch.save` writes) into plain {@link PyValue}s.
 *
 * Safety, the same rules as `torch.load(weights_only=True)` and stricter:
 * - `GLOBAL` / `STACK_GLOBAL` resolve only names in the caller's allowlist; any other name
 *   (`os.system`, `builtins.eval`, `posix.system`, ...) throws {@link PickleSecurityError} at
 *   once. Nothing is ever imported, looked up or called: an allowed global is a
 *   {@link PyGlobal} whose handler is our own TypeScript.
 * - `REDUCE` / `NEWOBJ` only apply handlers of allowed globals; `BUILD` only sets data on an
 *   `OrderedDict` or a handler-built object that accepts it.
 * - Opt-in, `unknownGlobals: 'placeholder'`: any other global is read as an inert name (a
 *   {@link PyGlobal} marked `unknown`); REDUCE / NEWOBJ of it make a {@link PyObject} that
 *   records the name and the arguments, BUILD stores its state there. Still nothing is imported,
 *   looked up or called: `os.system` becomes a placeholder named `os.system`, and that is all.
 * - `INST`, `OBJ`, `EXT*`, text `PERSID` and text-mode opcodes are refused.
 * - Every length is checked against the bytes left before anything is sliced; the stack, memo,
 *   MARK nesting and the number of values created are capped ({@link IoLimits}). The reader is a
 *   loop, never recursive, so nesting costs no native stack.
 */
import { PickleError, PickleSecurityError } from '../../shared/errors';
import { IoLimits, checkLimit } from '../../shared/limits';
import {
  GlobalHandler,
  PyBytes,
  PyDict,
  PyGlobal,
  PyList,
  PyObject,
  PySet,
  PyTuple,
  PyValue,
  describePy,
  isHostObject,
} from './values';

/** What the caller allows. */
export interface UnpickleOptions {
  /** `module.name` -> handler. Every other global is refused. */
  readonly globals: ReadonlyMap<string, GlobalHandler>;
  /** Resolves `BINPERSID` ids (PyTorch storages); absent means persistent ids are refused. */
  readonly persistentLoad?: (pid: PyValue) => PyValue;
  /** Prefix of error messages, e.g. `io.loadTorch: data.pkl`. */
  readonly where: string;
  readonly limits: IoLimits;
  /**
   * A global outside `globals`: `'refuse'` (the default) throws {@link PickleSecurityError};
   * `'placeholder'` reads it as data (see the module documentation). Nothing is ever called.
   */
  readonly unknownGlobals?: 'refuse' | 'placeholder';
  /** Appended to the message refusing an unknown global (how to read the file anyway). */
  readonly refusalHint?: string;
}

/** The result and how many bytes of `bytes` the pickle used (streams can be concatenated). */
export interface UnpickleResult {
  readonly value: PyValue;
  readonly end: number;
  /** With `unknownGlobals: 'placeholder'`: the unknown globals named, in order of first use. */
  readonly unknownGlobals: readonly string[];
}

/** Opcodes that build arbitrary objects or depend on registries: refused as unsafe. */
const UNSAFE_OPCODES: Record<number, string> = {
  0x69: 'INST',
  0x6f: 'OBJ',
  0x82: 'EXT1',
  0x83: 'EXT2',
  0x84: 'EXT4',
  0x50: 'PERSID',
  0x92: 'NEWOBJ_EX',
};


const latin1 = new TextDecoder('latin1');
const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Unpickles one pickle starting at `start`.
 * @throws PickleError for malformed streams, PickleSecurityError for refused names/opcodes,
 *   SizeLimitError for caps.
 */
export function unpickle(bytes: Uint8Array, start: number, options: UnpickleOptions): UnpickleResult {
  const { where, limits } = options;
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const stack: PyValue[] = [];
  const marks: number[] = [];
  const memo = new Map<number, PyValue>();
  let pos = start;
  let created = 0;
  const unknown = new Set<string>();
  const placeholders = options.unknownGlobals === 'placeholder';

  const fail = (msg: string): never => {
    throw new PickleError(`${where}: ${msg} (at byte ${pos})`);
  };
  const need = (n: number): number => {
    if (!(n >= 0) || pos + n > bytes.length) fail(`truncated: ${n} more bytes needed, ${bytes.length - pos} left`);
    const at = pos;
    pos += n;
    return at;
  };
  const push = (v: PyValue): void => {
    created++;
    if (created > limits.maxPickleItems) checkLimit(where, 'number of pickled values', created, limits, 'maxPickleItems');
    if (stack.length >= limits.maxPickleItems) checkLimit(where, 'pickle stack depth', stack.length + 1, limits, 'maxPickleItems');
    stack.push(v);
  };
  const pop = (): PyValue => {
    const base = marks.length > 0 ? marks[marks.length - 1] : 0;
    if (stack.length <= base) fail('stack underflow');
    return stack.pop() as PyValue;
  };
  const top = (): PyValue => {
    const base = marks.length > 0 ? marks[marks.length - 1] : 0;
    if (stack.length <= base) fail('stack underflow');
    return stack[stack.length - 1] as PyValue;
  };
  const popMark = (): PyValue[] => {
    if (marks.length === 0) fail('MARK expected before this opcode');
    const base = marks.pop() as number;
    const items = stack.splice(base) as PyValue[];
    created += items.length;
    if (created > limits.maxPickleItems) checkLimit(where, 'number of pickled values', created, limits, 'maxPickleItems');
    return items;
  };
  const str = (n: number, decoder: TextDecoder): string => {
    const at = need(n);
    try {
      return decoder.decode(bytes.subarray(at, at + n));
    } catch {
      return fail('string is not valid UTF-8');
    }
  };
  const len8 = (): number => {
    const at = need(8);
    const lo = dv.getUint32(at, true);
    const hi = dv.getUint32(at + 4, true);
    const n = hi * 2 ** 32 + lo;
    if (n > bytes.length - pos) fail(`length ${n} exceeds the ${bytes.length - pos} bytes left`);
    return n;
  };
  const line = (): string => {
    const end = bytes.indexOf(0x0a, pos);
    if (end < 0 || end - pos > 256) fail('GLOBAL name expected a newline-terminated line of at most 256 bytes');
    return str(end - pos + 1, latin1).slice(0, -1);
  };
  const resolveGlobal = (module: string, name: string): PyGlobal => {
    const full = `${module}.${name}`;
    const handler = options.globals.get(full);
    if (!handler && placeholders) {
      unknown.add(full);
      return new PyGlobal(module, name, {}, true);
    }
    if (!handler) {
      throw new PickleSecurityError(
        `${where}: refused global ${full}: only the globals a weights file needs are allowed (as torch.load(weights_only=True) does); nothing was imported or run${options.refusalHint ?? ''}`,
        full,
      );
    }
    return new PyGlobal(module, name, handler);
  };
  /** REDUCE / NEWOBJ of an unknown global: a placeholder (protocol 0/1's `copyreg._reconstructor(cls, base, state)` names `cls`). */
  const placeholder = (g: PyGlobal, args: readonly PyValue[]): PyObject => {
    const cls = g.fullName === 'copyreg._reconstructor' && args[0] instanceof PyGlobal ? args[0].fullName : g.fullName;
    return new PyObject(cls, args);
  };
  const addToSet = (target: PyValue, items: PyValue[]): void => {
    if (!(target instanceof PySet) || target.frozen) fail(`ADDITEMS expected a set, got ${describePy(target)}`);
    for (const item of items) (target as PySet).items.push(item);
  };
  const setItems = (target: PyValue, items: PyValue[], op: string): void => {
    if (!(target instanceof PyDict)) fail(`${op} expected a dict, got ${describePy(target)}`);
    if (items.length % 2 !== 0) fail(`${op} expected key/value pairs, got ${items.length} items`);
    for (let k = 0; k < items.length; k += 2) (target as PyDict).set(items[k], items[k + 1]);
  };
  const appendItems = (target: PyValue, items: PyValue[], op: string): void => {
    if (!(target instanceof PyList)) fail(`${op} expected a list, got ${describePy(target)}`);
    for (const item of items) (target as PyList).items.push(item);
  };
  const decodeLong = (n: number): number | bigint => {
    const at = need(n);
    if (n === 0) return 0;
    let v = 0n;
    for (let k = n - 1; k >= 0; k--) v = (v << 8n) | BigInt(bytes[at + k]);
    if (bytes[at + n - 1] & 0x80) v -= 1n << BigInt(8 * n);
    return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
  };

  for (;;) {
    const op = bytes[need(1)];
    switch (op) {
      case 0x80: // PROTO
        if (bytes[need(1)] > 5) fail(`pickle protocol ${bytes[pos - 1]} is not supported (0 to 5)`);
        break;
      case 0x95: // FRAME: a length hint only
        len8();
        break;
      case 0x2e: { // STOP
        if (marks.length > 0) fail('STOP inside an unclosed MARK');
        if (stack.length !== 1) fail(`STOP expected one value on the stack, found ${stack.length}`);
        return { value: stack[0] as PyValue, end: pos, unknownGlobals: [...unknown] };
      }
      case 0x28: // MARK
        checkLimit(where, 'MARK nesting', marks.length + 1, limits, 'maxPickleDepth');
        marks.push(stack.length);
        break;
      case 0x30: // POP
        pop();
        break;
      case 0x31: // POP_MARK
        popMark();
        break;
      case 0x32: // DUP
        push(top());
        break;
      case 0x4e: push(null); break; // NONE
      case 0x88: push(true); break; // NEWTRUE
      case 0x89: push(false); break; // NEWFALSE
      case 0x4a: push(dv.getInt32(need(4), true)); break; // BININT
      case 0x4b: push(bytes[need(1)]); break; // BININT1
      case 0x4d: push(dv.getUint16(need(2), true)); break; // BININT2
      case 0x8a: push(decodeLong(bytes[need(1)])); break; // LONG1
      case 0x8b: { // LONG4
        const n = dv.getInt32(need(4), true);
        if (n < 0 || n > 1024) fail(`LONG4 of ${n} bytes refused (at most 1024)`);
        push(decodeLong(n));
        break;
      }
      case 0x47: push(dv.getFloat64(need(8), false)); break; // BINFLOAT (big-endian)
      case 0x58: push(str(dv.getUint32(need(4), true), utf8)); break; // BINUNICODE
      case 0x8c: push(str(bytes[need(1)], utf8)); break; // SHORT_BINUNICODE
      case 0x8d: push(str(len8(), utf8)); break; // BINUNICODE8
      case 0x55: push(str(bytes[need(1)], latin1)); break; // SHORT_BINSTRING (py2 str)
      case 0x54: { // BINSTRING
        const n = dv.getInt32(need(4), true);
        if (n < 0) fail(`BINSTRING length ${n} is negative`);
        push(str(n, latin1));
        break;
      }
      case 0x43: case 0x42: case 0x8e: case 0x96: { // SHORT_BINBYTES, BINBYTES, BINBYTES8, BYTEARRAY8
        const n = op === 0x43 ? bytes[need(1)] : op === 0x42 ? dv.getUint32(need(4), true) : len8();
        const at = need(n);
        push(new PyBytes(bytes.slice(at, at + n)));
        break;
      }
      case 0x29: push(new PyTuple([])); break; // EMPTY_TUPLE
      case 0x74: push(new PyTuple(popMark())); break; // TUPLE
      case 0x85: push(new PyTuple([pop()])); break; // TUPLE1
      case 0x86: { // TUPLE2
        const b = pop();
        push(new PyTuple([pop(), b]));
        break;
      }
      case 0x87: { // TUPLE3
        const c = pop();
        const b = pop();
        push(new PyTuple([pop(), b, c]));
        break;
      }
      case 0x5d: push(new PyList()); break; // EMPTY_LIST
      case 0x6c: { // LIST
        const list = new PyList();
        appendItems(list, popMark(), 'LIST');
        push(list);
        break;
      }
      case 0x61: { // APPEND
        const item = pop();
        appendItems(top(), [item], 'APPEND');
        break;
      }
      case 0x65: { // APPENDS
        const items = popMark();
        appendItems(top(), items, 'APPENDS');
        break;
      }
      case 0x8f: push(new PySet()); break; // EMPTY_SET
      case 0x90: { // ADDITEMS
        const items = popMark();
        addToSet(top(), items);
        break;
      }
      case 0x91: { // FROZENSET
        const set = new PySet(true);
        for (const item of popMark()) set.items.push(item);
        push(set);
        break;
      }
      case 0x7d: push(new PyDict()); break; // EMPTY_DICT
      case 0x64: { // DICT
        const dict = new PyDict();
        setItems(dict, popMark(), 'DICT');
        push(dict);
        break;
      }
      case 0x73: { // SETITEM
        const value = pop();
        const key = pop();
        setItems(top(), [key, value], 'SETITEM');
        break;
      }
      case 0x75: { // SETITEMS
        const items = popMark();
        setItems(top(), items, 'SETITEMS');
        break;
      }
      case 0x71: case 0x72: case 0x94: { // BINPUT, LONG_BINPUT, MEMOIZE
        const index = op === 0x71 ? bytes[need(1)] : op === 0x72 ? dv.getUint32(need(4), true) : memo.size;
        if (!memo.has(index)) checkLimit(where, 'memo entries', memo.size + 1, limits, 'maxPickleMemo');
        memo.set(index, top());
        break;
      }
      case 0x68: case 0x6a: { // BINGET, LONG_BINGET
        const index = op === 0x68 ? bytes[need(1)] : dv.getUint32(need(4), true);
        if (!memo.has(index)) fail(`memo index ${index} was never stored`);
        push(memo.get(index) as PyValue);
        break;
      }
      case 0x63: { // GLOBAL
        const module = line();
        push(resolveGlobal(module, line()));
        break;
      }
      case 0x93: { // STACK_GLOBAL
        const name = pop();
        const module = pop();
        if (typeof module !== 'string' || typeof name !== 'string') fail('STACK_GLOBAL expected two strings');
        push(resolveGlobal(module as string, name as string));
        break;
      }
      case 0x52: { // REDUCE
        const args = pop();
        const callable = pop();
        if (callable instanceof PyGlobal && callable.unknown) {
          if (!(args instanceof PyTuple)) fail(`REDUCE expected an args tuple, got ${describePy(args)}`);
          push(placeholder(callable, (args as PyTuple).items));
          break;
        }
        if (!(callable instanceof PyGlobal) || !callable.handler.call) {
          throw new PickleSecurityError(`${where}: REDUCE refused: ${describePy(callable)} is not an allowed callable`, describePy(callable));
        }
        if (!(args instanceof PyTuple)) fail(`REDUCE expected an args tuple, got ${describePy(args)}`);
        push(callable.handler.call((args as PyTuple).items));
        break;
      }
      case 0x81: { // NEWOBJ
        const args = pop();
        const cls = pop();
        if (cls instanceof PyGlobal && cls.unknown) {
          if (!(args instanceof PyTuple)) fail(`NEWOBJ expected an args tuple, got ${describePy(args)}`);
          push(placeholder(cls, (args as PyTuple).items));
          break;
        }
        if (!(cls instanceof PyGlobal) || !cls.handler.newobj) {
          throw new PickleSecurityError(`${where}: NEWOBJ refused: ${describePy(cls)} may not be instantiated`, describePy(cls));
        }
        if (!(args instanceof PyTuple)) fail(`NEWOBJ expected an args tuple, got ${describePy(args)}`);
        push(cls.handler.newobj((args as PyTuple).items));
        break;
      }
      case 0x62: { // BUILD
        const state = pop();
        const obj = top();
        if (obj instanceof PyDict && obj.ordered) {
          obj.attributes = state; // OrderedDict.__dict__ (state_dict()._metadata): kept as data
        } else if (obj instanceof PyObject) {
          obj.state = state; // __setstate__'s argument, kept as data: nothing runs
        } else if (isHostObject(obj) && obj.build) {
          obj.build(state);
        } else {
          throw new PickleSecurityError(`${where}: BUILD refused on ${describePy(obj)}`, 'BUILD');
        }
        break;
      }
      case 0x51: { // BINPERSID
        const pid = pop();
        if (!options.persistentLoad) {
          throw new PickleSecurityError(`${where}: persistent id refused (this stream may not reference external data)`, 'BINPERSID');
        }
        push(options.persistentLoad(pid));
        break;
      }
      default: {
        const unsafe = UNSAFE_OPCODES[op];
        if (unsafe) {
          throw new PickleSecurityError(`${where}: opcode ${unsafe} refused: it builds objects by name`, unsafe);
        }
        fail(`unsupported opcode 0x${op.toString(16).padStart(2, '0')}`);
      }
    }
  }
}
