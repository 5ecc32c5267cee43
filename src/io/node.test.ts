import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

import { tf } from '../../test/helpers/tf';
import { IO_FIXTURES, expectedFor } from '../../test/helpers/io-fixtures';
import { keras2Bidirectional } from '../../test/helpers/keras-fixtures';
import { ConfigError } from '../errors';
import * as io from './node';

describe('lstm-bridge/node: path variants', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lstm-bridge-node-'));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('loadTorch takes a path or bytes; saveTorch writes a path', () => {
    const file = path.join(IO_FIXTURES, 'lstm_bidir_2layer.pt');
    const sd = io.loadTorch(file);
    expect(Object.keys(sd)).toEqual(expectedFor('lstm_bidir_2layer.pt').tensors!.map((t) => t.name));
    const out = path.join(dir, 'copy.pt');
    io.saveTorch(sd, out);
    const back = io.loadTorch(new Uint8Array(fs.readFileSync(out)));
    for (const k of Object.keys(sd)) expect(Array.from(back[k].dataSync())).toEqual(Array.from(sd[k].dataSync()));
    expect(io.readTorch(out).format).toBe('zip');
    tf.dispose([...Object.values(sd), ...Object.values(back)]);
  });

  it('safetensors to and from a path', () => {
    const out = path.join(dir, 'w.safetensors');
    const w = tf.tensor([1, 2, 3]);
    io.saveSafetensors({ w }, out, { format: 'pt' });
    expect(io.readSafetensors(out).metadata).toEqual({ format: 'pt' });
    const back = io.loadSafetensors(out);
    expect(Array.from(back.w.dataSync())).toEqual([1, 2, 3]);
    tf.dispose([w, back.w]);
  });

  it('writeKeras writes a path that readKeras reads', async () => {
    const out = path.join(dir, 'm.h5');
    const bytes = await io.writeKeras(keras2Bidirectional(), out);
    expect(new Uint8Array(fs.readFileSync(out))).toEqual(bytes);
    expect(io.readKeras(out).layers[0].weights).toHaveLength(6);
  });

  it('refuses a bad path argument', () => {
    expect(() => io.loadTorch(3 as never)).toThrow(ConfigError);
    expect(() => io.saveTorch({}, '' as never)).toThrow(ConfigError);
  });
});
