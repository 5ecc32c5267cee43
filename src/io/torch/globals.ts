/**
 * The globals a PyTorch state dict may name, and what each one builds here.
 *
 * The list follows `torch/_weights_only_unpickler.py` (`_get_allowed_globals`), narrowed to what
 * a file of weights needs:
 *
 * | global | here |
 * |---|---|
 * | `collections.OrderedDict` | a {@link PyDict} (ordered); `BUILD` keeps `_metadata` as data |
 * | `torch._utils._rebuild_tensor_v2(storage, offset, size, stride, requires_grad, hooks[, metadata])` | a {@link TorchTensorRef} |
 * | `torch._utils._rebuild_tensor(storage, offset, size, stride)` | a {@link TorchTensorRef} |
 * | `torch._utils._rebuild_parameter(data, requires_grad, hooks)` | `data` |
 * | `torch._utils._rebuild_parameter_with_state(data, requires_grad, hooks, state)` | `data` |
 * | `torch._tensor._rebuild_from_type_v2(func, type, args, state)` | `func(*args)` when `func` is one of the above and `type` is Tensor/Parameter |
 * | `torch.nn.parameter.Parameter` (NEWOBJ or call) | its data tensor |
 * | `torch.Tensor` | a type marker for `_rebuild_from_type_v2` only |
 * | `torch.Size` | a tuple |
 * | `_codecs.encode(str, 'latin1')` | bytes (how protocol 2 pickles `bytes`) |
 * | `builtins.set`, `builtins.frozenset` (`__builtin__.*` in protocol 2) | a {@link PySet} (an `nn.Module`'s `_non_persistent_buffers_set`) |
 * | `torch.FloatStorage`, `torch.HalfStorage`, ... `torch.UntypedStorage` | storage types in persistent ids |
 *
 * Everything else is refused, including the rest of `torch.*`. Storages are resolved by the
 * caller's `resolveStorage` (zip entry or legacy record), never by name.
 */
import { TorchFormatError } from '../shared/errors';
import { FileDtype } from '../shared/dtypes';
import { GlobalHandler, PyBytes, PyDict, PyGlobal, PyHostObject, PyList, PySet, PyTuple, PyValue, describePy } from './pickle/values';

/** Storage class name -> element type (`null`: known to torch, not representable in tfjs). */
export const STORAGE_DTYPES: Readonly<Record<string, FileDtype | null>> = Object.freeze({
  FloatStorage: 'float32',
  DoubleStorage: 'float64',
  HalfStorage: 'float16',
  BFloat16Storage: 'bfloat16',
  LongStorage: 'int64',
  IntStorage: 'int32',
  ShortStorage: 'int16',
  CharStorage: 'int8',
  ByteStorage: 'uint8',
  BoolStorage: 'bool',
  UntypedStorage: 'uint8',
  ComplexFloatStorage: null,
  ComplexDoubleStorage: null,
  QInt8Storage: null,
  QUInt8Storage: null,
  QInt32Storage: null,
  QUInt4x2Storage: null,
  QUInt2x4Storage: null,
});

/** A storage named by a persistent id; its bytes are resolved by the archive reader. */
export class TorchStorageRef implements PyHostObject {
  readonly pyHost = true as const;
  constructor(
    /** Storage class, e.g. `FloatStorage`. */
    readonly typeName: string,
    readonly dtype: FileDtype | null,
    /** Record key (`data/<key>` in a zip, the root key in the legacy format). */
    readonly key: string,
    /** Device it was saved from (`cpu`, `cuda:0`, `mps`): ignored, everything loads on the CPU. */
    readonly location: string,
    /** Elements in the storage (in the view, for a legacy view). */
    readonly numel: number,
    /** Legacy views: element offset of this view into the root storage `key`. */
    readonly viewOffset = 0,
  ) {}
}

/** A tensor: a strided view of a storage. */
export class TorchTensorRef implements PyHostObject {
  readonly pyHost = true as const;
  constructor(
    readonly storage: TorchStorageRef,
    readonly offset: number,
    readonly shape: readonly number[],
    readonly strides: readonly number[],
  ) {}
}

/** A global that is only a type marker (`torch.Tensor`, `torch.nn.Parameter` as a type). */
const TYPE_MARKER: GlobalHandler = {};

function intsOf(where: string, what: string, v: PyValue): number[] {
  const items = v instanceof PyTuple ? v.items : v instanceof PyList ? v.items : null;
  if (!items || !items.every((d) => typeof d === 'number' && Number.isSafeInteger(d))) {
    throw new TorchFormatError(`${where}: ${what} expected a tuple of ints, got ${describePy(v)}`);
  }
  return items as number[];
}

function tensorArg(where: string, fn: string, v: PyValue): TorchTensorRef {
  if (!(v instanceof TorchTensorRef)) {
    throw new TorchFormatError(`${where}: ${fn} expected a tensor, got ${describePy(v)}`);
  }
  return v;
}

function rebuildTensor(where: string, fn: string, args: readonly PyValue[], minArgs: number, maxArgs: number): TorchTensorRef {
  if (args.length < minArgs || args.length > maxArgs) {
    throw new TorchFormatError(`${where}: ${fn} expected ${minArgs} to ${maxArgs} arguments, got ${args.length}`);
  }
  const [storage, offset] = args;
  if (!(storage instanceof TorchStorageRef)) {
    throw new TorchFormatError(`${where}: ${fn} expected a storage, got ${describePy(storage)}`);
  }
  if (typeof offset !== 'number' || !Number.isSafeInteger(offset)) {
    throw new TorchFormatError(`${where}: ${fn} storage_offset expected an int, got ${describePy(offset)}`);
  }
  const shape = intsOf(where, `${fn} size`, args[2]);
  const strides = intsOf(where, `${fn} stride`, args[3]);
  return new TorchTensorRef(storage, offset, shape, strides);
}

/** The allowlist handed to the unpickler for `data.pkl` (or the legacy main pickle). */
export function torchGlobals(where: string): ReadonlyMap<string, GlobalHandler> {
  const m = new Map<string, GlobalHandler>();
  m.set('collections.OrderedDict', {
    call: (args) => {
      const d = new PyDict(true);
      if (args.length === 1 && (args[0] instanceof PyList || args[0] instanceof PyTuple)) {
        for (const pair of (args[0] as PyList).items) {
          if (!(pair instanceof PyTuple) || pair.items.length !== 2) {
            throw new TorchFormatError(`${where}: OrderedDict expected (key, value) pairs, got ${describePy(pair)}`);
          }
          d.set(pair.items[0], pair.items[1]);
        }
      } else if (args.length !== 0) {
        throw new TorchFormatError(`${where}: OrderedDict expected () or (pairs,), got ${args.length} arguments`);
      }
      return d;
    },
  });
  const v2 = (args: readonly PyValue[]) => rebuildTensor(where, '_rebuild_tensor_v2', args, 6, 7);
  const v1 = (args: readonly PyValue[]) => rebuildTensor(where, '_rebuild_tensor', args, 4, 4);
  const param = (fn: string, n: number) => (args: readonly PyValue[]) => {
    if (args.length !== n) throw new TorchFormatError(`${where}: ${fn} expected ${n} arguments, got ${args.length}`);
    return tensorArg(where, fn, args[0]);
  };
  m.set('torch._utils._rebuild_tensor_v2', { call: v2 });
  m.set('torch._utils._rebuild_tensor', { call: v1 });
  m.set('torch._utils._rebuild_parameter', { call: param('_rebuild_parameter', 3) });
  m.set('torch._utils._rebuild_parameter_with_state', { call: param('_rebuild_parameter_with_state', 4) });
  m.set('torch._tensor._rebuild_from_type_v2', {
    call: (args) => {
      if (args.length !== 4) throw new TorchFormatError(`${where}: _rebuild_from_type_v2 expected 4 arguments, got ${args.length}`);
      const [func, type, inner] = args;
      const okType = type instanceof PyGlobal && (type.fullName === 'torch.Tensor' || type.fullName === 'torch.nn.parameter.Parameter');
      if (!(func instanceof PyGlobal) || !func.handler.call || !okType || !(inner instanceof PyTuple)) {
        throw new TorchFormatError(`${where}: _rebuild_from_type_v2 expected (rebuild function, Tensor or Parameter, args, state), got (${args.map(describePy).join(', ')})`);
      }
      return tensorArg(where, '_rebuild_from_type_v2', func.handler.call(inner.items));
    },
  });
  const parameter = (args: readonly PyValue[]) => tensorArg(where, 'Parameter', args[0] ?? null);
  m.set('torch.nn.parameter.Parameter', { newobj: parameter, call: parameter });
  m.set('torch.Tensor', TYPE_MARKER);
  m.set('torch.Size', {
    call: (args) => new PyTuple(intsOf(where, 'torch.Size', args[0] ?? null)),
  });
  m.set('_codecs.encode', {
    call: (args) => {
      const [text, encoding] = args;
      if (typeof text !== 'string' || (encoding !== 'latin1' && encoding !== 'latin-1')) {
        throw new TorchFormatError(`${where}: _codecs.encode expected (str, 'latin1'), got (${args.map(describePy).join(', ')})`);
      }
      const out = new Uint8Array(text.length);
      for (let k = 0; k < text.length; k++) {
        const c = text.charCodeAt(k);
        if (c > 255) throw new TorchFormatError(`${where}: _codecs.encode: character ${c} is not latin1`);
        out[k] = c;
      }
      return new PyBytes(out);
    },
  });
  for (const frozen of [false, true]) {
    const name = frozen ? 'frozenset' : 'set';
    const handler: GlobalHandler = {
      call: (args) => {
        const items = args.length === 0 ? [] : args.length === 1 && (args[0] instanceof PyList || args[0] instanceof PyTuple || args[0] instanceof PySet) ? args[0].items : null;
        if (!items) throw new TorchFormatError(`${where}: ${name} expected () or (list,), got (${args.map(describePy).join(', ')})`);
        const set = new PySet(frozen);
        for (const item of items) set.items.push(item);
        return set;
      },
    };
    m.set(`builtins.${name}`, handler);
    m.set(`__builtin__.${name}`, handler);
  }
  for (const name of Object.keys(STORAGE_DTYPES)) m.set(`torch.${name}`, TYPE_MARKER);
  return m;
}

/**
 * Checks a persistent id `('storage', type, key, location, numel[, view_metadata])` and returns
 * its parts. `legacy` selects the 6-tuple of the pre-1.6 format.
 */
export function parseStoragePid(
  where: string,
  pid: PyValue,
  legacy: boolean,
): { typeName: string; dtype: FileDtype | null; key: string; location: string; numel: number; view: { key: string; offset: number; numel: number } | null } {
  const n = legacy ? 6 : 5;
  if (!(pid instanceof PyTuple) || pid.items.length !== n || pid.items[0] !== 'storage') {
    throw new TorchFormatError(`${where}: persistent id expected ('storage', type, key, location, numel${legacy ? ', view' : ''}), got ${describePy(pid)}`);
  }
  const [, type, key, location, numel, view] = pid.items;
  if (!(type instanceof PyGlobal) || !(type.name in STORAGE_DTYPES) || type.module !== 'torch') {
    throw new TorchFormatError(`${where}: persistent id storage type expected torch.*Storage, got ${describePy(type)}`);
  }
  if (typeof key !== 'string' || key.length === 0 || key.length > 64) {
    throw new TorchFormatError(`${where}: storage key expected a short string, got ${describePy(key)}`);
  }
  if (typeof location !== 'string') throw new TorchFormatError(`${where}: storage location expected a string, got ${describePy(location)}`);
  if (typeof numel !== 'number' || !Number.isSafeInteger(numel) || numel < 0) {
    throw new TorchFormatError(`${where}: storage numel expected an int >= 0, got ${describePy(numel)}`);
  }
  let parsedView = null;
  if (legacy && view !== null) {
    if (!(view instanceof PyTuple) || view.items.length !== 3) {
      throw new TorchFormatError(`${where}: storage view expected (key, offset, size), got ${describePy(view)}`);
    }
    const [vk, vo, vn] = view.items;
    if (typeof vk !== 'string' || typeof vo !== 'number' || typeof vn !== 'number' || !(vo >= 0) || !(vn >= 0) || vo + vn > numel) {
      throw new TorchFormatError(`${where}: storage view (${view.items.map(describePy).join(', ')}) does not lie inside its storage of ${numel}`);
    }
    parsedView = { key: vk, offset: vo, numel: vn };
  }
  return { typeName: type.name, dtype: STORAGE_DTYPES[type.name], key, location, numel, view: parsedView };
}
