/**
 * Hostile HDF5 files built from a valid Keras `.h5` (12.9 KB, written by the project's own
 * writer): sizes in attribute and dataset dataspaces overwritten. Each must end in a typed
 * error before anything is allocated for the declared size (before the fix, the first one ran
 * 30-57 s and then died of out-of-memory).
 */
import * as jsfive from 'jsfive';

import { keras1Lstm } from '../../../test/helpers/keras-fixtures';
import { FileParseError } from '../../errors';
import { readKeras } from '../keras/reader';
import { writeKeras } from '../keras/writer';
import { Hdf5FormatError, SizeLimitError } from '../shared/errors';

let valid: Uint8Array;
beforeAll(async () => {
  valid = await writeKeras(keras1Lstm());
});

/** Byte offset of the first dimension of the dataspace of attribute `name` (v1 or v3 message). */
function attributeDim(bytes: Uint8Array, name: string): number {
  const at = Buffer.from(bytes).indexOf(Buffer.from(`${name}\0`));
  expect(at).toBeGreaterThan(9);
  const dv = new DataView(bytes.buffer, bytes.byteOffset);
  // v3 attribute header: version, flags, name size, datatype size, dataspace size, charset (9 bytes).
  const header = at - 9;
  expect(dv.getUint8(header)).toBe(3);
  const nameSize = dv.getUint16(header + 2, true);
  const typeSize = dv.getUint16(header + 4, true);
  const space = at + nameSize + typeSize;
  expect(dv.getUint8(space)).toBe(2); // dataspace v2: 4-byte header, then 8-byte dims
  return space + 4;
}

/** Byte offset of the first dimension of dataset `path`'s dataspace. */
function datasetDim(bytes: Uint8Array, path: string): number {
  const file = new jsfive.File(bytes.slice().buffer, 'f');
  const d = file.get(path) as jsfive.Dataset;
  const msg = d._dataobjects.msgs.find((m) => m.get('type') === 1)!;
  const at = Number(msg.get('offset_to_message'));
  return at + (bytes[at] === 1 ? 8 : 4);
}

function setU64(bytes: Uint8Array, at: number, value: bigint): Uint8Array {
  const out = bytes.slice();
  new DataView(out.buffer).setBigUint64(at, value, true);
  return out;
}

describe('HDF5 sizes are checked against the caps and the file before allocation', () => {
  test('the valid file reads (the mutations below start from it)', () => {
    expect(readKeras(valid).layers.map((l) => l.name)).toEqual(['lstm_1', 'dense_1']);
  });

  test('an attribute claiming 2^31 values is refused by the cap, at once', () => {
    const bad = setU64(valid, attributeDim(valid, 'layer_names'), 2n ** 31n);
    const t0 = Date.now();
    expect(() => readKeras(bad)).toThrow(SizeLimitError);
    expect(() => readKeras(bad)).toThrow(/number of values in one attribute is 2147483648.*maxHdf5AttributeItems/);
    expect(Date.now() - t0).toBeLessThan(2000);
  });

  test('with the cap raised, an attribute claiming more values than the file holds is refused', () => {
    const bad = setU64(valid, attributeDim(valid, 'layer_names'), 2n ** 40n);
    const limits = { maxHdf5AttributeItems: 2 ** 50 };
    expect(() => readKeras(bad, { limits })).toThrow(Hdf5FormatError);
    expect(() => readKeras(bad, { limits })).toThrow(/runs past the end of the 12\d\d\d-byte file/);
  });

  test('2,097,153 layer names are refused before any is decoded', () => {
    const bad = setU64(valid, attributeDim(valid, 'layer_names'), 2_097_153n);
    expect(() => readKeras(bad)).toThrow(SizeLimitError);
  });

  test('a dimension of 2^53 or more is refused, not wrapped', () => {
    const bad = setU64(valid, attributeDim(valid, 'layer_names'), 2n ** 60n);
    expect(() => readKeras(bad)).toThrow(/beyond 2\^53/);
  });

  test('a dataset dimension above 2^32 is not read modulo 2^32', () => {
    const path = '/model_weights/dense_1/dense_1_W:0';
    const at = datasetDim(valid, path);
    const dv = new DataView(valid.buffer, valid.byteOffset);
    expect(Number(dv.getBigUint64(at, true))).toBe(4);
    // (4 + 2^32, 2): jsfive alone reads (4, 2) and loads the kernel.
    const bad = setU64(valid, at, 4n + 2n ** 32n);
    // (2^32 + 4) * 2 float32 values = 34359738400 bytes: the full 64-bit dimension was read.
    expect(() => readKeras(bad)).toThrow(SizeLimitError);
    expect(() => readKeras(bad)).toThrow(/dataset size in bytes is 34359738400/);
    const limits = { maxTensorBytes: 2 ** 40, maxTotalBytes: 2 ** 40 };
    expect(() => readKeras(bad, { limits })).toThrow(FileParseError);
    expect(() => readKeras(bad, { limits })).toThrow(/more than the 12\d\d\d-byte file/);
  });
});
