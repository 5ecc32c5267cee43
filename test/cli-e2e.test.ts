/**
 * The `lstm-bridge` command as users run it: a separate Node process on `src/cli/main.ts` (the
 * `bin` in package.json is its build, `dist/src/cli/main.js`, which starts with the same
 * `#!/usr/bin/env node` line). Exit codes, stdout and one-line errors on stderr.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

import { REPO, runCli } from './helpers/cli';
import { IO_FIXTURES } from './helpers/io-fixtures';
import { tmpDirs } from './helpers/tmp';

const tmp = tmpDirs('lstm-bridge-cli-e2e-');

const run = runCli;

describe('lstm-bridge as a command', () => {
  it('package.json declares the bin, built from the file with the shebang', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8')) as { bin: Record<string, string> };
    expect(pkg.bin['lstm-bridge']).toBe('dist/src/cli/main.js');
    expect(fs.readFileSync(path.join(REPO, 'src', 'cli', 'main.ts'), 'utf8').split('\n')[0]).toBe('#!/usr/bin/env node');
  });

  it('convert --verify: a PyTorch file to a Keras .h5, then inspect it', () => {
    const out = path.join(tmp(), 'model.h5');
    const c = run('convert', path.join(IO_FIXTURES, 'lstm_bidir_2layer.pt'), out, '--verify');
    expect(c.status).toBe(0);
    expect(c.stdout).toMatch(/-> .*model\.h5 \(keras\)\nverify: .* ok/);
    const i = run('inspect', out);
    expect(i.status).toBe(0);
    expect(i.stdout).toMatch(/Keras 2\.15\.0 \.h5 model \(Sequential, 2 layers\)/);
  });

  it('a bad file and a bad command line', () => {
    const bad = run('inspect', path.join(REPO, 'package.json'));
    expect(bad.status).toBe(1);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
    expect(bad.stderr).toMatch(/^lstm-bridge: .*package\.json: not a file lstm-bridge reads/);
    const usage = run('convert', 'only-one');
    expect(usage.status).toBe(2);
    expect(usage.stderr).toMatch(/^lstm-bridge: convert expects IN and OUT/);
  });
});
