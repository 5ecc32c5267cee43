/**
 * The path API's file-system failures are typed: a missing file, a directory, a missing tfjs
 * shard, a shard path of ".", an unwritable target — each a FileAccessError (a ConfigError)
 * naming the function, the path and Node's code, never a raw ENOENT / EISDIR.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

import * as tfl from '@tensorflow/tfjs-layers';

import { ConfigError } from '../errors';
import { FileAccessError } from './shared/errors';
import { loadTfjsModel } from './tfjs/load';
import { fileSystem } from './tfjs/fs-handler';
import * as io from './node';

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lstm-bridge-fs-'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

async function code(f: () => unknown): Promise<[string, string]> {
  try {
    await f();
  } catch (e) {
    expect(e).toBeInstanceOf(FileAccessError);
    expect(e).toBeInstanceOf(ConfigError);
    return [(e as FileAccessError).code, (e as Error).message];
  }
  throw new Error('expected a FileAccessError');
}

test('missing files and directories, for every reader', async () => {
  const missing = path.join(dir, 'nope.pt');
  expect(await code(() => io.loadTorch(missing))).toEqual(['ENOENT', `io.loadTorch: cannot read ${JSON.stringify(missing)}: no such file or directory (ENOENT)`]);
  expect((await code(() => io.loadTorch(dir)))[0]).toBe('EISDIR');
  expect((await code(() => io.readSafetensors(missing)))[0]).toBe('ENOENT');
  expect((await code(() => io.readKeras(dir)))[0]).toBe('EISDIR');
  expect((await code(() => io.loadOnnx(missing)))[0]).toBe('ENOENT');
  expect((await code(() => io.readTfjs(path.join(dir, 'model.json'))))[0]).toBe('ENOENT');
  expect((await code(() => io.loadTfjs(dir)))[0]).toBe('ENOENT'); // a directory without model.json
});

test('a missing tfjs shard, and a shard path of "."', async () => {
  const json = (paths: string[]) => JSON.stringify({ modelTopology: {}, weightsManifest: [{ paths, weights: [] }] });
  fs.writeFileSync(path.join(dir, 'a.json'), json(['gone.bin']));
  const [c, msg] = await code(() => io.readTfjs(path.join(dir, 'a.json')));
  expect(c).toBe('ENOENT');
  expect(msg).toMatch(/gone\.bin.*a weights shard named by a\.json/);
  fs.writeFileSync(path.join(dir, 'b.json'), json(['.']));
  expect((await code(() => io.readTfjs(path.join(dir, 'b.json'))))[0]).toBe('EISDIR');
  expect((await code(() => fileSystem(path.join(dir, 'b.json')).load!()))[0]).toBe('EISDIR');
  expect((await code(() => fileSystem(path.join(dir, 'none.json')).load!()))[0]).toBe('ENOENT');
});

test('writers: a target in a missing directory, or a directory', async () => {
  const sd = { w: { dtype: 'float32' as const, shape: [1], values: new Float32Array(1) } };
  expect((await code(() => io.saveTorch(sd, path.join(dir, 'no', 'such', 'x.pt'))))[0]).toBe('ENOENT');
  expect((await code(() => io.saveSafetensors(sd, dir)))[0]).toBe('EISDIR');
});

test('null models and shards: typed errors', async () => {
  await expect(io.saveKeras(null as never, path.join(dir, 'm.h5'))).rejects.toThrow(/model expected a tf\.LayersModel, got null/);
  await expect(io.saveTfjs(null as never, dir)).rejects.toThrow(ConfigError);
  await expect(io.saveTfjs(null as never, dir)).rejects.toThrow(/io\.saveTfjs: model expected a tf\.LayersModel, got null/);
  await expect(loadTfjsModel({ modelTopology: {}, weightsManifest: [] }, null as never)).rejects.toThrow(/shards expected an array of Uint8Arrays/);
  // A real model still saves.
  const model = tfl.sequential({ layers: [tfl.layers.dense({ units: 1, inputShape: [2] })] });
  await io.saveTfjs(model, path.join(dir, 'ok'));
  expect(fs.existsSync(path.join(dir, 'ok', 'model.json'))).toBe(true);
  model.dispose();
});
