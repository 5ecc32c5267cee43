/**
 * The ESM build, after `tsc -p tsconfig.esm.json` wrote dist/esm:
 * - every relative import/export specifier made fully specified (`./nn` -> `./nn/index.js`), so
 *   the files load in any bundler (webpack's `fullySpecified`), and natively;
 * - `src/engine/register-gradients.js` replaced by tfjs-core's ESM gradient registration (see
 *   that file's comment);
 * - `dist/esm/package.json` `{ "type": "module" }`;
 * - Node's `import` entries `dist/src/index.mjs` and `dist/src/io/node.mjs`: ESM wrappers over
 *   the CommonJS build (one copy of the library per Node process, whichever way it is loaded;
 *   tfjs-core's ESM files do not load in Node).
 */
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const ROOT = resolve(__dirname, '..');
const ESM = join(ROOT, 'dist/esm');

function jsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? jsFiles(p) : p.endsWith('.js') ? [p] : [];
  });
}

function specify(file: string, spec: string): string {
  const base = resolve(dirname(file), spec);
  if (existsSync(`${base}.js`)) return `${spec}.js`;
  if (existsSync(join(base, 'index.js'))) return `${spec}/index.js`;
  if (spec.endsWith('.js') && existsSync(base)) return spec;
  throw new Error(`build-esm: ${relative(ROOT, file)} imports ${spec}, which is not in the build`);
}

const SPEC = /(\bfrom\s*|\bimport\s*\(?\s*)(['"])(\.{1,2}\/[^'"]*)\2/g;
for (const file of jsFiles(ESM)) {
  const text = readFileSync(file, 'utf8');
  const out = text.split('\n').map((line) => (/^\s*(\*|\/\*|\/\/)/.test(line) ? line
    : line.replace(SPEC, (_m, pre: string, q: string, spec: string) => `${pre}${q}${specify(file, spec)}${q}`))).join('\n');
  if (out !== text) writeFileSync(file, out);
}

writeFileSync(join(ESM, 'src/engine/register-gradients.js'),
  "// ESM build: tfjs-core's own gradient registrations (scripts/build-esm.ts)\nimport '@tensorflow/tfjs-core/dist/register_all_gradients';\n");
// Bundlers read the nearest package.json: the modules whose import registers something with tfjs.
const SIDE_EFFECTS = ['./src/engine/index.js', './src/engine/register.js', './src/engine/register-gradients.js', './src/layers/lstm.js', './src/layers/bidirectional.js', './src/cli/main.js'];
writeFileSync(join(ESM, 'package.json'), `${JSON.stringify({ type: 'module', sideEffects: SIDE_EFFECTS }, null, 2)}\n`);

for (const [cjs, mjs] of [['dist/src/index.js', 'dist/src/index.mjs'], ['dist/src/io/node.js', 'dist/src/io/node.mjs']] as const) {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const names = Object.keys(require(join(ROOT, cjs)) as object).filter((n) => n !== 'default' && n !== '__esModule');
  const from = `./${cjs.split('/').pop() as string}`;
  writeFileSync(join(ROOT, mjs), `// Node's ESM entry: the CommonJS build's exports (scripts/build-esm.ts)\nimport cjs from '${from}';\nexport const { ${names.join(', ')} } = cjs;\nexport default cjs;\n`);
}
process.stderr.write(`build-esm: ${jsFiles(ESM).length} files in dist/esm\n`);
