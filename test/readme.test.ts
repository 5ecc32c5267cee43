/**
 * @jest-environment ./test/helpers/ort-environment.js
 */
/**
 * The README's TypeScript examples are what users copy: every ```ts block is transpiled and
 * run against the sources (`lstm-bridge` resolves to `src/`), on the cpu backend (or the one
 * the example selects).
 * A block may use top-level `await`. A block preceded by `<!-- not run -->` is skipped. The
 * environment is the one for suites that run onnxruntime-node (examples call `forwardAsync`).
 */
import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';

import { tf } from './helpers/tf';

const README = fs.readFileSync(path.join(__dirname, '..', 'README.md'), 'utf8');

function tsBlocks(markdown: string): { line: number; code: string }[] {
  const blocks: { line: number; code: string }[] = [];
  const re = /(<!-- not run -->\s*)?```ts\n([\s\S]*?)```/g;
  for (let m = re.exec(markdown); m; m = re.exec(markdown)) {
    if (m[1]) continue;
    blocks.push({ line: markdown.slice(0, m.index).split('\n').length, code: m[2] });
  }
  return blocks;
}

const blocks = tsBlocks(README);

// An example may select another backend (`useFastestBackend()`); the next one starts on cpu again.
afterEach(async () => {
  expect(await tf.setBackend('cpu')).toBe(true);
});

test('the README has TypeScript examples', () => {
  expect(blocks.length).toBeGreaterThan(0);
});

test.each(blocks.map((b) => [b.line, b.code] as const))('README example at line %d runs', async (_line, code) => {
  const lines = code.split('\n');
  const imports = lines.filter((l) => /^import\s/.test(l));
  const body = lines.filter((l) => !/^import\s/.test(l));
  const source = `${imports.join('\n')}\nexport const done = (async () => {\n${body.join('\n')}\n})();\n`;
  const js = ts.transpileModule(source, {
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
