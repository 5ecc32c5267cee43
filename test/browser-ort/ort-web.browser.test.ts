/**
 * onnxruntime-web as the page's executor, in Chromium: `forwardAsync(..., { executor:
 * 'onnxruntime' })` against the tfjs path on the cpu and wasm backends (tolerance 1e-5), in a
 * page served cross-origin isolated (threads) and in one served without the headers (1 thread),
 * and a bundle without onnxruntime-web (forced: ConfigError naming onnxruntime-web; auto: tfjs
 * with the 'not-installed' reason). Needs Chromium (`/usr/bin/chromium`); skipped without it.
 */
import * as os from 'node:os';
import * as path from 'node:path';
import * as fs from 'node:fs';

import type { Browser } from 'playwright-core';

import { bundlePage, chromiumPath, launchChromium, pageResult, startStaticServer, wasmMounts, type StaticServer } from '../../scripts/browser/harness';

const TOLERANCE = 1e-5;
const withChromium = chromiumPath() ? describe : describe.skip;

interface OrtPageResult {
  backend: string;
  diffs: Record<string, number>;
  executors: string[];
  auto: string;
  sessionsAfterFirst: number;
  sessionsAfterRepeat: number;
  isolated: boolean;
  numThreads: number;
  leaked: number;
}

withChromium('onnxruntime-web in Chromium', () => {
  let browser: Browser;
  let dir: string;
  let isolated: StaticServer;
  let plain: StaticServer;
  let absent: StaticServer;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lstm-bridge-ort-web-'));
    const entry = path.join(__dirname, 'pages/ort-web.ts');
    await bundlePage({ entries: { main: entry }, outDir: path.join(dir, 'with') });
    await bundlePage({ entries: { main: entry }, outDir: path.join(dir, 'without'), external: ['onnxruntime-web'] });
    isolated = await startStaticServer({ '/': path.join(dir, 'with'), ...wasmMounts() }, { crossOriginIsolated: true });
    plain = await startStaticServer({ '/': path.join(dir, 'with'), ...wasmMounts() });
    absent = await startStaticServer({ '/': path.join(dir, 'without'), ...wasmMounts() }, { crossOriginIsolated: true });
    browser = await launchChromium();
  }, 180000);

  afterAll(async () => {
    await browser?.close();
    await Promise.all([isolated, plain, absent].map((s) => s?.close()));
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  for (const [name, served, threads] of [['cross-origin isolated', () => isolated, true], ['not isolated', () => plain, false]] as const) {
    for (const backend of ['cpu', 'wasm']) {
      test(`${name}, tfjs backend ${backend}: onnxruntime-web matches the tfjs path within ${TOLERANCE}`, async () => {
        const { result, page, errors } = await pageResult<OrtPageResult>(browser, `${served().url}/?backend=${backend}`);
        await page.context().close();
        expect(result.backend).toBe(backend);
        expect(result.isolated).toBe(threads);
        if (threads) expect(result.numThreads).toBeGreaterThanOrEqual(2);
        else expect(result.numThreads).toBe(1);
        expect(result.executors).toEqual(['onnxruntime', 'onnxruntime', 'onnxruntime']);
        expect(result.auto).toBe('onnxruntime');
        for (const [what, d] of Object.entries(result.diffs)) {
          expect([what, d]).toEqual([what, expect.any(Number)]);
          expect(d).toBeLessThanOrEqual(TOLERANCE);
        }
        // no state / with state / packed: three sessions, none added by the repeated calls.
        expect(result.sessionsAfterFirst).toBe(3);
        expect(result.sessionsAfterRepeat).toBe(3);
        expect(result.leaked).toBe(0);
        expect(errors.filter((e) => !/404|favicon/.test(e))).toEqual([]);
        // eslint-disable-next-line no-console
        console.log(`${name} ${backend}: threads ${result.numThreads}, max |diff| ${Math.max(...Object.values(result.diffs)).toExponential(2)}`);
      }, 120000);
    }
  }

  test('without onnxruntime-web: forced rejects with a ConfigError naming it, auto falls back to tfjs', async () => {
    const { result, page } = await pageResult<{ forced: string; execution: { executor: string; reason: { kind: string } }; leaked: number; available: boolean }>(
      browser, `${absent.url}/?backend=cpu&absent=1`);
    await page.context().close();
    expect(result.forced).toMatch(/^ConfigError: .*executor 'onnxruntime' needs the optional package onnxruntime-web: onnxruntime-web could not be loaded/);
    expect(result.execution.executor).toBe('tfjs');
    expect(result.execution.reason.kind).toBe('not-installed');
    expect(result.available).toBe(false);
    expect(result.leaked).toBe(0);
  }, 120000);
});
