/**
 * Preloaded into a plain `node` child process (`-r ts-node/register/transpile-only -r <this>`):
 * `require('lstm-bridge')` and `require('lstm-bridge/node')` resolve to the sources, as the
 * package's `exports` resolve them to the build. Nothing else changes, so a script runs as a
 * user's would. See `runNodeOnSources` in ./plain-node.ts.
 */
import * as path from 'path';

const REPO = path.join(__dirname, '..', '..');
const ENTRIES: Record<string, string> = {
  'lstm-bridge': path.join(REPO, 'src', 'index.ts'),
  'lstm-bridge/node': path.join(REPO, 'src', 'io', 'node.ts'),
};

type Resolve = (request: string, ...rest: unknown[]) => string;
// eslint-disable-next-line @typescript-eslint/no-require-imports -- Node's internal resolver hook has no typed API
const Module = require('module') as { _resolveFilename: Resolve };
const resolve = Module._resolveFilename;
Module._resolveFilename = function (this: unknown, request: string, ...rest: unknown[]): string {
  return resolve.call(this, ENTRIES[request] ?? request, ...rest);
};
