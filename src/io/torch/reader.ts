/**
 * Reading PyTorch `.pt` / `.pth` files: `torch.save(model.state_dict(), path)`.
 *
 * Formats:
 * - zip (PyTorch 1.6+): entries under one root folder of any name (`archive/`, the file's stem):
 *   `data.pkl` (the pickled object), `data/<key>` (raw storages), `version`, and from PyTorch 2
 *   `byteorder` and `.data/serialization_id`.
 * - legacy (`_use_new_zipfile_serialization=False`): see `./legacy`.
 * - A TorchScript archive (`torch.jit.save`: `constants.pkl`, `code/`) and the pre-0.4 tar
 *   format are recognised and refused with a typed error that says what to do.
 *
 * The pickle is read by the safe unpickler with the allowlist of `./globals`; tensors
 * saved on `cuda:0` or `mps` load on the CPU; views into a shared storage keep their offsets and
 * strides; dtypes convert as in `../shared/dtypes` (float16/bfloat16/float64 -> float32, int64 -> int32
 * when in range).
 *
 * Whole-model pickles (`torch.save(model)`: `__main__.Net` holding an `nn.LSTM`) and
 * checkpoints holding other objects (a scikit-learn scaler) name classes outside the allowlist
 * and are refused by default. With `{ unknownClasses: 'skip' }` those classes are read as inert
 * placeholders (nothing is imported, constructed or called — not even `os.system`) and the
 * tensors come out under the names the module's own `state_dict()` gives them
 * (`lstm.weight_ih_l0`, `model.lstm.weight_ih_l0` inside a dict); `readTorch(...).skippedClasses`
 * lists the placeholders' class names.
 *
 * Example:
 * ```ts
 * const sd = io.loadTorch(new Uint8Array(fs.readFileSync('lstm.pt')));
 * sd['lstm.weight_ih_l0'].shape; // [4 * H, H_in]
 * ```
 */
import * as tf from '@tensorflow/tfjs-core';

import { TorchFormatError, TorchScriptArchiveError } from '../shared/errors';
import { ELEMENT_SIZE } from '../shared/dtypes';
import { checkLimit } from '../shared/limits';
import { unpickle } from './pickle/reader';
import { TorchPickleSetup, TorchReadOptions, pickleSetup } from './options';
import { torchGlobals } from './globals';
import { isLegacyTorch, isTar, readLegacyTorch } from './legacy';
import { StorageTable, TorchFile, flattenStateDict, materialize } from './state';
import { isZip, readZip } from '../shared/zip';
import { setOwn } from '../shared/own';

const WHERE = 'io.loadTorch';

export type { TorchReadOptions };

/**
 * Reads a PyTorch file into plain tensors (no tfjs), with the saved dtypes and devices.
 * @throws FileParseError (a subclass naming the problem) for anything that is not a readable
 *   state dict.
 */
export function readTorch(bytes: Uint8Array, options: TorchReadOptions = {}): TorchFile {
  const setup = pickleSetup(options);
  const { limits } = setup;
  if (!(bytes instanceof Uint8Array)) {
    throw new TorchFormatError(`${WHERE}: bytes expected a Uint8Array, got ${typeof bytes}`);
  }
  checkLimit(WHERE, 'file size', bytes.length, limits, 'maxFileBytes');
  if (isZip(bytes)) return readZipTorch(bytes, setup);
  if (isLegacyTorch(bytes)) return readLegacyTorch(WHERE, bytes, setup);
  if (isTar(bytes)) {
    throw new TorchFormatError(`${WHERE}: this is the tar-based format of PyTorch < 0.4, which is not supported; re-save it with a current torch.save`);
  }
  throw new TorchFormatError(
    `${WHERE}: not a PyTorch file: expected a zip archive (torch.save since 1.6) or the legacy pickle format (magic 0x1950a86a20f9469cfc6c), got bytes ${[...bytes.subarray(0, 4)].map((b) => b.toString(16).padStart(2, '0')).join(' ')}`,
  );
}

/**
 * Reads a PyTorch state dict into tfjs tensors, in the order they were saved.
 * float16/bfloat16/float64 become float32, int64 becomes int32 (a typed error when out of range).
 * The caller owns the tensors (dispose them, or use them inside `tf.tidy`).
 */
export function loadTorch(bytes: Uint8Array, options: TorchReadOptions = {}): tf.NamedTensorMap {
  const file = readTorch(bytes, options);
  const out: tf.NamedTensorMap = {};
  for (const { name, tensor } of file.tensors) setOwn(out, name, tf.tensor(tensor.values, [...tensor.shape], tensor.dtype));
  return out;
}

function readZipTorch(bytes: Uint8Array, setup: TorchPickleSetup): TorchFile {
  const { limits } = setup;
  const entries = readZip(WHERE, bytes, limits);
  const names = [...entries.keys()];
  const pkl = names.filter((n) => /^[^/]+\/data\.pkl$/.test(n));
  const isScript = names.some((n) => /^[^/]+\/(constants\.pkl|code\/)/.test(n));
  if (isScript) {
    throw new TorchScriptArchiveError(
      `${WHERE}: this is a TorchScript archive (torch.jit.save): it holds a compiled program, not a state dict. In Python, save its weights with torch.save(torch.jit.load(path).state_dict(), 'weights.pt') and load that file`,
    );
  }
  if (pkl.length !== 1) {
    throw new TorchFormatError(`${WHERE}: zip archive expected one <root>/data.pkl, found ${pkl.length} (is this a file written by torch.save?)`);
  }
  const root = pkl[0].slice(0, -'data.pkl'.length);
  const byteorder = entries.get(`${root}byteorder`);
  let littleEndian = true;
  if (byteorder) {
    const text = new TextDecoder().decode(byteorder).trim();
    if (text !== 'little' && text !== 'big') throw new TorchFormatError(`${WHERE}: ${root}byteorder expected 'little' or 'big', got '${text.slice(0, 20)}'`);
    littleEndian = text === 'little';
  }
  const pickleBytes = entries.get(pkl[0]) as Uint8Array;
  checkLimit(WHERE, 'data.pkl size', pickleBytes.length, limits, 'maxPickleBytes');
  const table = new StorageTable(WHERE, false);
  const where = `${WHERE}: ${pkl[0]}`;
  const { value, end, unknownGlobals } = unpickle(pickleBytes, 0, {
    globals: torchGlobals(where),
    persistentLoad: (pid) => table.load(pid),
    where,
    limits,
    unknownGlobals: setup.unknownGlobals,
    refusalHint: setup.refusalHint,
  });
  if (end !== pickleBytes.length) throw new TorchFormatError(`${where}: ${pickleBytes.length - end} bytes after the pickle's STOP`);
  const found = flattenStateDict(WHERE, value, limits);
  const tensors = materialize(
    WHERE,
    found.tensors,
    (s) => {
      const name = `${root}data/${s.key}`;
      const data = entries.get(name);
      if (!data) throw new TorchFormatError(`${WHERE}: storage ${s.key} has no entry ${name}`);
      const expected = s.numel * ELEMENT_SIZE[s.dtype ?? 'uint8'];
      if (data.length !== expected) {
        throw new TorchFormatError(`${WHERE}: ${name} expected ${expected} bytes (${s.numel} x ${s.dtype}), got ${data.length}`);
      }
      return data;
    },
    littleEndian,
    limits,
  );
  return { format: 'zip', tensors, metadata: found.metadata, skippedClasses: unknownGlobals };
}
