/** A TF.js input's `model.json` and shards (apart from the format module, so that `../tfjs-verify` can read them without a cycle). */
import { tfjsShardPaths } from '../../io';
import { InputFile } from './types';

/** A `model.json`'s JSON and its shards' bytes, or its text and no shards when it does not parse (the reader reports the JSON error). */
export function tfjsOfInput(input: InputFile): { json: unknown; shards: Uint8Array[] } {
  const text = new TextDecoder().decode(input.bytes);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { json: text, shards: [] };
  }
  return { json, shards: tfjsShardPaths(json).map((p) => input.sibling(p)) };
}
