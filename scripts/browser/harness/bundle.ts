/**
 * The one page bundler of the browser suites: esbuild (browser platform, ESM, es2020, split
 * chunks so that a dynamic `import('onnxruntime-web')` stays lazy) plus an `index.html` loading
 * the entries.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { build, type BuildOptions, type Metafile, type Plugin } from 'esbuild';

export interface BundlePageOptions {
  /** The page's scripts: output name (`<name>.js`) → TypeScript/JavaScript entry. */
  entries: Record<string, string>;
  /** Output folder; gets the scripts, their shared chunks and an `index.html` loading the entries. */
  outDir: string;
  /** The HTML page's title (default 'lstm-bridge'). */
  title?: string;
  /** Imports left out of the bundle (a page without an optional package). */
  external?: string[];
  /** Minify (default false). */
  minify?: boolean;
  /** Inline source maps (default false): page errors then name the sources' lines. */
  sourcemap?: boolean;
  /** esbuild plugins (e.g. {@link esmBuildPlugin}). */
  plugins?: Plugin[];
}

/**
 * Bundles `entries` for the browser into `outDir`, with the non-bundled onnxruntime-web build
 * (the `onnxruntime-web-use-extern-wasm` condition: it loads its wasm loader from
 * `env.wasm.wasmPaths`); returns the page's path and esbuild's metafile (which inputs the
 * bundle has).
 */
export async function bundlePage(options: BundlePageOptions): Promise<{ html: string; metafile: Metafile }> {
  mkdirSync(options.outDir, { recursive: true });
  const esbuildOptions: BuildOptions = {
    entryPoints: options.entries,
    outdir: options.outDir,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2020',
    minify: options.minify ?? false,
    sourcemap: options.sourcemap === true ? 'inline' : false,
    conditions: ['onnxruntime-web-use-extern-wasm'],
    external: options.external ?? [],
    define: { 'process.env.NODE_ENV': '"production"' },
    plugins: options.plugins ?? [],
    logLevel: 'error',
    metafile: true,
  };
  const result = await build(esbuildOptions);
  const scripts = Object.keys(options.entries).map((k) => `<script type="module" src="./${k}.js"></script>`).join('\n');
  const html = join(options.outDir, 'index.html');
  writeFileSync(html, `<!doctype html><html><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>${options.title ?? 'lstm-bridge'}</title></head><body>\n${scripts}\n</body></html>\n`);
  return { html, metafile: result.metafile as Metafile };
}

/**
 * An esbuild plugin resolving imports of the repository's `src` index (`'../../src'`) to the
 * package's ESM build by name (`lstm-bridge`, through its `exports`, as a user's bundler
 * resolves it). Needs `npm run build` first.
 */
export function esmBuildPlugin(root: string): Plugin {
  return {
    name: 'lstm-bridge-esm-build',
    setup(b) {
      b.onResolve({ filter: /^(\.\.\/)+src$/ }, async () => {
        if (!existsSync(join(root, 'dist/esm/src/index.js'))) throw new Error('no ESM build in dist/esm: run npm run build first');
        const r = await b.resolve('lstm-bridge', { kind: 'import-statement', resolveDir: root });
        return { path: r.path, external: false };
      });
    },
  };
}
