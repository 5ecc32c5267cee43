/**
 * The real-Chromium harness: bundle a page entry with esbuild, serve it (and any other files)
 * from a loopback static server, drive Debian's `/usr/bin/chromium` with playwright-core (no
 * browser download, no network). Reused by every browser suite (`npm run test:browser`, the
 * onnxruntime-web and converter pages, the browser bench).
 *
 * ```ts
 * const page = await bundlePage({ entry: 'scripts/browser/page.ts', outDir });
 * const server = await startStaticServer({ '/': outDir, '/wasm/': wasmDir });
 * const browser = await launchChromium({ gpu: 'swiftshader' });
 * const tab = await openPage(browser, `${server.url}/index.html`);
 * const result = await tab.evaluate(() => window.runChecks('cpu'));
 * ```
 */
import { createServer, type Server } from 'node:http';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { build, type BuildOptions, type Metafile, type Plugin } from 'esbuild';
import { chromium, type Browser, type Page } from 'playwright-core';

/** Where Debian's chromium package puts the browser; `CHROMIUM` overrides it. */
export const CHROMIUM_PATH = process.env.CHROMIUM ?? '/usr/bin/chromium';

/**
 * Flags for a root, offline, headless run: no sandbox (root), no background network (updates,
 * safe browsing, metrics, component downloads), no first-run UI.
 */
export const CHROMIUM_ARGS: readonly string[] = [
  '--no-sandbox',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-default-apps',
  '--disable-domain-reliability',
  '--disable-sync',
  '--metrics-recording-only',
  '--no-first-run',
  '--no-default-browser-check',
  '--safebrowsing-disable-auto-update',
  '--disable-features=Translate,OptimizationHints,MediaRouter,AutofillServerCommunication',
];

/** WebGL (and WebGPU where exposed) through Chromium's software renderer: ANGLE on SwiftShader. */
export const SWIFTSHADER_ARGS: readonly string[] = [
  '--use-gl=angle',
  '--use-angle=swiftshader',
  '--enable-unsafe-swiftshader',
  '--ignore-gpu-blocklist',
  '--enable-unsafe-webgpu',
];

export interface BundlePageOptions {
  /** The page's TypeScript/JavaScript entry. */
  entry: string;
  /** Output folder; gets `page.js` and an `index.html` loading it. */
  outDir: string;
  /** Extra esbuild options (define, alias, external...). */
  esbuild?: BuildOptions;
  /** The HTML page's title (default 'lstm-bridge browser checks'). */
  title?: string;
}

/**
 * Bundles `entry` for the browser (ESM, es2020) into `outDir/page.js` plus an `index.html`;
 * returns esbuild's metafile too (which inputs the bundle has).
 */
export async function bundlePage(options: BundlePageOptions): Promise<{ html: string; js: string; metafile: Metafile }> {
  mkdirSync(options.outDir, { recursive: true });
  const js = join(options.outDir, 'page.js');
  const result = await build({
    entryPoints: [options.entry],
    outfile: js,
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2020',
    sourcemap: 'inline',
    logLevel: 'warning',
    metafile: true,
    ...(options.esbuild ?? {}),
  });
  const html = join(options.outDir, 'index.html');
  writeFileSync(html, `<!doctype html><meta charset="utf-8"><link rel="icon" href="data:,"><title>${options.title ?? 'lstm-bridge browser checks'}</title>\n<script type="module" src="./page.js"></script>\n`);
  return { html, js, metafile: result.metafile as Metafile };
}

/**
 * An esbuild plugin resolving imports of the repository's `src` index (`'../../src'` from
 * scripts/browser/) to the package's ESM build by name (`lstm-bridge`, through its `exports`, as
 * a user's bundler resolves it). Needs `npm run build` first.
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

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
  '.map': 'application/json',
};

export interface StaticServer {
  /** `http://127.0.0.1:<port>` */
  url: string;
  close(): Promise<void>;
}

export interface StaticServerOptions {
  /** Send COOP/COEP so the page is cross-origin isolated (SharedArrayBuffer, wasm threads). */
  crossOriginIsolated?: boolean;
}

/**
 * Serves folders on loopback: `mounts` maps a URL prefix ending in '/' to a folder
 * (`{ '/': outDir, '/wasm/': 'node_modules/@tensorflow/tfjs-backend-wasm/dist' }`); the longest
 * matching prefix wins. Paths escaping a folder are refused.
 */
export async function startStaticServer(mounts: Record<string, string>, options: StaticServerOptions = {}): Promise<StaticServer> {
  const prefixes = Object.keys(mounts).sort((a, b) => b.length - a.length);
  const server: Server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    const prefix = prefixes.find((p) => path.startsWith(p));
    const headers: Record<string, string> = { 'cache-control': 'no-store' };
    if (options.crossOriginIsolated) {
      headers['cross-origin-opener-policy'] = 'same-origin';
      headers['cross-origin-embedder-policy'] = 'require-corp';
    }
    if (prefix === undefined) { res.writeHead(404, headers).end(); return; }
    const root = resolve(mounts[prefix] as string);
    let file = normalize(join(root, path.slice(prefix.length)));
    if (file !== root && !file.startsWith(root + sep)) { res.writeHead(403, headers).end(); return; }
    if (existsSync(file) && statSync(file).isDirectory()) file = join(file, 'index.html');
    if (!existsSync(file)) { res.writeHead(404, headers).end(); return; }
    headers['content-type'] = TYPES[extname(file)] ?? 'application/octet-stream';
    res.writeHead(200, headers).end(readFileSync(file));
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('static server: no port');
  return {
    url: `http://127.0.0.1:${address.port}`,
    close: () => new Promise<void>((ok) => server.close(() => ok())),
  };
}

export interface LaunchOptions {
  /** 'swiftshader' adds {@link SWIFTSHADER_ARGS} (software WebGL / WebGPU); default 'swiftshader'. */
  gpu?: 'swiftshader' | 'none';
  args?: readonly string[];
}

/** Launches headless Chromium from {@link CHROMIUM_PATH}; throws a clear message when absent. */
export async function launchChromium(options: LaunchOptions = {}): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) throw new Error(`chromium not found at ${CHROMIUM_PATH} (apt-get install -y chromium, or set CHROMIUM)`);
  const args = [...CHROMIUM_ARGS, ...((options.gpu ?? 'swiftshader') === 'swiftshader' ? SWIFTSHADER_ARGS : []), ...(options.args ?? [])];
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args });
}

/**
 * Opens `url` in a fresh context, forwards the page's console errors and uncaught errors to
 * `log`, and waits until `window.__ready === true` (set by the page entry when its imports are
 * done) or `timeoutMs`.
 */
export async function openPage(browser: Browser, url: string, log: (line: string) => void = (l) => console.error(l), timeoutMs = 60_000): Promise<Page> {
  const context = await browser.newContext();
  const page = await context.newPage();
  page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') log(`[page ${m.type()}] ${m.text()}`); });
  page.on('pageerror', (e) => log(`[page error] ${e.message}`));
  await page.goto(url);
  await page.waitForFunction(() => (globalThis as { __ready?: boolean }).__ready === true, undefined, { timeout: timeoutMs });
  return page;
}

/** Base64 of bytes (for passing files into `page.evaluate`). */
export function toBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}
