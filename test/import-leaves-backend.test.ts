/**
 * Importing lstm-bridge changes nothing of the user's tfjs state: no backend is selected or
 * switched, no flag is set, nothing is printed; it registers the cpu backend (registered, not
 * selected: a faster registered backend still wins at first use). Each case is a fresh Node
 * process, as an application starts (tfjs's engine is global to the process).
 */
import { spawnSync } from 'child_process';
import * as path from 'path';

import { REPO } from './helpers/cli';

interface State {
  before: { backend: string | null; registered: string[] };
  after: { backend: string | null; registered: string[] };
  /** Flags whose value after the import differs from before, or (first read) from tfjs's default. */
  changedFlags: string[];
  firstUse: string;
}

/** Starts an application that imports tfjs-core and the backends it names, selects one or none, then imports lstm-bridge. */
function startApp(imports: string[], userSelects: string | null): { state: State; stdout: string; stderr: string } {
  const script = `
    const tf = require('@tensorflow/tfjs-core');
    ${imports.map((p) => `require(${JSON.stringify(p)});`).join('\n')}
    (async () => {
      ${userSelects ? `await tf.setBackend(${JSON.stringify(userSelects)});` : ''}
      const snap = () => ({ backend: tf.getBackend() ?? null, registered: Object.keys(tf.engine().registryFactory).sort() });
      const before = snap();
      const flags = { ...tf.env().getFlags() };
      require(${JSON.stringify(path.join(REPO, 'src'))});
      const after = snap();
      const env = tf.env();
      const changedFlags = Object.entries(env.getFlags())
        .filter(([k, v]) => (k in flags ? flags[k] !== v : env.flagRegistry[k].evaluationFn() !== v))
        .map(([k]) => k);
      await tf.ready();
      process.stdout.write('STATE ' + JSON.stringify({ before, after, changedFlags, firstUse: tf.getBackend() }) + '\\n');
    })();`;
  const r = spawnSync(process.execPath, ['-r', 'ts-node/register/transpile-only', '-e', script], {
    cwd: REPO, encoding: 'utf8', env: { ...process.env, TS_NODE_PROJECT: path.join(REPO, 'tsconfig.json') },
  });
  expect(r.status).toBe(0);
  const line = r.stdout.split('\n').find((l) => l.startsWith('STATE '));
  if (!line) throw new Error(`no state printed; stderr: ${r.stderr}`);
  return { state: JSON.parse(line.slice(6)) as State, stdout: r.stdout.replace(line, '').trim(), stderr: r.stderr.trim() };
}

test('nothing selected yet: the import selects nothing, and the first use picks the user\'s best registered backend (wasm)', () => {
  const { state, stdout, stderr } = startApp(['@tensorflow/tfjs-backend-wasm'], null);
  expect(state.before.backend).toBeNull();
  expect(state.after.backend).toBeNull();
  expect(state.changedFlags).toEqual([]);
  expect(state.after.registered).toEqual([...new Set([...state.before.registered, 'cpu'])].sort());
  expect(state.firstUse).toBe('wasm');
  expect(stdout).toBe('');
  expect(stderr).toBe('');
}, 60000);

test('a backend the user selected (cpu, with wasm registered) stays selected', () => {
  const { state, stdout, stderr } = startApp(['@tensorflow/tfjs-backend-wasm', '@tensorflow/tfjs-backend-cpu'], 'cpu');
  expect(state.before.backend).toBe('cpu');
  expect(state.after.backend).toBe('cpu');
  expect(state.firstUse).toBe('cpu');
  expect(state.changedFlags).toEqual([]);
  expect(stdout).toBe('');
  expect(stderr).toBe('');
}, 60000);
