/**
 * `npm run test:browser`: the checks of `./checks.ts` in real Chromium on the cpu, wasm and
 * webgl backends (webgl on SwiftShader), compared with the same checks in Node (cpu backend),
 * within the per-backend tolerances below. Prints a table of max |diff| per check group and
 * backend; exits 1 on any failure. `--backends cpu,wasm` picks backends.
 *
 * Tolerances (absolute, on values of order 1): the page's cpu backend is the same JS as Node's
 * (measured 0); wasm computes in float32 with XNNPACK's summation order (measured 1.2e-7);
 * webgl computes in float32 on SwiftShader with its own reductions and packing (measured 5.4e-7,
 * gradients the largest), so it gets 1e-4: a GPU's fragment precision may be coarser.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as tfl from '@tensorflow/tfjs-layers';
import { adapters, io, nn } from '../../src';
import { saveKeras, writeKeras } from '../../src/io/node';
import { keras3MaskedBidirectional } from '../../test/helpers/keras-model-fixtures';
import { runChecks, type CheckFiles, type CheckResults } from './checks';
import { writeImportMapPage } from './import-map';
import { ROOT, bundlePage, esmBuildPlugin, launchChromium, openPage, pageResult, startStaticServer, toBase64, wasmMounts } from './harness';

export const TOLERANCE: Record<string, number> = { cpu: 1e-6, wasm: 1e-5, webgl: 1e-4 };

/**
 * Makes the io fixtures: the repo's .pt and .onnx, the loader tests' Keras 3 `.keras` model, and
 * .safetensors/.h5/model.json written here from the .pt's LSTM.
 */
async function makeFiles(tmp: string): Promise<CheckFiles> {
  const pt = new Uint8Array(readFileSync(join(ROOT, 'test/fixtures/io/lstm_bidir_2layer.pt')));
  const onnx = new Uint8Array(readFileSync(join(ROOT, 'test/fixtures/onnx/torch_lstm_2l_bi.onnx')));
  const sd = io.loadTorch(pt);
  const safetensors = io.saveSafetensors(sd);
  const lstm = nn.LSTM.fromStateDict(sd);
  tf.dispose(Object.values(sd));
  const model = adapters.toKeras(lstm);
  const h5 = await saveKeras(model, join(tmp, 'model.h5'));
  const keras = await writeKeras(keras3MaskedBidirectional().file); // a Keras 3 .keras zip
  const { artifacts } = await io.tfjsModelArtifacts(model);
  const tfjsModelJson = {
    modelTopology: artifacts.modelTopology,
    weightsManifest: [{ paths: ['group1-shard1of1.bin'], weights: artifacts.weightSpecs }],
  };
  const data = artifacts.weightData as ArrayBuffer;
  model.dispose();
  lstm.dispose();
  return { pt, safetensors, h5, keras, tfjsModelJson, tfjsShards: [new Uint8Array(data)], onnx };
}

function maxDiff(a: readonly number[], b: readonly number[]): number {
  if (a.length !== b.length) return Infinity;
  let m = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs((a[i] as number) - (b[i] as number));
    if (!(d <= m)) m = Number.isNaN(d) ? Infinity : d;
  }
  return m;
}

/** Max |diff| per check group (the key up to its second dot: 'nn.forward', 'io.h5', ...). */
export function compare(node: CheckResults, page: CheckResults): Record<string, number> {
  const groups: Record<string, number> = {};
  for (const key of new Set([...Object.keys(node), ...Object.keys(page)])) {
    const group = key.split('.').slice(0, 2).join('.');
    const d = node[key] && page[key] ? maxDiff(node[key] as number[], page[key] as number[]) : Infinity;
    groups[group] = Math.max(groups[group] ?? 0, d);
  }
  return groups;
}

async function main(): Promise<void> {
  const arg = process.argv.indexOf('--backends');
  const backends = arg > 0 ? (process.argv[arg + 1] ?? '').split(',') : ['cpu', 'wasm', 'webgl'];
  const tmp = mkdtempSync(join(tmpdir(), 'lstm-bridge-browser-'));
  await tf.setBackend('cpu');
  void tfl;
  const files = await makeFiles(tmp);
  const node = await runChecks(files);
  const pageFiles = {
    pt: toBase64(files.pt), safetensors: toBase64(files.safetensors), h5: toBase64(files.h5), keras: toBase64(files.keras),
    tfjsModelJson: files.tfjsModelJson, tfjsShards: files.tfjsShards.map(toBase64), onnx: toBase64(files.onnx),
  };
  const plugins = [esmBuildPlugin(ROOT)];
  const title = 'lstm-bridge browser checks';
  await bundlePage({ entries: { page: join(__dirname, 'page.ts') }, outDir: join(tmp, 'page'), title, sourcemap: true, plugins });
  const nnOnly = await bundlePage({ entries: { page: join(__dirname, 'nn-only.ts') }, outDir: join(tmp, 'nn-only'), title, sourcemap: true, plugins });
  // What the bundle carries: inputs with bytes in the output (the metafile's inputs list every file parsed).
  const nnOnlyInputs = Object.values(nnOnly.metafile.outputs).flatMap((o) => Object.entries(o.inputs).filter(([, v]) => v.bytesInOutput > 0).map(([k]) => k));
  const notInNnOnly = ['tfjs-layers', 'jsfive', 'fflate', 'dist/esm/src/io/', 'dist/esm/src/keras-model/', 'dist/esm/src/cli/'].filter((s) => nnOnlyInputs.some((i) => i.includes(s)));
  if (notInNnOnly.length > 0) throw new Error(`the { nn } page bundle carries ${notInNnOnly.join(', ')}`);
  if (!nnOnlyInputs.some((i) => i.includes('dist/esm/'))) throw new Error('the { nn } page bundle is not made of the ESM build');
  await writeImportMapPage(join(tmp, 'import-map'), ROOT);
  const server = await startStaticServer({ '/': join(tmp, 'page'), '/nn-only/': join(tmp, 'nn-only'), '/import-map/': join(tmp, 'import-map'), '/vendor/': join(tmp, 'import-map/vendor'), '/repo/': ROOT, ...wasmMounts() });
  const browser = await launchChromium();
  let failed = node.leaked !== 0;
  const table: Record<string, Record<string, number>> = {};
  try {
    const nnPage = await openPage(browser, `${server.url}/nn-only/index.html`);
    const nnOnlyRun = await nnPage.evaluate(() => (globalThis as unknown as { runNnOnly(): Promise<{ results: CheckResults; leaked: number }> }).runNnOnly());
    const nnKeys = Object.keys(nnOnlyRun.results);
    const nnWorst = Math.max(...Object.values(compare(Object.fromEntries(nnKeys.map((k) => [k, node.results[k] ?? []])), nnOnlyRun.results)));
    const nnOk = nnKeys.length > 0 && nnWorst <= (TOLERANCE['cpu'] as number) && nnOnlyRun.leaked === 0;
    failed ||= !nnOk;
    console.log(`${nnOk ? 'ok  ' : 'FAIL'} { nn }-only bundle (no tfjs-layers; tfjs-core's ESM gradients), cpu: forward, gradients, packed: max |diff| ${nnWorst.toExponential(2)}, leaked tensors ${nnOnlyRun.leaked}`);
    await nnPage.context().close();
    const { result: m, page: mapPage } = await pageResult<{ backend: string; shape: number[]; gradFinite: boolean; gradNonZero: boolean; roundTrip: number }>(browser, `${server.url}/import-map/index.html`);
    const mapOk = m.shape.join() === '5,2,4' && m.gradFinite && m.gradNonZero && m.roundTrip === 0;
    failed ||= !mapOk;
    console.log(`${mapOk ? 'ok  ' : 'FAIL'} import-map page (no bundler, ${m.backend}): nn.LSTM forward ${m.shape.join('x')}, gradient finite and non-zero, safetensors round trip |diff| ${m.roundTrip}`);
    await mapPage.context().close();
    const page = await openPage(browser, `${server.url}/index.html`);
    const webgpu = await page.evaluate(() => (globalThis as unknown as { webgpuExposed(): boolean }).webgpuExposed());
    console.log(`webgpu: ${webgpu ? 'navigator.gpu exposed (not run by this suite)' : 'not exposed by this Chromium (headless, software GL)'}`);
    for (const backend of backends) {
      const started = Date.now();
      const r = await page.evaluate(
        ([b, f]) => (globalThis as unknown as { runChecksOn(b: string, f: unknown): Promise<{ backend: string; results: CheckResults; leaked: number }> }).runChecksOn(b, f),
        [backend, pageFiles] as const,
      );
      if (r.backend !== backend) throw new Error(`asked for ${backend}, page ran on ${r.backend}`);
      table[backend] = compare(node.results, r.results);
      const worst = Math.max(...Object.values(table[backend] as Record<string, number>));
      const ok = worst <= (TOLERANCE[backend] ?? 0) && r.leaked === 0;
      failed ||= !ok;
      console.log(`${ok ? 'ok  ' : 'FAIL'} ${backend}: max |diff| ${worst.toExponential(2)} (tolerance ${TOLERANCE[backend]}), leaked tensors ${r.leaked}, ${Date.now() - started} ms`);
    }
  } finally {
    await browser.close();
    await server.close();
    rmSync(tmp, { recursive: true, force: true });
  }
  const groups = Object.keys(table[backends[0] as string] ?? {});
  console.log(`\n| check | ${backends.join(' | ')} |\n|---|${backends.map(() => '---|').join('')}`);
  for (const g of groups) console.log(`| ${g} | ${backends.map((b) => (table[b]?.[g] ?? NaN).toExponential(1)).join(' | ')} |`);
  console.log(`| tolerance | ${backends.map((b) => TOLERANCE[b]).join(' | ')} |`);
  if (node.leaked !== 0) console.log(`FAIL node reference leaked ${node.leaked} tensors`);
  process.exitCode = failed ? 1 : 0;
}

if (require.main === module) {
  main().catch((e: unknown) => { console.error(e); process.exitCode = 1; });
}
