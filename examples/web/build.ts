/**
 * `npm run build:web`: bundles the converter page (`./main.ts`, over the package's ESM build in
 * `dist/esm`) into `examples/web/dist/` (git-ignored) with its HTML, CSS and onnxruntime-web's
 * wasm files (`dist/ort/`, copied from the package: no CDN). Serve that folder with any static
 * server, e.g. `python3 -m http.server -d examples/web/dist`. `--out DIR` writes elsewhere.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

import { Plugin, build } from 'esbuild';

const ROOT = path.resolve(__dirname, '../..');
// What `ort.min.mjs` (onnxruntime-web's '.' import under the extern-wasm condition) loads: its
// JSEP build's loader and wasm, whatever the execution provider.
const ORT_FILES = ['ort-wasm-simd-threaded.jsep.mjs', 'ort-wasm-simd-threaded.jsep.wasm'];

/** Resolves the page's `../../src/...` imports to the ESM build (`dist/esm/src/....js`), as the package's `exports` would. */
function esmBuild(): Plugin {
  return {
    name: 'lstm-bridge-esm',
    setup(b) {
      b.onResolve({ filter: /^(\.\.\/)+src\// }, (args) => {
        if (args.importer !== path.join(__dirname, 'main.ts')) return undefined;
        const rel = path.relative(path.join(ROOT, 'src'), path.resolve(args.resolveDir, args.path));
        const file = path.join(ROOT, 'dist/esm/src', rel);
        const js = fs.existsSync(`${file}.js`) ? `${file}.js` : path.join(file, 'index.js');
        if (!fs.existsSync(js)) throw new Error(`${js}: no ESM build; run npm run build first`);
        return { path: js };
      });
    },
  };
}

/** Builds the page into `outDir`; returns the bundle's total size in bytes (main chunk and lazy chunks). */
export async function buildWeb(outDir = path.join(__dirname, 'dist')): Promise<number> {
  fs.rmSync(outDir, { recursive: true, force: true });
  fs.mkdirSync(path.join(outDir, 'ort'), { recursive: true });
  const result = await build({
    entryPoints: { main: path.join(__dirname, 'main.ts') },
    outdir: outDir,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2020',
    minify: true,
    metafile: true,
    // onnxruntime-web's build that loads its wasm (and loader) from env.wasm.wasmPaths (./ort/).
    conditions: ['onnxruntime-web-use-extern-wasm'],
    define: { 'process.env.NODE_ENV': '"production"' },
    plugins: [esmBuild()],
    logLevel: 'warning',
  });
  const builtins = Object.keys(result.metafile.inputs).filter((i) => /^(node:|(fs|path|os|child_process)$)/.test(i));
  if (builtins.length) throw new Error(`the page bundle needs Node builtins: ${builtins.join(', ')}`);
  for (const f of ['index.html', 'style.css']) fs.copyFileSync(path.join(__dirname, f), path.join(outDir, f));
  for (const f of ORT_FILES) fs.copyFileSync(path.join(ROOT, 'node_modules/onnxruntime-web/dist', f), path.join(outDir, 'ort', f));
  return Object.values(result.metafile.outputs).reduce((a, o) => a + o.bytes, 0);
}

if (require.main === module) {
  const at = process.argv.indexOf('--out');
  buildWeb(at > 0 ? path.resolve(process.argv[at + 1]) : undefined).then(
    (bytes) => console.log(`examples/web: built (${(bytes / 1024).toFixed(0)} KiB of scripts)`),
    (e: unknown) => {
      console.error(`build:web: ${e instanceof Error ? e.message : String(e)}`);
      process.exitCode = 1;
    },
  );
}
