/**
 * A small harness for the onnxruntime-web tests, the converter page test and the browser bench:
 * bundles a page entry with esbuild (browser platform, ESM, split chunks so that
 * `import('onnxruntime-web')` stays lazy), serves it from 127.0.0.1 with or without the
 * cross-origin isolation headers, and drives Debian's Chromium (`/usr/bin/chromium`, or
 * `CHROMIUM_PATH`) through playwright-core — no browser download, no network beyond loopback.
 *
 * Served paths: `/` the bundle folder (the page is `index.html`), `/ort/` onnxruntime-web's
 * `dist/` (its wasm files), `/tfjs-wasm/` tfjs-backend-wasm's `dist/`, `/fixtures/` the repo's
 * `test/fixtures/`.
 */
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';

import { build } from 'esbuild';
import { Browser, ConsoleMessage, Page, chromium } from 'playwright-core';

export const ROOT = path.resolve(__dirname, '../..');

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.mjs': 'text/javascript', '.wasm': 'application/wasm',
  '.json': 'application/json', '.css': 'text/css', '.png': 'image/png', '.map': 'application/json',
};

/** Where Chromium is, or null (the tests skip then). */
export function chromiumPath(): string | null {
  const p = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  return fs.existsSync(p) ? p : null;
}

/** Bundles `entries` (page scripts) into `outdir` with an `index.html` loading `main` (a key of entries). */
export async function bundlePage(
  outdir: string, entries: Record<string, string>, options: { external?: string[]; title?: string; minify?: boolean } = {},
): Promise<void> {
  fs.mkdirSync(outdir, { recursive: true });
  await build({
    entryPoints: entries,
    outdir,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2020',
    minify: options.minify ?? false,
    // The non-bundled onnxruntime-web build: it loads its wasm loader from env.wasm.wasmPaths.
    conditions: ['onnxruntime-web-use-extern-wasm'],
    external: options.external ?? [],
    define: { 'process.env.NODE_ENV': '"production"' },
    logLevel: 'error',
  });
  const scripts = Object.keys(entries).map((k) => `<script type="module" src="./${k}.js"></script>`).join('\n');
  fs.writeFileSync(path.join(outdir, 'index.html'), `<!doctype html><html><head><meta charset="utf-8"><title>${options.title ?? 'lstm-bridge'}</title></head><body>\n${scripts}\n</body></html>\n`);
}

/** A static server on 127.0.0.1. */
export interface Served {
  readonly url: string;
  close(): Promise<void>;
}

/** Serves `root` (and the fixed folders above), cross-origin isolated when `isolated`. */
export async function serve(root: string, options: { isolated: boolean }): Promise<Served> {
  const mounts: [string, string][] = [
    ['/ort/', path.join(ROOT, 'node_modules/onnxruntime-web/dist')],
    ['/tfjs-wasm/', path.join(ROOT, 'node_modules/@tensorflow/tfjs-backend-wasm/dist')],
    ['/fixtures/', path.join(ROOT, 'test/fixtures')],
    ['/', root],
  ];
  const server = http.createServer((req, res) => {
    const url = decodeURIComponent((req.url ?? '/').split('?')[0]);
    const [prefix, dir] = mounts.find(([p]) => url.startsWith(p))!;
    let file = path.join(dir, url.slice(prefix.length));
    if (!file.startsWith(dir)) file = dir; // no climbing out
    if (fs.existsSync(file) && fs.statSync(file).isDirectory()) file = path.join(file, 'index.html');
    const headers: Record<string, string> = { 'Cache-Control': 'no-store' };
    if (options.isolated) {
      headers['Cross-Origin-Opener-Policy'] = 'same-origin';
      headers['Cross-Origin-Embedder-Policy'] = 'require-corp';
      headers['Cross-Origin-Resource-Policy'] = 'same-origin';
    }
    if (!fs.existsSync(file)) {
      res.writeHead(404, headers).end('not found');
      return;
    }
    headers['Content-Type'] = TYPES[path.extname(file)] ?? 'application/octet-stream';
    res.writeHead(200, headers);
    fs.createReadStream(file).pipe(res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

/** Chromium headless, offline apart from loopback, software GL for webgl. */
export async function launchChromium(): Promise<Browser> {
  const executablePath = chromiumPath();
  if (!executablePath) throw new Error('no Chromium: install Debian\'s chromium or set CHROMIUM_PATH');
  return chromium.launch({
    executablePath,
    headless: true,
    args: [
      '--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-default-apps',
      '--disable-sync', '--no-first-run', '--disable-features=Translate,MediaRouter,OptimizationHints',
      '--use-angle=swiftshader', '--enable-unsafe-swiftshader', '--ignore-gpu-blocklist',
    ],
  });
}

/** The page's console errors and uncaught exceptions, collected as they come. */
export function collectErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (m: ConsoleMessage) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(String(e)));
  return errors;
}

/**
 * Opens `url` and waits for the page to set `window.__result` (what the page entry reports),
 * failing with the page's errors when it sets `window.__error` or times out.
 */
export async function pageResult<T>(browser: Browser, url: string, timeoutMs = 120000): Promise<{ result: T; page: Page; errors: string[] }> {
  // A fresh context per page (no worker or cache of an earlier page; the caller closes
  // `page.context()`), and no wait for "load".
  const context = await browser.newContext();
  const page = await context.newPage();
  const errors = collectErrors(page);
  await page.goto(url, { waitUntil: 'commit', timeout: timeoutMs });
  try {
    await page.waitForFunction(() => {
      const w = window as unknown as { __result?: unknown; __error?: unknown };
      return w.__result !== undefined || w.__error !== undefined;
    }, undefined, { timeout: timeoutMs, polling: 100 });
  } catch (e) {
    throw new Error(`${url}: no result in ${timeoutMs} ms; page errors: ${errors.join(' | ') || 'none'}`);
  }
  const { result, error } = await page.evaluate(() => {
    const w = window as unknown as { __result?: unknown; __error?: unknown };
    return { result: w.__result, error: w.__error };
  });
  if (error !== undefined) throw new Error(`${url}: the page failed: ${String(error)}; page errors: ${errors.join(' | ') || 'none'}`);
  return { result: result as T, page, errors };
}
