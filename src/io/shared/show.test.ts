/**
 * Deeply nested JSON in a file (10,000 levels in a safetensors header's shape / data_offsets /
 * dtype, or in a tfjs manifest) gets a typed error whose message is built without overflowing
 * the stack (before, `JSON.stringify` / `String([...])` threw RangeError).
 */
import { FileParseError } from '../../errors';
import { readSafetensors } from '../safetensors/safetensors';
import { readTfjsWeights } from '../tfjs/weights';
import { showValue } from './show';

const deep = (n: number): string => '['.repeat(n) + '1' + ']'.repeat(n);

function safetensors(header: string): Uint8Array {
  const text = new TextEncoder().encode(header);
  const out = new Uint8Array(8 + text.length + 4);
  new DataView(out.buffer).setUint32(0, text.length, true);
  out.set(text, 8);
  return out;
}

test('showValue is bounded in depth and length', () => {
  expect(showValue([1, [2, [3, [4, [5]]]]])).toBe('[1, [2, [3, [4, […]]]]]');
  expect(showValue({ a: 'x'.repeat(500) }, 20)).toBe('{"a": "xxxxxxxxxxxxx…');
  expect(showValue(JSON.parse(deep(10000)))).toBe('[[[[[…]]]]]');
  expect(showValue(Array.from({ length: 100 }, (_, k) => k), 30)).toBe('[0, 1, 2, 3, 4, 5, 6, 7, 8, 9,…');
});

describe('10,000 levels of nesting', () => {
  for (const [field, header] of [
    ['shape', `{"w":{"dtype":"F32","shape":${deep(10000)},"data_offsets":[0,4]}}`],
    ['data_offsets', `{"w":{"dtype":"F32","shape":[1],"data_offsets":${deep(10000)}}}`],
    ['dtype', `{"w":{"dtype":${deep(10000)},"shape":[1],"data_offsets":[0,4]}}`],
  ] as const) {
    test(`safetensors ${field}`, () => {
      expect(() => readSafetensors(safetensors(header))).toThrow(FileParseError);
      expect(() => readSafetensors(safetensors(header))).toThrow(/\[\[\[\[\[…\]\]\]\]\]/);
    });
  }

  test('a tfjs manifest', () => {
    const json = `{"modelTopology":{},"weightsManifest":[{"paths":["w.bin"],"weights":[{"name":"w","shape":${deep(10000)},"dtype":"float32"}]}]}`;
    expect(() => readTfjsWeights(json, [new Uint8Array(4)])).toThrow(FileParseError);
    const json2 = `{"modelTopology":{},"weightsManifest":[{"paths":["w.bin"],"weights":[{"name":"w","shape":[1],"dtype":${deep(10000)}}]}]}`;
    expect(() => readTfjsWeights(json2, [new Uint8Array(4)])).toThrow(FileParseError);
  });
});
