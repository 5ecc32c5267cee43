/** TF.js layers models (a directory with `model.json` + shards), read with `io.loadTfjsModel`, written as `saveTfjs` writes them. */
import type { TfjsEmitReport } from '../../io';
import { TFJS_MODEL_FILE, TFJS_WEIGHTS_FILE, emitArtifacts, loadTfjsModel, tfjsFiles } from '../../io/internal';
import { verifyTfjsFile } from '../tfjs-verify';
import { modelSource } from './keras';
import { modelOf } from './state-dict';
import { tfjsOfInput } from './tfjs-input';
import { FormatModule } from './types';

/** What the CLI prints about a written TF.js model: each recurrent layer's class, and whether loading needs lstm-bridge. */
export function describeEmitted(report: TfjsEmitReport): string[] {
  const lines = report.layers.map((l) =>
    l.reason === null ? `  layer '${l.name}': ${l.className} (tfjs-layers' own)` : `  layer '${l.name}': ${l.className} (needs lstm-bridge to load: ${l.reason})`,
  );
  const head = report.needsLstmBridge
    ? 'TF.js model: some layers are lstm-bridge\'s; load it with lstm-bridge imported (its classes registered), or see --emit'
    : 'TF.js model: plain tfjs-layers classes; tf.loadLayersModel loads it without lstm-bridge';
  return [head, ...lines];
}

export const tfjsFormat: FormatModule = {
  name: 'tfjs',
  title: 'TF.js layers model (directory with model.json and weight shards)',
  extensions: ['/'],
  detect(path, head, isDirectory) {
    // `head`: the first bytes of the file, or of a directory's model.json (none when it has none).
    if (!isDirectory && !/\.json$/i.test(path)) return false;
    return /"modelTopology"|"weightsManifest"/.test(new TextDecoder().decode(head));
  },
  async load(input) {
    const { json, shards } = tfjsOfInput(input);
    const model = await loadTfjsModel(json, shards);
    const meta = json as { generatedBy?: string; convertedBy?: string; modelTopology?: { keras_version?: string } };
    const by = [meta.generatedBy, meta.convertedBy].filter(Boolean).join(', ');
    const summary = `TF.js layers model${by ? ` (${by})` : ''}, ${model.layers.length} layers`;
    return modelSource('tfjs', input.path, summary, model, new Map(model.layers.map((l) => [l.name, 'keras'] as const)));
  },
  async save(source, path, options, progress) {
    const { model, notConverted, owned } = modelOf(source, options, progress);
    try {
      progress.step(`writing ${path}`);
      const { artifacts, report } = await emitArtifacts(model, { emit: options.emit ?? 'auto' }, 'io.saveTfjs');
      const { modelJson, weights } = tfjsFiles(artifacts, 'io.fileSystem');
      const files = new Map([[TFJS_WEIGHTS_FILE, weights], [TFJS_MODEL_FILE, new TextEncoder().encode(modelJson)]]);
      return { notConverted, written: describeEmitted(report), output: { kind: 'directory', files, writer: 'io.fileSystem' } };
    } finally {
      if (owned) model.dispose();
    }
  },
  // The written directory, loaded as a web page loads it (tfjs-layers' own classes).
  async verifyFile(file, other, options, role) {
    return role === 'output' ? verifyTfjsFile(file, other, options) : { comparisons: [], notes: [] };
  },
};
