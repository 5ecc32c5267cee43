/**
 * Whole-model pickles (`torch.save(model)`) and checkpoints holding other objects, read with
 * `unknownClasses: 'skip'`: the fixtures are written by real PyTorch and scikit-learn
 * (`test/fixtures/io/make_whole_model_fixtures.py`), the expected names and values are what the
 * module's own `state_dict()` gave there.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { tf } from '../../../test/helpers/tf';
import { IO_FIXTURES, fixtureBytes } from '../../../test/helpers/io-fixtures';
import { ConfigError, FileParseError } from '../../errors';
import { loadTorch as loadTorchPath, readTorch as readTorchPath } from '../node';
import { PickleSecurityError } from '../shared/errors';
import { DEFAULT_LIMITS } from '../shared/limits';
import { readZip } from '../shared/zip';
import { torchGlobals } from './globals';
import { unpickle } from './pickle/reader';
import { PyObject, PySet, PyTuple } from './pickle/values';
import { loadTorch, readTorch } from './reader';
import { StorageTable, flattenStateDict } from './state';
import { thrown } from '../../../test/helpers/thrown';

interface WholeModelExpected {
  readonly files: Record<string, {
    readonly tensors: { name: string; shape: number[]; dtype: string; values: number[] }[];
    readonly globals: string[];
    readonly metadata?: [string, unknown][];
    readonly scaler_class?: string;
  }>;
  readonly module_classes: string[];
}

const EXPECTED = JSON.parse(fs.readFileSync(path.join(IO_FIXTURES, 'whole-model-expected.json'), 'utf8')) as WholeModelExpected;
const ALLOWED = new Set(torchGlobals('t').keys());
const SKIP = { unknownClasses: 'skip' } as const;

const enc = (s: string) => Array.from(new TextEncoder().encode(s));
/** A pickle from raw opcodes. */
const P = (...parts: (number | string)[]) => Uint8Array.from(parts.flatMap((p) => (typeof p === 'string' ? enc(p) : [p])));
const unpickleSkipping = (bytes: Uint8Array) =>
  unpickle(bytes, 0, { globals: torchGlobals('t'), where: 't', limits: DEFAULT_LIMITS, unknownGlobals: 'placeholder' });

describe("readTorch(bytes, { unknownClasses: 'skip' }) on files saved by real PyTorch", () => {
  it.each(Object.keys(EXPECTED.files))('%s: the names, shapes and values of state_dict(), the skipped classes', (file) => {
    const expected = EXPECTED.files[file];
    const got = readTorch(fixtureBytes(file), SKIP);
    expect(got.tensors.map((t) => t.name)).toEqual(expected.tensors.map((t) => t.name));
    got.tensors.forEach((t, k) => {
      expect([...t.tensor.shape]).toEqual(expected.tensors[k].shape);
      expect(t.sourceDtype).toBe(expected.tensors[k].dtype);
      expect(Array.from(t.tensor.values)).toEqual(expected.tensors[k].values);
    });
    // Every global the pickle names that the allowlist lacks, in order of first use.
    expect(got.skippedClasses).toEqual(expected.globals.filter((g) => !ALLOWED.has(g)));
  });

  it('names every class of the whole model as skipped, torch.nn classes included', () => {
    const got = readTorch(fixtureBytes('whole_model.pt'), SKIP);
    expect(got.skippedClasses).toEqual(expect.arrayContaining(EXPECTED.module_classes));
    expect(got.skippedClasses).toContain('torch.nn.modules.rnn.LSTM');
    // The LSTM's _flat_weights (the same tensors again) and the non-persistent buffer are not returned.
    expect(got.tensors.filter((t) => t.name.startsWith('lstm.'))).toHaveLength(8);
    expect(got.tensors.map((t) => t.name)).not.toContain('mask');
    expect(got.tensors.map((t) => t.name)).not.toContain('head.0.bias');
  });

  it('a checkpoint with a scikit-learn scaler: the state dict under its key, the scaler as a placeholder, the epoch as metadata', () => {
    const expected = EXPECTED.files['checkpoint_scaler.pt'];
    const got = readTorch(fixtureBytes('checkpoint_scaler.pt'), SKIP);
    expect(got.tensors[1].name).toBe('model_state_dict.lstm.weight_ih_l0');
    expect(got.skippedClasses[0]).toBe(expected.scaler_class);
    expect(got.metadata.map((m) => [m.name, m.value])).toEqual(expected.metadata);
  });

  it("reads an nn.Module pickled on its own (torch.save(nn.Linear(2, 2)))", () => {
    const got = readTorch(fixtureBytes('whole_module.pt'), SKIP);
    expect(got.tensors.map((t) => [t.name, [...t.tensor.shape]])).toEqual([['weight', [2, 2]], ['bias', [2]]]);
    expect(got.skippedClasses).toEqual(['torch.nn.modules.linear.Linear']);
  });

  it("unknownClasses: 'refuse' and plain state dicts: the same as without the option", () => {
    expect(() => readTorch(fixtureBytes('whole_model.pt'), { unknownClasses: 'refuse' })).toThrow(PickleSecurityError);
    const plain = readTorch(fixtureBytes('lstm_bidir_2layer.pt'));
    const skipping = readTorch(fixtureBytes('lstm_bidir_2layer.pt'), SKIP);
    expect(skipping.tensors).toEqual(plain.tensors);
    expect([plain.skippedClasses, skipping.skippedClasses]).toEqual([[], []]);
  });

  it('rejects an unknown value of unknownClasses, naming the option', () => {
    const bytes = fixtureBytes('whole_model.pt');
    expect(() => readTorch(bytes, { unknownClasses: 'yes' as 'skip' })).toThrow(ConfigError);
    expect(() => readTorch(bytes, { unknownClasses: 'yes' as 'skip' })).toThrow("io.loadTorch: options.unknownClasses expected 'refuse' or 'skip', got 'yes'");
  });
});

describe('by default the allow-list stays strict', () => {
  it.each(Object.keys(EXPECTED.files))('%s is refused, and the message names the option', (file) => {
    const err = thrown(() => readTorch(fixtureBytes(file)));
    expect(err).toBeInstanceOf(PickleSecurityError);
    const firstUnknown = EXPECTED.files[file].globals.find((g) => !ALLOWED.has(g));
    expect((err as PickleSecurityError).refused).toBe(firstUnknown);
    expect((err as Error).message).toMatch(/refused global .*nothing was imported or run.*pass \{ unknownClasses: 'skip' \}/);
  });
});

describe("hostile pickles with unknownClasses: 'skip': still nothing runs", () => {
  it('a torch.save file whose object reduces to os.system: a placeholder, the command never runs', () => {
    const marker = 'lstm_bridge_pwned';
    const cwd = process.cwd();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lstm-bridge-evil-'));
    try {
      process.chdir(dir); // the pickled command is `touch lstm_bridge_pwned`, relative to the cwd
      const got = readTorch(fixtureBytes('evil_reduce.pt'), SKIP);
      expect(got.tensors.map((t) => [t.name, Array.from(t.tensor.values)])).toEqual([['w', [0, 1, 2, 3, 4, 5]]]);
      expect(got.skippedClasses).toEqual(['posix.system']);
      expect(fs.existsSync(path.join(dir, marker))).toBe(false);
    } finally {
      process.chdir(cwd);
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('REDUCE of os.system becomes a placeholder recording the name and the arguments, nothing else', () => {
    const { value, unknownGlobals } = unpickleSkipping(P(0x80, 2, 0x63, 'os\nsystem\n', 0x58, 2, 0, 0, 0, 'id', 0x85, 0x52, 0x2e));
    expect(value).toBeInstanceOf(PyObject);
    expect((value as PyObject).className).toBe('os.system');
    expect((value as PyObject).args).toEqual(['id']);
    expect(unknownGlobals).toEqual(['os.system']);
  });

  it('NEWOBJ + BUILD of an unknown class keep the state as data; protocol 0/1 _reconstructor names the class', () => {
    // __main__.Net.__new__(Net) then BUILD {'a': 1}
    const v = unpickleSkipping(P(0x80, 2, 0x63, '__main__\nNet\n', 0x29, 0x81, 0x7d, 0x58, 1, 0, 0, 0, 'a', 0x4b, 1, 0x73, 0x62, 0x2e)).value as PyObject;
    expect(v.className).toBe('__main__.Net');
    expect(v.state).toMatchObject({ keys: ['a'], values: [1] });
    const r = unpickleSkipping(P(0x80, 2, 0x63, 'copyreg\n_reconstructor\n', 0x63, '__main__\nNet\n', 0x4e, 0x4e, 0x87, 0x52, 0x2e)).value as PyObject;
    expect(r.className).toBe('__main__.Net');
  });

  it.each([
    ['INST', P(0x28, 0x69, 'os\nsystem\n', 0x2e), 'INST'],
    ['OBJ', P(0x28, 0x63, 'os\nsystem\n', 0x6f, 0x2e), 'OBJ'],
    ['NEWOBJ_EX', P(0x80, 4, 0x63, 'os\nsystem\n', 0x29, 0x7d, 0x92, 0x2e), 'NEWOBJ_EX'],
    ['EXT1', P(0x80, 2, 0x82, 1, 0x2e), 'EXT1'],
    ['text PERSID', P(0x50, 'x\n', 0x2e), 'PERSID'],
    ['BUILD on a plain dict', P(0x7d, 0x7d, 0x62, 0x2e), 'BUILD'],
    ['REDUCE of a placeholder (calling what an unknown call returned)', P(0x80, 2, 0x63, 'os\nsystem\n', 0x29, 0x52, 0x29, 0x52, 0x2e), 'placeholder os.system'],
    ['REDUCE of an allowed type marker', P(0x80, 2, 0x63, 'torch\nTensor\n', 0x29, 0x52, 0x2e), 'global torch.Tensor'],
    ['NEWOBJ of OrderedDict', P(0x80, 2, 0x63, 'collections\nOrderedDict\n', 0x29, 0x81, 0x2e), 'global collections.OrderedDict'],
  ])('%s is still refused', (_what, bytes, refused) => {
    const err = thrown(() => unpickleSkipping(bytes));
    expect(err).toBeInstanceOf(PickleSecurityError);
    expect((err as PickleSecurityError).refused).toBe(refused);
  });

  it('set([...]) as protocol 2 pickles it (REDUCE of __builtin__.set) is data, also by default', () => {
    const bytes = P(0x80, 2, 0x63, '__builtin__\nset\n', 0x5d, 0x58, 4, 0, 0, 0, 'mask', 0x61, 0x85, 0x52, 0x2e);
    const v = unpickle(bytes, 0, { globals: torchGlobals('t'), where: 't', limits: DEFAULT_LIMITS }).value;
    expect(v).toBeInstanceOf(PySet);
    expect((v as PySet).items).toEqual(['mask']);
  });

  it('reads sets and frozensets (protocol 4) as data', () => {
    // EMPTY_SET MARK 1 2 ADDITEMS, then MARK 3 FROZENSET, as a tuple
    const v = unpickleSkipping(P(0x80, 4, 0x8f, 0x28, 0x4b, 1, 0x4b, 2, 0x90, 0x28, 0x4b, 3, 0x91, 0x86, 0x2e)).value as PyTuple;
    expect(v.items[0]).toBeInstanceOf(PySet);
    expect((v.items[0] as PySet).items).toEqual([1, 2]);
    expect(v.items[1]).toMatchObject({ frozen: true, items: [3] });
  });
});

describe("loadTorch with unknownClasses: 'skip'", () => {
  it('bytes: tf tensors under the state_dict() names, no leaks', () => {
    const before = tf.memory().numTensors;
    const expected = EXPECTED.files['whole_model.pt'].tensors;
    const sd = loadTorch(fixtureBytes('whole_model.pt'), SKIP);
    expect(Object.keys(sd)).toEqual(expected.map((t) => t.name));
    expect(Array.from(sd['lstm.weight_ih_l0'].dataSync())).toEqual(expected[1].values);
    expect(sd['bn.num_batches_tracked'].dtype).toBe('int32');
    tf.dispose(sd);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('paths (lstm-bridge/node): loadTorch and readTorch take the option', () => {
    const file = path.join(IO_FIXTURES, 'whole_model_legacy.pt');
    const sd = loadTorchPath(file, SKIP);
    expect(sd['fc.weight'].shape).toEqual([2, 4]);
    tf.dispose(sd);
    expect(readTorchPath(file, SKIP).skippedClasses[0]).toBe('__main__.Net');
    expect(() => loadTorchPath(file)).toThrow(/unknownClasses: 'skip'/);
  });
});

describe("fuzz with unknownClasses: 'skip': a typed error or a valid result, in bounded time", () => {
  /** Deterministic mutants: truncation, bit flips, random bytes at random places. */
  function* mutants(bytes: Uint8Array, count: number, seed: number): Generator<Uint8Array> {
    let s = seed;
    const next = (n: number) => {
      s = (s * 1103515245 + 12345) % 2 ** 31;
      return s % n;
    };
    for (let k = 0; k < count; k++) {
      const kind = next(3);
      if (kind === 0) {
        yield bytes.slice(0, next(bytes.length));
        continue;
      }
      const out = bytes.slice();
      for (let j = 1 + next(6); j > 0; j--) {
        const at = next(out.length);
        out[at] = kind === 1 ? out[at] ^ (1 << next(8)) : next(256);
      }
      yield out;
    }
  }
  const check = (bytes: Uint8Array, parse: (b: Uint8Array) => unknown, seed: number): string[] => {
    const bad: string[] = [];
    let k = 0;
    for (const m of mutants(bytes, 300, seed)) {
      const t0 = Date.now();
      try {
        parse(m);
      } catch (e) {
        if (!(e instanceof FileParseError)) bad.push(`mutant ${k}: ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`);
      }
      if (Date.now() - t0 > 2000) bad.push(`mutant ${k}: took ${Date.now() - t0} ms`);
      k++;
    }
    return bad;
  };

  it('the pickle of a whole model (unpickle + the state-dict walk)', () => {
    const entries = readZip('t', fixtureBytes('whole_model.pt'), DEFAULT_LIMITS);
    const pkl = entries.get('whole_model/data.pkl')!;
    const parse = (b: Uint8Array) => {
      const table = new StorageTable('t', false);
      const { value } = unpickle(b, 0, { globals: torchGlobals('t'), persistentLoad: (pid) => table.load(pid), where: 't', limits: DEFAULT_LIMITS, unknownGlobals: 'placeholder' });
      return flattenStateDict('t', value, DEFAULT_LIMITS);
    };
    expect(parse(pkl).tensors).toHaveLength(EXPECTED.files['whole_model.pt'].tensors.length);
    expect(check(pkl, parse, 3)).toEqual([]);
  });

  it.each(['whole_model_legacy.pt', 'checkpoint_scaler.pt'])('readTorch of %s', (file) => {
    expect(check(fixtureBytes(file), (b) => readTorch(b, SKIP), 5)).toEqual([]);
  });
});

describe('the walk of placeholders is linear', () => {
  it('placeholders sharing one state dict are refused at the first repeat, not walked again and again', () => {
    // [Net(), Net(), ...] where every Net's state is the same memoised dict {'x': 1}
    const n = 2000;
    const bytes = P(
      0x80, 2, 0x7d, 0x58, 1, 0, 0, 0, 'l', 0x5d, // {'l': [
      0x63, '__main__\nNet\n', 0x71, 0, 0x29, 0x81, 0x7d, 0x58, 1, 0, 0, 0, 'x', 0x4b, 1, 0x73, 0x71, 1, 0x62, 0x61, // Net() with state {'x': 1} (memo 1), APPEND
      ...new Array(n).fill(0).flatMap(() => [0x68, 0, 0x29, 0x81, 0x68, 1, 0x62, 0x61]), // more Net() with the same state, APPEND
      0x73, 0x2e,
    );
    const { value } = unpickleSkipping(bytes);
    expect(() => flattenStateDict('t', value, DEFAULT_LIMITS)).toThrow(/shares its state with another object/);
  });
});
