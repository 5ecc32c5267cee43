/**
 * The browser harness's static server (`scripts/browser/harness/serve.ts`), in Node, no browser:
 * longest mount wins, a folder answers with its index.html, content types, the cross-origin
 * isolation headers only when asked, 403 for a path escaping its folder, 404 otherwise.
 */
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';

import { startStaticServer, wasmMounts, type StaticServer } from '../scripts/browser/harness/serve';

interface Got { status: number; type: string | undefined; headers: http.IncomingHttpHeaders; body: string }

/** A GET of the raw `rawPath` (not normalised by a URL parser, so `..%2f` reaches the server). */
function get(server: StaticServer, rawPath: string): Promise<Got> {
  return new Promise((ok, fail) => {
    const u = new URL(server.url);
    const req = http.request({ host: u.hostname, port: u.port, path: rawPath, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => ok({ status: res.statusCode ?? 0, type: res.headers['content-type'], headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', fail);
    req.end();
  });
}

describe('the browser harness static server', () => {
  let dir: string;
  let plain: StaticServer;
  let isolated: StaticServer;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lstm-bridge-serve-'));
    fs.mkdirSync(path.join(dir, 'site/sub'), { recursive: true });
    fs.mkdirSync(path.join(dir, 'other'));
    fs.writeFileSync(path.join(dir, 'site/index.html'), '<p>root</p>');
    fs.writeFileSync(path.join(dir, 'site/sub/index.html'), '<p>sub</p>');
    fs.writeFileSync(path.join(dir, 'site/style.css'), 'p{}');
    fs.writeFileSync(path.join(dir, 'site/shot.png'), 'png');
    fs.writeFileSync(path.join(dir, 'site/a b.js'), 'export {};');
    fs.writeFileSync(path.join(dir, 'other/x.wasm'), 'wasm');
    fs.writeFileSync(path.join(dir, 'secret.txt'), 'secret');
    const mounts = { '/': path.join(dir, 'site'), '/other/': path.join(dir, 'other') };
    plain = await startStaticServer(mounts);
    isolated = await startStaticServer(mounts, { crossOriginIsolated: true });
  });

  afterAll(async () => {
    await Promise.all([plain?.close(), isolated?.close()]);
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  test('folders answer with index.html; files with their content type; the longest mount wins', async () => {
    expect(plain.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const cases: [string, number, string, string][] = [
      ['/', 200, 'text/html; charset=utf-8', '<p>root</p>'],
      ['/?backend=wasm', 200, 'text/html; charset=utf-8', '<p>root</p>'],
      ['/sub/', 200, 'text/html; charset=utf-8', '<p>sub</p>'],
      ['/style.css', 200, 'text/css; charset=utf-8', 'p{}'],
      ['/shot.png', 200, 'image/png', 'png'],
      ['/a%20b.js', 200, 'text/javascript; charset=utf-8', 'export {};'],
      ['/other/x.wasm', 200, 'application/wasm', 'wasm'],
    ];
    for (const [p, status, type, body] of cases) {
      const r = await get(plain, p);
      expect([p, r.status, r.type, r.body]).toEqual([p, status, type, body]);
      expect(r.headers['cache-control']).toBe('no-store');
    }
  });

  test('a path escaping its folder is refused (403); a missing file is 404', async () => {
    for (const p of ['/..%2fsecret.txt', '/other/..%2f..%2fsecret.txt', '/sub/..%2f..%2f..%2fsecret.txt']) {
      const r = await get(plain, p);
      expect([p, r.status]).toEqual([p, 403]);
      expect(r.body).not.toContain('secret');
    }
    expect((await get(plain, '/nope.js')).status).toBe(404);
  });

  test('the cross-origin isolation headers only when asked', async () => {
    const on = await get(isolated, '/');
    expect([on.headers['cross-origin-opener-policy'], on.headers['cross-origin-embedder-policy'], on.headers['cross-origin-resource-policy']])
      .toEqual(['same-origin', 'require-corp', 'same-origin']);
    const off = await get(plain, '/');
    expect([off.headers['cross-origin-opener-policy'], off.headers['cross-origin-embedder-policy'], off.headers['cross-origin-resource-policy']])
      .toEqual([undefined, undefined, undefined]);
  });

  test('wasmMounts names the folders the pages load wasm from, and they exist', () => {
    const m = wasmMounts();
    expect(Object.keys(m).sort()).toEqual(['/ort/', '/tfjs-wasm/']);
    expect(fs.existsSync(path.join(m['/ort/'] as string, 'ort-wasm-simd-threaded.wasm'))).toBe(true);
    expect(fs.existsSync(path.join(m['/tfjs-wasm/'] as string, 'tfjs-backend-wasm.wasm'))).toBe(true);
  });
});
