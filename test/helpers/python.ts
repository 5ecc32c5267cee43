/**
 * Runs the repository's Python reference scripts with Debian's python3-torch
 * (`/usr/bin/python3`, or `LSTM_BRIDGE_PYTHON`). Used only by `*.torch.test.ts` suites.
 */
import { spawnSync } from 'child_process';
import * as path from 'path';

export const PYTHON = process.env.LSTM_BRIDGE_PYTHON ?? '/usr/bin/python3';
export const REPO = path.join(__dirname, '..', '..');

/** Runs `script` (relative to the repo) with `input` as JSON on stdin; returns parsed stdout. */
export function runPythonJson<T>(script: string, input: unknown, args: string[] = []): T {
  const res = spawnSync(PYTHON, [path.join(REPO, script), ...args], {
    input: JSON.stringify(input),
    encoding: 'utf8',
    maxBuffer: 1 << 30,
  });
  if (res.error) throw new Error(`cannot run ${PYTHON}: ${res.error.message} (install python3-torch: apt-get install -y python3-torch)`);
  if (res.status !== 0) throw new Error(`${script} failed (${res.status}):\n${res.stderr}`);
  return JSON.parse(res.stdout) as T;
}
