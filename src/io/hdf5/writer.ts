/**
 * Writing HDF5 files in memory with h5wasm (the HDF5 C library compiled to WebAssembly).
 *
 * Module format: h5wasm ships ES modules only. This CommonJS library loads it lazily with a real
 * dynamic `import('h5wasm')` (TypeScript's node16 module mode keeps `import()` as is), so
 * nothing is loaded until the first write, and readers never need it. Under jest (CommonJS),
 * `jest.config.js` maps `h5wasm` to its file and `test/helpers/esm-to-cjs.js` transpiles it.
 *
 * Browser-safe: h5wasm's main build (its wasm embedded, an in-memory Emscripten file system)
 * runs in Node and in a page alike, so the file is written in memory (a name of its own per
 * call) and read back from there; nothing touches the real file system (a bundler splits
 * h5wasm into its own chunk, loaded at the first write).
 *
 * h5wasm reports some failures only on stderr (HDF5-DIAG) and returns normally, so every
 * object written is looked up again and a missing one is an {@link Hdf5FormatError}.
 */
import { ConfigError } from '../../errors';
import { Hdf5FormatError } from '../shared/errors';
import { checkRecordArg } from '../../engine/internal';
import { RawTensor } from '../shared/dtypes';

/**
 * An attribute to write:
 * - `string`: variable-length UTF-8 string (how h5py writes `str`),
 * - `string[]`: array of variable-length strings (h5py object arrays, Keras 3),
 * - `{fixedLength}`: array of fixed-length byte strings `|S<n>` (Keras 1/2 name lists),
 * - `{float64}`: float64 array (Keras writes an empty one for a layer without weights).
 */
export type H5AttrSpec =
  | string
  | readonly string[]
  | { readonly fixedLength: readonly string[] }
  | { readonly float64: readonly number[] };

/** A dataset to write. */
export interface H5DatasetSpec {
  readonly tensor: RawTensor;
  readonly attrs?: Readonly<Record<string, H5AttrSpec>>;
}

/** A group to write; child names may contain `/` (intermediate groups are created). */
export interface H5GroupSpec {
  readonly attrs?: Readonly<Record<string, H5AttrSpec>>;
  readonly children?: Readonly<Record<string, H5GroupSpec | H5DatasetSpec>>;
}

type H5wasmModule = typeof import('h5wasm', { with: { 'resolution-mode': 'import' } });
type H5Group = InstanceType<H5wasmModule['Group']>;
type H5HasAttrs = Pick<H5Group, 'create_attribute' | 'attrs'>;

let loading: Promise<H5wasmModule> | undefined;
let written = 0;

/** Loads h5wasm once (its WebAssembly module initialises asynchronously). */
function loadH5wasm(): Promise<H5wasmModule> {
  loading ??= import('h5wasm').then(async (m) => {
    await m.ready;
    return m;
  });
  return loading;
}

const WHERE = 'io.writeHdf5';

function isDataset(spec: H5GroupSpec | H5DatasetSpec): spec is H5DatasetSpec {
  return (spec as H5DatasetSpec).tensor !== undefined;
}

function writeAttrs(target: H5HasAttrs, path: string, attrs: Readonly<Record<string, H5AttrSpec>> | undefined): void {
  for (const [name, value] of Object.entries(attrs ?? {})) {
    if (typeof value === 'string') {
      target.create_attribute(name, value);
    } else if (Array.isArray(value)) {
      target.create_attribute(name, [...(value as string[])], [value.length]);
    } else if ('fixedLength' in value) {
      const enc = new TextEncoder();
      const size = Math.max(1, ...value.fixedLength.map((s) => enc.encode(s).length));
      target.create_attribute(name, [...value.fixedLength], [value.fixedLength.length], `S${size}`);
    } else if ('float64' in value) {
      target.create_attribute(name, Float64Array.from(value.float64), [value.float64.length], '<f8');
    } else {
      throw new ConfigError(`${WHERE}: attribute ${path}@${name} has an unknown kind`);
    }
    if (!(name in target.attrs)) throw new Hdf5FormatError(`${WHERE}: h5wasm did not write attribute ${path}@${name}`);
  }
}

function groupAt(h5: H5wasmModule, parent: H5Group, path: string): H5Group {
  let g = parent;
  for (const part of path.split('/').filter((p) => p.length > 0)) {
    const existing = g.get(part);
    if (existing === null) g = g.create_group(part);
    else if (existing instanceof h5.Group) g = existing;
    else throw new Hdf5FormatError(`${WHERE}: ${g.path}/${part} is not a group`);
  }
  return g;
}

function writeGroup(h5: H5wasmModule, g: H5Group, spec: H5GroupSpec): void {
  writeAttrs(g, g.path, spec.attrs);
  for (const [name, child] of Object.entries(spec.children ?? {})) {
    const parts = name.split('/').filter((p) => p.length > 0);
    if (parts.length === 0) throw new ConfigError(`${WHERE}: empty child name in ${g.path}`);
    const parent = groupAt(h5, g, parts.slice(0, -1).join('/'));
    const leaf = parts[parts.length - 1];
    if (isDataset(child)) {
      const t = child.tensor;
      if (t.dtype === 'bool') throw new ConfigError(`${WHERE}: ${parent.path}/${leaf}: bool datasets are not written`);
      const dtype = t.dtype === 'float32' ? '<f4' : '<i4';
      parent.create_dataset({ name: leaf, data: t.values as Float32Array | Int32Array, shape: [...t.shape], dtype });
      const d = parent.get(leaf);
      if (!(d instanceof h5.Dataset)) throw new Hdf5FormatError(`${WHERE}: h5wasm did not write dataset ${parent.path}/${leaf}`);
      writeAttrs(d, `${parent.path}/${leaf}`, child.attrs);
    } else {
      writeGroup(h5, groupAt(h5, parent, leaf), child);
    }
  }
}

/**
 * Writes an HDF5 file described by `root` and returns its bytes.
 *
 * Example:
 * ```ts
 * const bytes = await writeHdf5({ attrs: { keras_version: '2.2.4' },
 *   children: { 'lstm_1/kernel:0': { tensor: { dtype: 'float32', shape: [2, 8], values } } } });
 * ```
 */
export async function writeHdf5(root: H5GroupSpec): Promise<Uint8Array> {
  checkRecordArg(root, 'root', 'io.writeHdf5');
  const h5 = await loadH5wasm();
  // The in-memory file system is this process's (or page's) own: a name per call keeps
  // concurrent writes apart.
  const name = `/lstm-bridge-${++written}.h5`;
  try {
    const file = new h5.File(name, 'w');
    try {
      writeGroup(h5, file, root);
    } finally {
      file.close();
    }
    return new Uint8Array(h5.FS!.readFile(name));
  } finally {
    if (h5.FS!.analyzePath(name).exists) h5.FS!.unlink(name);
  }
}
