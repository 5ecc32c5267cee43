import * as fs from 'node:fs';
import * as path from 'node:path';

import * as tfl from '@tensorflow/tfjs-layers';

import { expectClose, randomTensor, tf } from '../../../test/helpers/tf';
import { tmpDirs } from '../../../test/helpers/tmp';
import { FileParseError } from '../../errors';
import { fileSystem } from './fs-handler';

const tmpDir = tmpDirs('lstm-bridge-fs-');

function smallModel(): tfl.Sequential {
  const model = tfl.sequential({ layers: [tfl.layers.dense({ units: 3, inputShape: [4] }), tfl.layers.dense({ units: 2 })] });
  model.compile({ optimizer: 'sgd', loss: 'meanSquaredError' });
  return model;
}

describe('io fileSystem handler', () => {
  it('writes model.json + weights.bin and loads them back (directory or model.json path)', async () => {
    const model = smallModel();
    const dir = path.join(tmpDir(), 'nested', 'model');
    const result = await model.save(fileSystem(dir));
    expect(fs.readdirSync(dir).sort()).toEqual(['model.json', 'weights.bin']);
    expect(fs.statSync(path.join(dir, 'weights.bin')).size).toBe(4 * (4 * 3 + 3 + 3 * 2 + 2));
    expect(result.modelArtifactsInfo.weightDataBytes).toBe(4 * 23);
    const json = JSON.parse(fs.readFileSync(path.join(dir, 'model.json'), 'utf8'));
    expect(json.weightsManifest[0].paths).toEqual(['weights.bin']);
    expect(json.modelTopology.class_name).toBe('Sequential');
    const x = randomTensor([5, 4], 1);
    for (const p of [dir, path.join(dir, 'model.json')]) {
      const loaded = await tfl.loadLayersModel(fileSystem(p));
      expectClose(loaded.predict(x) as tf.Tensor, model.predict(x) as tf.Tensor, 0, 0, p);
    }
  });

  it('keeps the training config when asked to include the optimizer', async () => {
    const dir = tmpDir();
    await smallModel().save(fileSystem(dir), { includeOptimizer: true });
    const json = JSON.parse(fs.readFileSync(path.join(dir, 'model.json'), 'utf8'));
    expect(json.trainingConfig.loss).toBe('mean_squared_error');
    const loaded = await tfl.loadLayersModel(fileSystem(dir));
    expect(loaded.loss).toBe('meanSquaredError');
  });

  it('saves to a .json path with the weights beside it', async () => {
    const dir = tmpDir();
    await smallModel().save(fileSystem(path.join(dir, 'my.json')));
    expect(fs.readdirSync(dir).sort()).toEqual(['my.json', 'weights.bin']);
  });

  async function corrupt(edit: (json: { weightsManifest: { paths: string[] }[] }, dir: string) => void): Promise<string> {
    const dir = tmpDir();
    await smallModel().save(fileSystem(dir));
    const file = path.join(dir, 'model.json');
    const json = JSON.parse(fs.readFileSync(file, 'utf8'));
    edit(json, dir);
    fs.writeFileSync(file, JSON.stringify(json));
    return file;
  }

  it('rejects weights paths outside the model directory', async () => {
    const outside = await corrupt((j) => (j.weightsManifest[0].paths = ['../weights.bin']));
    await expect(tfl.loadLayersModel(fileSystem(outside))).rejects.toThrow(FileParseError);
    await expect(tfl.loadLayersModel(fileSystem(outside))).rejects.toThrow(/outside its directory: "..\/weights.bin"/);
    const absolute = await corrupt((j) => (j.weightsManifest[0].paths = ['/etc/passwd']));
    await expect(tfl.loadLayersModel(fileSystem(absolute))).rejects.toThrow(FileParseError);
  });

  it('rejects truncated weights, malformed JSON and missing files', async () => {
    const truncated = await corrupt((_j, dir) => fs.truncateSync(path.join(dir, 'weights.bin'), 40));
    await expect(tfl.loadLayersModel(fileSystem(truncated))).rejects.toThrow(/expected 92 bytes, got 40/);
    const dir = tmpDir();
    fs.writeFileSync(path.join(dir, 'model.json'), '{"modelTopology": ');
    await expect(tfl.loadLayersModel(fileSystem(dir))).rejects.toThrow(/is not valid JSON/);
    fs.writeFileSync(path.join(dir, 'model.json'), '{"weightsManifest": []}');
    await expect(tfl.loadLayersModel(fileSystem(dir))).rejects.toThrow(/expected an object with modelTopology/);
    fs.writeFileSync(path.join(dir, 'model.json'), '{"modelTopology": {}, "weightsManifest": [{"paths": [1], "weights": []}]}');
    await expect(tfl.loadLayersModel(fileSystem(dir))).rejects.toThrow(/weightsManifest\[0\] expected/);
    await expect(tfl.loadLayersModel(fileSystem(path.join(dir, 'absent.json')))).rejects.toThrow(/cannot read/);
  });
});
