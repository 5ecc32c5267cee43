/**
 * The layering rules of `.dependency-cruiser.js` (run by `npm run lint`) catch what they claim:
 * a miniature tree with the project's folder names, one deliberate violation of each rule, and
 * the allowed imports beside them. dependency-cruiser runs as a command on that tree, with the
 * project's own config, and must report exactly the planted violations.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const ROOT = path.resolve(__dirname, '..');

/** file -> its source; every import is a deliberate case. */
const TREE: Record<string, string> = {
  'src/errors.ts': 'export class E extends Error {}\n',
  // allowed: the engine imports the errors, its own files, tfjs-core
  'src/engine/index.ts': "export * from './cell';\n",
  'src/engine/internal.ts': "export { step } from './step';\n",
  'src/engine/cell.ts': "import { E } from '../errors';\nimport * as tf from '@tensorflow/tfjs-core';\nexport const cell = [E, tf];\n",
  // violation layer-engine: the engine imports a facade (upward) — also deep-import
  'src/engine/step.ts': "import { Module } from '../nn/module';\nexport const step = Module;\n",
  // violation engine-tfjs-core-only: a node builtin in the engine
  'src/engine/files.ts': "import * as fs from 'fs';\nexport const files = fs;\n",
  // allowed: the backend module imports the errors and tfjs-core
  'src/backend/index.ts': "import { E } from '../errors';\nimport * as tf from '@tensorflow/tfjs-core';\nexport const fastest = [E, tf];\n",
  // violations layer-backend (the engine is above it) and backend-tfjs-only (a node builtin)
  'src/backend/probe.ts': "import { cell } from '../engine';\nimport * as os from 'os';\nexport const probe = [cell, os];\n",
  // allowed: a facade reaches the engine through index.ts and internal.ts
  'src/nn/index.ts': "export * from './lstm';\n",
  'src/nn/module.ts': "export class Module {}\n",
  'src/nn/lstm.ts': "import { cell } from '../engine';\nimport { step } from '../engine/internal';\nexport const lstm = [cell, step];\n",
  // violation deep-import: a facade reaches an engine file directly
  'src/layers/index.ts': "import { cell } from '../engine/cell';\nexport const layer = cell;\n",
  // violation no-circular: a.ts <-> b.ts inside the cli
  'src/cli/a.ts': "import { b } from './b';\nexport const a = () => b;\n",
  'src/cli/b.ts': "import { a } from './a';\nexport const b = () => a;\n",
  // allowed: the CLI reaches io through its two entries
  'src/cli/main.ts': "import { io } from '../io';\nimport { node } from '../io/node';\nexport const main = [io, node];\n",
  // violations cli-core-browser-safe and cli-core-no-io-node: the bytes core uses fs and lstm-bridge/node
  'src/cli/commands.ts': "import * as fs from 'fs';\nimport { node } from '../io/node';\nexport const commands = [fs, node];\n",
  'src/io/index.ts': "export const io = 1;\n",
  'src/io/node.ts': "export const node = 1;\n",
  // violation layer-adapters: adapters import io (upward)
  'adapters/index.ts': "import { io } from '../src/io';\nexport const adapters = io;\n",
  'tsconfig.json': JSON.stringify({ compilerOptions: { module: 'node16', moduleResolution: 'node16', strict: true } }),
};

function cruise(dir: string): { rule: string; from: string; to: string }[] {
  const bin = path.join(ROOT, 'node_modules', 'dependency-cruiser', 'bin', 'dependency-cruise.mjs');
  let out: string;
  try {
    out = execFileSync(process.execPath, [bin, 'src', 'adapters', '--config', '.dependency-cruiser.js', '--output-type', 'json'], {
      cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'],
    });
  } catch (e) {
    // dependency-cruiser exits non-zero when it finds violations; the JSON is still on stdout.
    out = (e as { stdout: string }).stdout;
  }
  const result = JSON.parse(out) as { summary: { violations: { rule: { name: string }; from: string; to: string }[] } };
  return result.summary.violations.map((v) => ({ rule: v.rule.name, from: v.from, to: v.to }));
}

describe('npm run lint: the layering rules', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lstm-bridge-lint-'));
    fs.copyFileSync(path.join(ROOT, '.dependency-cruiser.js'), path.join(dir, '.dependency-cruiser.js'));
    fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'));
    for (const [file, text] of Object.entries(TREE)) {
      fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
      fs.writeFileSync(path.join(dir, file), text);
    }
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('reports exactly the planted cycle, upward, deep and non-tfjs imports', () => {
    const found = cruise(dir)
      .map((v) => `${v.rule}: ${v.from} -> ${v.to}`)
      .sort();
    expect(found).toEqual(
      [
        'deep-import: src/engine/step.ts -> src/nn/module.ts',
        'deep-import: src/layers/index.ts -> src/engine/cell.ts',
        'engine-tfjs-core-only: src/engine/files.ts -> fs',
        'layer-backend: src/backend/probe.ts -> src/engine/index.ts',
        'backend-tfjs-only: src/backend/probe.ts -> os',
        'layer-adapters: adapters/index.ts -> src/io/index.ts',
        'layer-engine: src/engine/step.ts -> src/nn/module.ts',
        'no-circular: src/cli/a.ts -> src/cli/b.ts',
        'cli-core-browser-safe: src/cli/commands.ts -> fs',
        'cli-core-no-io-node: src/cli/commands.ts -> src/io/node.ts',
      ].sort(),
    );
  }, 60000);
});
