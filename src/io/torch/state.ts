/**
 * From an unpickled PyTorch object to named tensors: the part shared by the zip and the legacy
 * readers.
 *
 * - {@link StorageTable} turns persistent ids into {@link TorchStorageRef}s (one per key, one
 *   dtype per key, as torch requires) and later hands out their bytes.
 * - {@link flattenStateDict} walks the unpickled root (a state dict, or a checkpoint dict holding
 *   state dicts) in insertion order and names every tensor by its dotted path
 *   (`lstm.weight_ih_l0`, `model.lstm.weight_ih_l0`); other leaves (epoch numbers, strings) are
 *   returned separately as metadata. The walk is iterative, depth-capped, and visits each
 *   container once (a cycle or a shared container is a typed error, never a hang).
 *   Placeholders of unknown classes (`unknownClasses: 'skip'`, see `./pickle/values`) are walked
 *   as data: an `nn.Module` (its state has `_parameters` and `_modules`) yields what its own
 *   `state_dict()` would, in the same order and under the same names — its `_parameters`, then
 *   its `_buffers` except those in `_non_persistent_buffers_set`, then each child of `_modules`
 *   under `child.` — and any other object its BUILD state (`__dict__`) like a dict.
 * - {@link materialize} reads each tensor's strided view out of its storage and converts it.
 */
import { DtypeError, TorchFormatError } from '../shared/errors';
import { ELEMENT_SIZE, FileDtype, RawTensor, gatherElements } from '../shared/dtypes';
import { IoLimits, checkLimit } from '../shared/limits';
import { PyDict, PyList, PyObject, PySet, PyTuple, PyValue, describePy } from './pickle/values';
import { TorchStorageRef, TorchTensorRef, parseStoragePid } from './globals';

/** One tensor of a PyTorch file. */
export interface TorchTensorEntry {
  /** Dotted path in the saved object, e.g. `lstm.weight_ih_l0`. */
  readonly name: string;
  readonly tensor: RawTensor;
  /** Element type in the file, before conversion. */
  readonly sourceDtype: FileDtype;
  /** Device it was saved from (`cpu`, `cuda:0`, `mps`); it is loaded on the CPU regardless. */
  readonly location: string;
}

/** A non-tensor leaf of the saved object (`epoch`, `optimizer.lr`, ...). */
export interface TorchMetadataEntry {
  readonly name: string;
  readonly value: null | boolean | number | bigint | string;
}

/** What the readers return. */
export interface TorchFile {
  /** `zip` (PyTorch 1.6+) or `legacy` (`_use_new_zipfile_serialization=False`, pre-1.6). */
  readonly format: 'zip' | 'legacy';
  /** Tensors in the order they were saved. */
  readonly tensors: readonly TorchTensorEntry[];
  readonly metadata: readonly TorchMetadataEntry[];
  /**
   * With `unknownClasses: 'skip'`: the globals outside the allowlist that the pickle named
   * (`__main__.Net`, `torch.nn.modules.rnn.LSTM`, ...), read as inert placeholders; never
   * imported or called. Empty otherwise.
   */
  readonly skippedClasses: readonly string[];
}

/** Storages by key, created from persistent ids. */
export class StorageTable {
  private readonly byKey = new Map<string, TorchStorageRef>();
  private readonly views = new Map<string, TorchStorageRef>();

  constructor(
    private readonly where: string,
    private readonly legacy: boolean,
    /** `unknownClasses: 'skip'`: a legacy whole-model pickle's `('module', cls, file, source)` ids resolve to `cls`. */
    private readonly modulePids = false,
  ) {}

  /** The unpickler's `persistentLoad`. */
  load(pid: PyValue): TorchStorageRef | PyValue {
    // torch's _legacy_save names each nn.Module class once by ('module', cls, source_file, source).
    if (this.modulePids && pid instanceof PyTuple && pid.items.length === 4 && pid.items[0] === 'module') return pid.items[1];
    const p = parseStoragePid(this.where, pid, this.legacy);
    let root = this.byKey.get(p.key);
    if (!root) {
      root = new TorchStorageRef(p.typeName, p.dtype, p.key, p.location, p.numel);
      this.byKey.set(p.key, root);
    } else if (root.typeName !== p.typeName || root.numel !== p.numel) {
      throw new TorchFormatError(`${this.where}: storage ${p.key} is named as ${root.typeName}[${root.numel}] and as ${p.typeName}[${p.numel}]`);
    }
    if (!p.view) return root;
    const key = `${p.key}/${p.view.key}`;
    let view = this.views.get(key);
    if (!view) {
      view = new TorchStorageRef(p.typeName, p.dtype, p.key, p.location, p.view.numel, p.view.offset);
      this.views.set(key, view);
    }
    return view;
  }

  /** Root storages in the order they were first named. */
  roots(): TorchStorageRef[] {
    return [...this.byKey.values()];
  }

  get(key: string): TorchStorageRef | undefined {
    return this.byKey.get(key);
  }
}

interface Found {
  readonly tensors: { name: string; ref: TorchTensorRef }[];
  readonly metadata: TorchMetadataEntry[];
}

/** The names in an `nn.Module`'s `_non_persistent_buffers_set`. */
function setNames(v: PyValue | undefined): Set<string> {
  const items = v instanceof PySet ? v.items : [];
  return new Set(items.filter((x): x is string => typeof x === 'string'));
}

/** A placeholder's entries as a state dict: an nn.Module's parameters, persistent buffers and children; else its `__dict__`. */
function objectEntries(obj: PyObject): { keys: PyValue[]; values: PyValue[]; parts: object[] } | null {
  const state = obj.state;
  const params = state instanceof PyDict ? state.get('_parameters') : undefined;
  const modules = state instanceof PyDict ? state.get('_modules') : undefined;
  if (state instanceof PyDict && params instanceof PyDict && modules instanceof PyDict) {
    const keys: PyValue[] = [];
    const values: PyValue[] = [];
    const add = (d: PyDict, skip: Set<string>, keep: (v: PyValue) => boolean) => {
      d.keys.forEach((k, i) => {
        if (typeof k === 'string' && !skip.has(k) && keep(d.values[i])) {
          keys.push(k);
          values.push(d.values[i]);
        }
      });
    };
    const isTensor = (v: PyValue) => v instanceof TorchTensorRef;
    add(params, new Set(), isTensor);
    const buffers = state.get('_buffers');
    if (buffers instanceof PyDict) add(buffers, setNames(state.get('_non_persistent_buffers_set')), isTensor);
    add(modules, new Set(), (v) => v instanceof PyObject);
    return { keys, values, parts: [state, params, modules, ...(buffers instanceof PyDict ? [buffers] : [])] };
  }
  if (state instanceof PyDict) return { keys: state.keys, values: state.values, parts: [state] };
  if (state instanceof PyTuple) {
    // (__dict__ or None, slots dict): both hold attributes.
    const dicts = state.items.filter((d): d is PyDict => d instanceof PyDict);
    return { keys: dicts.flatMap((d) => d.keys), values: dicts.flatMap((d) => d.values), parts: [state, ...dicts] };
  }
  return null;
}

/** Walks the unpickled root and names its tensors and other leaves. */
export function flattenStateDict(where: string, root: PyValue, limits: IoLimits): Found {
  if (!(root instanceof PyDict) && !(root instanceof PyObject && objectEntries(root))) {
    throw new TorchFormatError(`${where}: expected a state dict (a dict of tensors), got ${describePy(root)}; save model.state_dict(), not the model or a bare tensor`);
  }
  const tensors: Found['tensors'] = [];
  const metadata: TorchMetadataEntry[] = [];
  const seen = new Set<object>();
  const names = new Set<string>();
  // Depth-first in insertion order, with an explicit stack of iterators.
  type Frame = { prefix: string; keys: PyValue[]; values: PyValue[]; next: number; depth: number };
  const frameOf = (prefix: string, v: PyDict | PyList | PyTuple | PyObject, depth: number): Frame => {
    checkLimit(where, 'nesting depth of the saved object', depth, limits, 'maxPickleDepth');
    if (seen.has(v)) throw new TorchFormatError(`${where}: ${prefix || 'the root'} contains itself or is shared (a cycle); a state dict is a tree`);
    seen.add(v);
    if (v instanceof PyDict) return { prefix, keys: v.keys, values: v.values, next: 0, depth };
    if (v instanceof PyObject) {
      const entries = objectEntries(v);
      if (!entries) return { prefix, keys: [], values: [], next: 0, depth };
      // The containers it is read from are visited once too: shared state is refused, never walked twice.
      for (const part of entries.parts) {
        if (seen.has(part)) throw new TorchFormatError(`${where}: ${prefix || 'the root'} shares its state with another object (a cycle or a shared container); a state dict is a tree`);
        seen.add(part);
      }
      return { prefix, keys: entries.keys, values: entries.values, next: 0, depth };
    }
    const items = v instanceof PyList ? v.items : v.items;
    return { prefix, keys: items.map((_, k) => k), values: [...items], next: 0, depth };
  };
  const stack: Frame[] = [frameOf('', root as PyDict | PyObject, 1)];
  while (stack.length > 0) {
    const f = stack[stack.length - 1];
    if (f.next >= f.keys.length) {
      stack.pop();
      continue;
    }
    const k = f.next++;
    const key = f.keys[k];
    if (typeof key !== 'string' && typeof key !== 'number') {
      throw new TorchFormatError(`${where}: ${f.prefix || 'state dict'} key expected a string, got ${describePy(key)}`);
    }
    const name = f.prefix ? `${f.prefix}.${key}` : String(key);
    const value = f.values[k];
    if (value instanceof TorchTensorRef) {
      if (names.has(name)) throw new TorchFormatError(`${where}: tensor name ${name} appears twice`);
      names.add(name);
      checkLimit(where, 'number of tensors', tensors.length + 1, limits, 'maxTensors');
      tensors.push({ name, ref: value });
    } else if (value instanceof PyDict || value instanceof PyList || value instanceof PyTuple || value instanceof PyObject) {
      stack.push(frameOf(name, value, f.depth + 1));
    } else if (value === null || ['boolean', 'number', 'bigint', 'string'].includes(typeof value)) {
      metadata.push({ name, value: value as TorchMetadataEntry['value'] });
    }
    // Other leaves (bytes, sets, storages saved on their own, type markers) carry no weights.
  }
  return { tensors, metadata };
}

/**
 * Reads the tensors out of their storages.
 * @param storageBytes bytes of a root storage by key, already checked to hold `numel` elements.
 */
export function materialize(
  where: string,
  found: Found['tensors'],
  storageBytes: (root: TorchStorageRef) => Uint8Array,
  littleEndian: boolean,
  limits: IoLimits,
): TorchTensorEntry[] {
  let total = 0;
  return found.map(({ name, ref }) => {
    const s = ref.storage;
    const at = `${where}: ${name}`;
    if (s.dtype === null) {
      throw new DtypeError(`${at}: storage type ${s.typeName} has no tfjs dtype (tfjs holds float32, int32 and bool)`);
    }
    const size = ELEMENT_SIZE[s.dtype];
    const bytes = storageBytes(s);
    const view = bytes.subarray(s.viewOffset * size, (s.viewOffset + s.numel) * size);
    const tensor = gatherElements(at, view, s.dtype, { shape: ref.shape, strides: ref.strides, offset: ref.offset }, littleEndian, limits, TorchFormatError);
    total += tensor.values.byteLength;
    checkLimit(where, 'total size of the tensors in bytes', total, limits, 'maxTotalBytes');
    return { name, tensor, sourceDtype: s.dtype, location: s.location };
  });
}
