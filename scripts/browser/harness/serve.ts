/**
 * The one static server of the browser suites: folders on loopback under URL prefixes, optionally
 * cross-origin isolated, nothing outside the mounted folders.
 */
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { extname, join, normalize, resolve, sep } from 'node:path';

/** The repository's root folder. */
export const ROOT = resolve(__dirname, '../../..');

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.wasm': 'application/wasm',
  '.css': 'text/css; charset=utf-8',
  '.png': 'image/png',
};

/**
 * The wasm files the pages load, by the prefixes they give them: `/ort/` onnxruntime-web's
 * `dist/` (`setOnnxRuntimeWasmPaths('/ort/')`), `/tfjs-wasm/` tfjs-backend-wasm's `dist/`
 * (`setWasmPaths('/tfjs-wasm/')`).
 */
export function wasmMounts(): Record<string, string> {
  return {
    '/ort/': join(ROOT, 'node_modules/onnxruntime-web/dist'),
    '/tfjs-wasm/': join(ROOT, 'node_modules/@tensorflow/tfjs-backend-wasm/dist'),
  };
}

export interface StaticServer {
  /** `http://127.0.0.1:<port>` (no trailing slash). */
  readonly url: string;
  close(): Promise<void>;
}

export interface StaticServerOptions {
  /** Send COOP/COEP/CORP so the page is cross-origin isolated (SharedArrayBuffer, wasm threads). */
  crossOriginIsolated?: boolean;
}

/**
 * Serves folders on 127.0.0.1: `mounts` maps a URL prefix ending in '/' to a folder
 * (`{ '/': outDir, ...wasmMounts() }`); the longest matching prefix wins; a folder's
 * `index.html` answers for it. Paths escaping their folder get 403, unknown ones 404.
 */
export async function startStaticServer(mounts: Record<string, string>, options: StaticServerOptions = {}): Promise<StaticServer> {
  const prefixes = Object.keys(mounts).sort((a, b) => b.length - a.length);
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    const prefix = prefixes.find((p) => path.startsWith(p));
    const headers: Record<string, string> = { 'cache-control': 'no-store' };
    if (options.crossOriginIsolated) {
      headers['cross-origin-opener-policy'] = 'same-origin';
      headers['cross-origin-embedder-policy'] = 'require-corp';
      headers['cross-origin-resource-policy'] = 'same-origin';
    }
    if (prefix === undefined) { res.writeHead(404, headers).end('not found'); return; }
    const root = resolve(mounts[prefix] as string);
    let file = normalize(join(root, path.slice(prefix.length)));
    if (file !== root && !file.startsWith(root + sep)) { res.writeHead(403, headers).end('forbidden'); return; }
    if (existsSync(file) && statSync(file).isDirectory()) file = join(file, 'index.html');
    if (!existsSync(file)) { res.writeHead(404, headers).end('not found'); return; }
    headers['content-type'] = TYPES[extname(file)] ?? 'application/octet-stream';
    res.writeHead(200, headers);
    createReadStream(file).pipe(res);
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('static server: no port');
  return {
    url: `http://127.0.0.1:${address.port}`,
    close: () => new Promise<void>((ok) => {
      server.closeAllConnections();
      server.close(() => ok());
    }),
  };
}
