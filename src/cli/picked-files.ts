/**
 * Files picked in a web page (or any set of files in memory) as the one {@link InputFile} of
 * `inspect` / `convert`: a single file, or a TF.js `model.json` with its weight shards, or a
 * weights-only Keras file with its architecture (`model.to_json()`, what `--config` takes).
 */
import { ConfigError } from '../errors';
import { ConfigFile, InputFile } from './formats';

function baseName(name: string): string {
  return name.slice(name.lastIndexOf('/') + 1);
}

/**
 * The input among `files` (by file name): the only one, or the one `.json` file of several (its
 * siblings are the others, by the names its manifest gives, folders ignored).
 * @throws ConfigError when no file, or several files without exactly one model.json, were given
 */
export function pickedInput(files: ReadonlyMap<string, Uint8Array>): InputFile {
  const names = [...files.keys()];
  if (names.length === 0) throw new ConfigError('lstm-bridge: no file given: pick a model file, or a model.json with its weight shards');
  const jsons = names.filter((n) => /\.json$/i.test(n));
  const main = names.length === 1 ? names[0] : jsons.length === 1 ? jsons[0] : null;
  if (main === null) {
    throw new ConfigError(`lstm-bridge: pick one model file, or one model.json with its weight shards; got ${names.join(', ')}`);
  }
  const byBase = new Map(names.map((n) => [baseName(n), files.get(n)!] as const));
  return {
    path: main,
    bytes: files.get(main)!,
    isDirectory: false,
    sibling(name) {
      const bytes = files.get(name) ?? byBase.get(baseName(name));
      if (bytes === undefined) throw new ConfigError(`lstm-bridge: ${main} names the weights file '${name}'; pick it too (got ${names.join(', ')})`);
      return bytes;
    },
  };
}

/** Is `bytes` a Keras `model.to_json()` text rather than a TF.js model.json (no manifest, no topology)? */
function isKerasArchitecture(bytes: Uint8Array): boolean {
  const text = new TextDecoder().decode(bytes.subarray(0, 1 << 20));
  return /"class_name"/.test(text) && !/"modelTopology"|"weightsManifest"/.test(text);
}

/**
 * {@link pickedInput}, and the `--config` of a weights-only Keras file: of two files, a `.json`
 * that is a Keras architecture (not a TF.js model.json) is the other one's config.
 */
export function pickedFiles(files: ReadonlyMap<string, Uint8Array>): { input: InputFile; config?: ConfigFile } {
  const names = [...files.keys()];
  const json = names.filter((n) => /\.json$/i.test(n));
  if (names.length === 2 && json.length === 1 && isKerasArchitecture(files.get(json[0])!)) {
    const main = names.find((n) => n !== json[0])!;
    return { input: pickedInput(new Map([[main, files.get(main)!]])), config: { path: json[0], text: new TextDecoder().decode(files.get(json[0])!) } };
  }
  return { input: pickedInput(files) };
}
