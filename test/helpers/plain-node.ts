/**
 * Runs a JavaScript file with plain `node` in a child process, `lstm-bridge` resolving to the
 * sources (./lstm-bridge-from-sources.ts) and the project's node_modules on `NODE_PATH`, so a
 * script in a temporary directory finds its packages as it would in a user's project.
 */
import { spawnSync } from 'child_process';
import * as path from 'path';

const REPO = path.join(__dirname, '..', '..');

export interface NodeRun {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export function runNodeOnSources(script: string, cwd: string): NodeRun {
  const r = spawnSync(
    process.execPath,
    ['-r', require.resolve('ts-node/register/transpile-only'), '-r', path.join(__dirname, 'lstm-bridge-from-sources.ts'), script],
    {
      cwd,
      encoding: 'utf8',
      env: { ...process.env, TS_NODE_PROJECT: path.join(REPO, 'tsconfig.json'), NODE_PATH: path.join(REPO, 'node_modules') },
      timeout: 120_000,
    },
  );
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}
