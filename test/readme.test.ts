/**
 * @jest-environment ./test/helpers/ort-environment.js
 */
/**
 * The README's examples are what users copy. Every ```ts block is transpiled and run against the
 * sources (`lstm-bridge` resolves to `src/`), on the cpu backend; a block may use top-level
 * `await`. Every ```js block (plain JavaScript, CommonJS) is run as is by plain `node` in a
 * child process, and prints exactly what its `// prints` comments say. A block preceded by
 * `<!-- not run -->` is skipped. The environment is the one for suites that run
 * onnxruntime-node (examples call `forwardAsync`). The extraction is scripts/readme-examples.ts, shared with
 * scripts/fresh-user.ts, which runs the same examples against the packed package.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';

import { withoutTfjsBanner } from '../scripts/library-output';
import { exampleFileName, exampleModule, expectedOutput, importedPackages, readmeExamples } from '../scripts/readme-examples';
import { runNodeOnSources } from './helpers/plain-node';
import { tf } from './helpers/tf';
import { tmpDirs } from './helpers/tmp';

const README = fs.readFileSync(path.join(__dirname, '..', 'README.md'), 'utf8');
const examples = readmeExamples(README);
const tsExamples = examples.filter((e) => e.language === 'ts');
const jsExamples = examples.filter((e) => e.language === 'js');
const tmp = tmpDirs('lstm-bridge-readme-');

// An example may select another backend (`useFastestBackend()`); the next one starts on cpu again.
afterEach(async () => {
  expect(await tf.setBackend('cpu')).toBe(true);
});

test('the README has TypeScript examples and a plain JavaScript one', () => {
  expect(tsExamples.length).toBeGreaterThan(0);
  expect(jsExamples.length).toBeGreaterThan(0);
});

test('the extraction: fences, the not-run marker, imports, the printed lines', () => {
  const md = [
    '# t', '```ts', "import * as tf from '@tensorflow/tfjs-core';", "import { nn } from 'lstm-bridge/node';", 'await 1;', '```',
    '<!-- not run -->', '```ts', 'skipped();', '```', '```sh', 'npm test', '```',
    '```js', "const fs = require('node:fs'); const x = require('@scope/pkg/deep');", "console.log(1); // prints 1", '```', '',
  ].join('\n');
  const [a, b, ...rest] = readmeExamples(md);
  expect(rest).toEqual([]);
  expect([a?.line, a?.language, b?.line, b?.language]).toEqual([2, 'ts', 14, 'js']);
  expect(a && importedPackages(a)).toEqual(['@tensorflow/tfjs-core', 'lstm-bridge']);
  expect(b && importedPackages(b)).toEqual(['@scope/pkg']);
  expect(b && expectedOutput(b)).toEqual(['1']);
  expect(a && exampleModule(a)).toBe(
    "import * as tf from '@tensorflow/tfjs-core';\nimport { nn } from 'lstm-bridge/node';\nexport const done = (async () => {\nawait 1;\n\n})();\n",
  );
});

test.each(tsExamples.map((e) => [e.line, e] as const))('README example at line %d runs', async (_line, example) => {
  const js = ts.transpileModule(exampleModule(example), {
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2020, esModuleInterop: true },
    reportDiagnostics: true,
  });
  expect(js.diagnostics ?? []).toEqual([]);
  const local: Record<string, string> = { 'lstm-bridge': '../src', 'lstm-bridge/node': '../src/io/node' };
  const localRequire = (name: string) => require(local[name] ?? name);
  const exports: { done?: Promise<void> } = {};
  new Function('require', 'exports', js.outputText)(localRequire, exports);
  await exports.done; // rejects (and fails the test) if the example throws
});

test.each(jsExamples.map((e) => [e.line, e] as const))(
  'README JavaScript example at line %d runs with plain node, printing what it says and nothing else',
  (_line, example) => {
    const dir = tmp();
    const file = path.join(dir, exampleFileName(example));
    fs.writeFileSync(file, example.code);
    const run = runNodeOnSources(file, dir);
    expect(withoutTfjsBanner(run.stderr)).toBe('');
    expect(run.status).toBe(0);
    const expected = expectedOutput(example);
    expect(expected.length).toBeGreaterThan(0);
    expect(run.stdout.trim().split('\n')).toEqual(expected);
  },
);
