/**
 * `npm run bench:browser`: the browser bench in Chromium (Debian's, through playwright-core).
 * Bundles `./page.ts`, serves it from 127.0.0.1 cross-origin isolated (so onnxruntime-web runs
 * with threads), opens one page per tfjs backend (cpu, wasm, webgl; onnxruntime-web rows in the
 * wasm page), and writes `bench/results/<date>-browser.{json,md}`: per shape and mode, the
 * time of lstm-bridge's tfjs path and of tf.layers.lstm on the same backend in the same page,
 * their ratio, and lstm-bridge through onnxruntime-web against tf.layers.lstm on wasm and
 * against lstm-bridge's tfjs-wasm path. webgl runs on Chromium's software renderer here: its
 * ratios mean something, its times do not (the table shows ratios only).
 *
 * Usage: bench:browser [--quick] [--backends cpu,wasm,webgl]
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { ROOT, bundlePage, launchChromium, pageResult, startStaticServer, wasmMounts } from '../../scripts/browser/harness';
import { SHAPES, STREAM, shapeLabel } from '../shapes';

interface Row { system: string; shape: string; mode: 'forward' | 'train'; ms: number; samples: number }
interface PageOut { backend: string; isolated: boolean; ortThreads: number | null; rows: Row[]; leaked: number; leaks: Record<string, number>; userAgent: string }

const BRIDGE = 'lstm-bridge';
const TFL = 'tf.layers.lstm';
const ORT = 'lstm-bridge ort-web';
const ORT_ALONE = 'onnxruntime-web alone';

function label(id: string): string {
  if (id === STREAM.id) return `stream (B${STREAM.B} I${STREAM.I} H${STREAM.H}, one step)`;
  const s = SHAPES.find((x) => x.id === id);
  return s ? shapeLabel(s) : id;
}

function ms(x: number | undefined): string {
  return x === undefined ? '-' : x < 10 ? x.toFixed(2) : x.toFixed(1);
}

function ratio(a: number | undefined, b: number | undefined): string {
  return a === undefined || b === undefined ? '-' : `${(a / b).toFixed(2)}×`;
}

function table(out: PageOut): string[] {
  const get = (system: string, shape: string, mode: string) => out.rows.find((r) => r.system === system && r.shape === shape && r.mode === mode)?.ms;
  const soft = out.backend === 'webgl';
  const hasOrt = out.rows.some((r) => r.system === ORT);
  const head = soft
    ? ['workload', 'mode', `${TFL} / ${BRIDGE} (speed-up)`]
    : ['workload', 'mode', `${BRIDGE} ms`, `${TFL} ms`, 'speed-up', ...(hasOrt ? [`${ORT} ms`, `vs ${TFL}`, `vs ${BRIDGE} tfjs`, `${ORT_ALONE} ms`] : [])];
  const lines = [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`];
  const keys = [...new Set(out.rows.map((r) => `${r.shape}|${r.mode}`))];
  for (const k of keys) {
    const [shape, mode] = k.split('|');
    if (shape === STREAM.id) continue;
    const b = get(BRIDGE, shape, mode);
    const t = get(TFL, shape, mode);
    const o = get(ORT, shape, mode);
    const cells = soft ? [ratio(t, b)] : [ms(b), ms(t), ratio(t, b), ...(hasOrt ? [ms(o), ratio(t, o), ratio(b, o), ms(get(ORT_ALONE, shape, mode))] : [])];
    lines.push(`| ${label(shape)} | ${mode} | ${cells.join(' | ')} |`);
  }
  return [...lines, '', ...streamTable(out)];
}

/** The streaming row of every system in the page, each against tf.layers.lstm. */
function streamTable(out: PageOut): string[] {
  const rows = out.rows.filter((r) => r.shape === STREAM.id);
  const t = rows.find((r) => r.system === TFL)?.ms;
  const soft = out.backend === 'webgl';
  const head = soft ? [`${label(STREAM.id)}`, `${TFL} / it (speed-up)`] : [`${label(STREAM.id)}`, 'ms per step', `${TFL} / it (speed-up)`];
  const lines = [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`];
  for (const r of rows) {
    const name = r.system === BRIDGE ? 'lstm-bridge nn.LSTM.forward' : r.system === ORT ? 'lstm-bridge ort-web (lstmStackAsync)' : r.system;
    lines.push(`| ${name} | ${soft ? ratio(t, r.ms) : `${ms(r.ms)} | ${ratio(t, r.ms)}`} |`);
  }
  return lines;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const quick = args.includes('--quick');
  const bi = args.indexOf('--backends');
  const backends = bi >= 0 ? args[bi + 1].split(',') : ['wasm', 'cpu', 'webgl'];
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lstm-bridge-bench-browser-'));
  await bundlePage({ entries: { main: path.join(__dirname, 'page.ts') }, outDir: dir, minify: true });
  const served = await startStaticServer({ '/': dir, ...wasmMounts() }, { crossOriginIsolated: true });
  const browser = await launchChromium();
  const pages: PageOut[] = [];
  try {
    for (const backend of backends) {
      const t0 = Date.now();
      const { result, page } = await pageResult<PageOut>(browser, `${served.url}/?backend=${backend}&ort=${backend === 'wasm' ? 1 : 0}&quick=${quick ? 1 : 0}`, 1800000);
      await page.context().close();
      pages.push(result);
      console.log(`${backend}: ${result.rows.length} rows in ${((Date.now() - t0) / 1000).toFixed(0)} s (isolated ${result.isolated}, ort-web threads ${result.ortThreads ?? '-'}, tensors left ${result.leaked} ${JSON.stringify(result.leaks)})`);
    }
  } finally {
    await browser.close();
    await served.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
  const date = new Date().toISOString().slice(0, 10);
  const base = path.join(ROOT, 'bench/results', `${date}-browser${quick ? '-quick' : ''}${bi >= 0 ? `-${backends.join('-')}` : ''}`);
  const chromium = /Chrome\/([\d.]+)/.exec(pages[0]?.userAgent ?? '')?.[1] ?? '?';
  fs.writeFileSync(`${base}.json`, `${JSON.stringify({ date, quick, cores: os.cpus().length, chromium, pages }, null, 1)}\n`);
  const md = [
    `# Browser bench, ${date}${quick ? ' (quick)' : ''}`,
    '',
    `Chromium ${chromium} headless, ${os.cpus().length} cores, page cross-origin isolated; medians in ms; speed-up = tf.layers.lstm time / ours (same backend, same page).`,
    'webgl runs on Chromium\'s software renderer (SwiftShader) here: ratios only.',
    '',
  ];
  for (const p of pages) {
    md.push(`## ${p.backend}${p.ortThreads ? ` (onnxruntime-web: ${p.ortThreads} threads)` : ''}`, '', ...table(p), '');
  }
  fs.writeFileSync(`${base}.md`, `${md.join('\n')}\n`);
  console.log(md.join('\n'));
  console.log(`written: ${path.relative(ROOT, base)}.{json,md}`);
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
