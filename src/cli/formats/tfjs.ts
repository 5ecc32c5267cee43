/** TF.js layers models (a directory with `model.json` + shards), read with `io.loadTfjs`, written with `io.saveTfjs`. */
import * as fs from 'node:fs';
import * as nodePath from 'node:path';

import type { TfjsEmitReport } from '../../io';
import { loadTfjs, saveTfjs } from '../../io/node';
import { verifyTfjsFile } from '../tfjs-verify';
import { modelSource } from './keras';
import { modelOf } from './state-dict';
import { FormatModule } from './types';

function modelJsonOf(path: string, isDirectory: boolean): string {
  return isDirectory ? nodePath.join(path, 'model.json') : path;
}

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
    const json = modelJsonOf(path, isDirectory);
    if (!isDirectory && !/\.json$/i.test(path)) return false;
    if (isDirectory && !fs.existsSync(json)) return false;
    const text = isDirectory ? fs.readFileSync(json, 'utf8').slice(0, 4096) : new TextDecoder().decode(head);
    return /"modelTopology"|"weightsManifest"/.test(text);
  },
  async load(path) {
    const isDirectory = fs.statSync(path).isDirectory();
    const json = modelJsonOf(path, isDirectory);
    const model = await loadTfjs(json);
    const meta = JSON.parse(fs.readFileSync(json, 'utf8')) as { generatedBy?: string; convertedBy?: string; modelTopology?: { keras_version?: string } };
    const by = [meta.generatedBy, meta.convertedBy].filter(Boolean).join(', ');
    const summary = `TF.js layers model${by ? ` (${by})` : ''}, ${model.layers.length} layers`;
    return modelSource('tfjs', path, summary, model, new Map(model.layers.map((l) => [l.name, 'keras'] as const)));
  },
  async save(source, path, options, progress) {
    const { model, notConverted, owned } = modelOf(source, options, progress);
    try {
      progress.step(`writing ${path}`);
      const { emitted } = await saveTfjs(model, path, { emit: options.emit ?? 'auto' });
      return { notConverted, written: describeEmitted(emitted) };
    } finally {
      if (owned) model.dispose();
    }
  },
  // The written directory, loaded as a web page loads it (tfjs-layers' own classes).
  async verifyFile(path, other, options, role) {
    return role === 'output' ? verifyTfjsFile(path, other, options) : { comparisons: [], notes: [] };
  },
};
