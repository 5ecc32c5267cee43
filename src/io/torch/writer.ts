/**
 * Writing a state dict as a PyTorch `.pt` file that `torch.load(path, weights_only=True)` reads.
 *
 * The file is a zip (stored, data entries aligned to 64 bytes as PyTorch aligns them) with
 * `<root>/data.pkl`, `<root>/data/<k>`, `<root>/byteorder` and `<root>/version`. `data.pkl` is a
 * protocol-2 pickle of an `OrderedDict` whose values are
 * `torch._utils._rebuild_tensor_v2(storage, 0, size, stride, False, OrderedDict())` with
 * persistent ids `('storage', torch.FloatStorage, '<k>', 'cpu', numel)`.
 *
 * dtypes: float32 -> `torch.float32` (FloatStorage), int32 -> `torch.int64` (LongStorage: the
 * dtype PyTorch uses for integer buffers such as `num_batches_tracked`), bool -> `torch.bool`.
 *
 * Example:
 * ```ts
 * const bytes = io.saveTorch({ 'lstm.weight_ih_l0': w, 'lstm.bias_ih_l0': b });
 * fs.writeFileSync('lstm.pt', bytes); // torch.load('lstm.pt', weights_only=True)
 * ```
 */
import { zipSync } from 'fflate';

import { ConfigError } from '../../errors';
import { contiguousStrides } from '../shared/dtypes';
import { PickleWriter } from './pickle/writer';
import { Plain, TensorLike, toPlain } from '../shared/tensor-like';
import { checkRecordArg } from '../../engine/internal';

/** Options of {@link saveTorch}. */
export interface SaveTorchOptions {
  /** Root folder inside the zip (PyTorch uses the file's stem or `archive`). Default `archive`. */
  readonly archiveName?: string;
}

const WHERE = 'io.saveTorch';
const ALIGN = 64;
/** Zip extra-field id PyTorch uses for its alignment padding ("FB"). */
const PAD_EXTRA_ID = 0x4246;

/** Storage bytes (little-endian) and the torch storage class for a plain tensor. */
function storageOf(p: Plain): { cls: string; bytes: Uint8Array } {
  if (p.dtype === 'float32') {
    return { cls: 'FloatStorage', bytes: new Uint8Array(Float32Array.from(p.values).buffer) };
  }
  if (p.dtype === 'bool') {
    return { cls: 'BoolStorage', bytes: Uint8Array.from(p.values, (v) => (v ? 1 : 0)) };
  }
  const out = new BigInt64Array(p.values.length);
  for (let k = 0; k < p.values.length; k++) out[k] = BigInt(p.values[k]);
  return { cls: 'LongStorage', bytes: new Uint8Array(out.buffer) };
}

/**
 * Writes named tensors as a PyTorch zip `.pt` file, in the given key order.
 * @returns the file's bytes.
 */
export function saveTorch(tensors: Record<string, TensorLike>, options: SaveTorchOptions = {}): Uint8Array {
  checkRecordArg(options, 'options', WHERE, true);
  const root = (options ?? {}).archiveName ?? 'archive';
  if (!/^[A-Za-z0-9_.-]{1,100}$/.test(root) || root === '.' || root === '..') {
    throw new ConfigError(`${WHERE}: archiveName expected letters, digits, '_', '-', '.', got '${root}'`);
  }
  if (tensors === null || typeof tensors !== 'object') {
    throw new ConfigError(`${WHERE}: tensors expected an object of named tensors, got ${tensors === null ? 'null' : typeof tensors}`);
  }
  const w = new PickleWriter().proto();
  w.global('collections', 'OrderedDict').emptyTuple().reduce();
  w.mark();
  const storages: Uint8Array[] = [];
  Object.entries(tensors).forEach(([name, t], k) => {
    const p = toPlain(WHERE, name, t);
    const { cls, bytes } = storageOf(p);
    storages.push(bytes);
    w.str(name);
    w.global('torch._utils', '_rebuild_tensor_v2');
    w.mark();
    w.mark().str('storage').global('torch', cls).str(String(k)).str('cpu').int(p.values.length).tuple().persistentId();
    w.int(0);
    w.mark();
    for (const d of p.shape) w.int(d);
    w.tuple();
    w.mark();
    for (const s of contiguousStrides(p.shape)) w.int(s);
    w.tuple();
    w.bool(false);
    w.global('collections', 'OrderedDict').emptyTuple().reduce();
    w.tuple().reduce();
  });
  w.setItems();
  const pickle = w.stop();

  const files: [string, Uint8Array][] = [[`${root}/data.pkl`, pickle], [`${root}/byteorder`, new TextEncoder().encode('little')]];
  storages.forEach((s, k) => files.push([`${root}/data/${k}`, s]));
  files.push([`${root}/version`, new TextEncoder().encode('3\n')]);
  return zipAligned(files);
}

/** A stored zip whose entries' data start at multiples of 64 bytes (padding in an extra field). */
function zipAligned(files: [string, Uint8Array][]): Uint8Array {
  const mtime = new Date(1980, 0, 1, 0, 0, 0);
  const spec: Record<string, [Uint8Array, { level: 0; mtime: Date; extra?: Record<number, Uint8Array> }]> = {};
  let offset = 0;
  for (const [name, data] of files) {
    const nameLen = new TextEncoder().encode(name).length;
    const bare = offset + 30 + nameLen;
    let extra: Record<number, Uint8Array> | undefined;
    let extraLen = 0;
    if (bare % ALIGN !== 0) {
      const pad = (ALIGN - ((bare + 4) % ALIGN)) % ALIGN;
      extra = { [PAD_EXTRA_ID]: new Uint8Array(pad).fill(0x5a) };
      extraLen = 4 + pad;
    }
    spec[name] = [data, { level: 0, mtime, ...(extra ? { extra } : {}) }];
    offset = bare + extraLen + data.length;
  }
  return zipSync(spec);
}
