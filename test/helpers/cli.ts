/** Runs the CLI as a separate process (ts-node over the sources), as a user would. */
import { spawnSync } from 'child_process';
import * as path from 'path';

export const REPO = path.join(__dirname, '..', '..');

export function runCli(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['-r', 'ts-node/register/transpile-only', path.join(REPO, 'src', 'cli', 'main.ts'), ...args], {
    cwd: REPO,
    encoding: 'utf8',
    env: { ...process.env, TS_NODE_PROJECT: path.join(REPO, 'tsconfig.json') },
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}
