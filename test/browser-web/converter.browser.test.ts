/**
 * The converter page (`examples/web/`, built as `npm run build:web` builds it) in Chromium: real
 * files are set on its file input, its inspect text is compared with `lstm-bridge inspect` on
 * the same bytes (run in this process), conversions torch -> keras (.h5), keras -> torch (.pt),
 * torch -> onnx, torch -> tfjs (a zip) are downloaded through the page's link and loaded back
 * here with the library: their outputs equal the source's within 1e-5 on random input. Also: the
 * TF.js download picked again as model.json + weights.bin, a bad file's one-line message (the
 * CLI's), an nn.GRU's .pt to onnx and keras (the CLI core's GRU / RNN branch), and no tensor
 * left behind by the page. Needs `npm run build` (dist/esm) and Chromium.
 *
 * `LSTM_BRIDGE_SCREENSHOT=docs/converter.png` also saves a screenshot of the page after the
 * torch -> keras conversion.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { unzipSync } from 'fflate';
import type { Browser, Page } from 'playwright-core';

import { toKeras } from '../../adapters';
import { disposeOnnxStacks, loadKeras, loadOnnx, loadTfjsModel, loadTorch, readOnnxLstmStacks, saveTorch } from '../../src/io';
import { saveKeras, writeKeras } from '../../src/io/node';
import { GRU, LSTM } from '../../src/nn';
import { buildWeb } from '../../examples/web/build';
import { cli } from '../helpers/cli-in-process';
import { keras2WeightsOnly } from '../helpers/keras-model-fixtures';
import { chromiumPath, collectErrors, launchChromium, startStaticServer, type StaticServer } from '../../scripts/browser/harness';

const TOLERANCE = 1e-5;
const withChromium = chromiumPath() && fs.existsSync(path.join(__dirname, '../../dist/esm/src/cli/commands.js')) ? describe : describe.skip;

type Run = (x: tf.Tensor) => tf.Tensor;
const modelRun = (m: { predict(x: tf.Tensor): unknown }): Run => (x) => m.predict(x) as tf.Tensor;
const lstmRun = (l: LSTM): Run => (x) => l.forward(x)[0] as tf.Tensor;
const gruRun = (g: GRU): Run => (x) => g.forward(x)[0];

/** Max |a(x) - b(x)| on uniform random x of `shape` (checked within the tolerance). */
function sameOutputs(a: Run, b: Run, shape: number[], seed: number): number {
  const d = tf.tidy(() => {
    const x = tf.randomUniform(shape, -1, 1, 'float32', seed);
    const [ya, yb] = [a(x), b(x)];
    expect(ya.shape).toEqual(yb.shape);
    return tf.max(tf.abs(tf.sub(ya, yb))).dataSync()[0];
  });
  expect(d).toBeLessThanOrEqual(TOLERANCE);
  return d;
}

withChromium('the converter page in Chromium', () => {
  let dir: string;
  let served: StaticServer;
  let browser: Browser;
  let page: Page;
  let errors: string[];
  let lstm: LSTM;
  let pt: Uint8Array;
  let h5: Uint8Array;

  beforeAll(async () => {
    await tf.setBackend('cpu');
    (tf.backend() as unknown as { firstUse: boolean }).firstUse = false; // no tfjs-node banner
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lstm-bridge-web-'));
    await buildWeb(path.join(dir, 'site'));
    served = await startStaticServer({ '/': path.join(dir, 'site') });
    browser = await launchChromium();
    const context = await browser.newContext({ acceptDownloads: true, viewport: { width: 980, height: 900 } });
    page = await context.newPage();
    errors = collectErrors(page);
    await page.goto(served.url);
    await page.waitForSelector('body[data-state="empty"]', { timeout: 60000 });
    // The fixtures, made here by the library: an nn.LSTM's .pt, and the Keras .h5 of the same LSTM.
    lstm = new LSTM(3, 4, { numLayers: 2, bidirectional: true, batchFirst: true });
    pt = saveTorch(lstm.stateDict());
    const model = toKeras(lstm);
    h5 = await saveKeras(model, path.join(dir, 'lstm_keras.h5'));
    model.dispose();
    fs.writeFileSync(path.join(dir, 'lstm.pt'), pt);
  }, 240000);

  afterAll(async () => {
    await browser?.close();
    await served?.close();
    lstm?.dispose();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  /** Sets `files` on the page's input and waits for the inspect text (or an error). */
  async function pick(files: { name: string; bytes: Uint8Array }[]): Promise<{ state: string; inspect: string; error: string }> {
    await page.setInputFiles('#files', files.map((f) => ({ name: f.name, mimeType: 'application/octet-stream', buffer: Buffer.from(f.bytes) })));
    await page.waitForSelector('body[data-state="ready"], body[data-state="error"]', { timeout: 60000 });
    return page.evaluate(() => ({
      state: document.body.dataset.state ?? '',
      inspect: document.getElementById('inspect')!.textContent ?? '',
      error: document.getElementById('error')!.hidden ? '' : document.getElementById('error')!.textContent ?? '',
    }));
  }

  /** Converts the picked file to `to` in the page, and downloads the result. */
  async function convert(to: string): Promise<{ text: string; name: string; bytes: Uint8Array }> {
    await page.selectOption('#to', to);
    await page.click('#convert-button');
    await page.waitForSelector('body[data-state="done"], body[data-state="error"]', { timeout: 120000 });
    const state = await page.evaluate(() => document.body.dataset.state);
    const text = await page.textContent('#convert') ?? '';
    const error = await page.evaluate(() => (document.getElementById('error')!.hidden ? '' : document.getElementById('error')!.textContent));
    expect({ state, error }).toEqual({ state: 'done', error: '' });
    expect(await page.evaluate(() => (window as unknown as { __leaked: number }).__leaked)).toBe(0);
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#download')]);
    const file = path.join(dir, `download-${to}`);
    await download.saveAs(file);
    return { text, name: download.suggestedFilename(), bytes: new Uint8Array(fs.readFileSync(file)) };
  }

  /** The verify lines: every one ok, at most 1e-5. */
  function verified(text: string): string[] {
    const lines = text.split('\n').filter((l) => l.startsWith('verify: '));
    expect(lines.length).toBeGreaterThan(0);
    for (const l of lines) expect(l).toMatch(/ ok$/);
    console.log(lines.join('\n'));
    return lines;
  }

  test('a .pt: the inspect text is lstm-bridge inspect\'s; to keras (.h5), the download loads back and matches nn.LSTM within 1e-5', async () => {
    const shown = await pick([{ name: 'lstm.pt', bytes: pt }]);
    expect(shown.state).toBe('ready');
    const fromCli = await cli('inspect', path.join(dir, 'lstm.pt'));
    expect(fromCli.code).toBe(0);
    expect(shown.inspect).toBe(fromCli.out.split(path.join(dir, 'lstm.pt')).join('lstm.pt'));
    expect(shown.inspect).toMatch(/^lstm\.pt: PyTorch state dict/);
    const { text, name, bytes } = await convert('keras');
    expect(name).toBe('lstm.h5');
    expect(text).toMatch(/^lstm\.pt \(torch\) -> lstm\.h5 \(keras\)/);
    verified(text);
    if (process.env.LSTM_BRIDGE_SCREENSHOT) await page.screenshot({ path: process.env.LSTM_BRIDGE_SCREENSHOT, fullPage: true });
    const model = await loadKeras(bytes);
    const d = sameOutputs(modelRun(model), lstmRun(lstm), [2, 5, 3], 1);
    model.dispose();
    console.log(`torch -> keras: max |diff| ${d.toExponential(2)}`);
  }, 180000);

  test('torch -> onnx (verified in onnxruntime-web) and torch -> tfjs (a zip): the downloads load back and match within 1e-5', async () => {
    await pick([{ name: 'lstm.pt', bytes: pt }]);
    const onnx = await convert('onnx');
    expect(onnx.name).toBe('lstm.onnx');
    expect(verified(onnx.text).join('\n')).toMatch(/verify: onnxruntime on lstm\.onnx vs the other side's LSTM/);
    const back = loadOnnx(onnx.bytes);
    const ref = new LSTM(3, 4, { numLayers: 2, bidirectional: true }); // time-major, as torch.onnx.export's layout
    ref.loadStateDict(lstm.stateDict());
    const dOnnx = sameOutputs(lstmRun(back), lstmRun(ref), [5, 2, 3], 2);
    back.dispose();
    ref.dispose();

    const tfjs = await convert('tfjs');
    expect(tfjs.name).toBe('lstm_tfjs.zip');
    const files = unzipSync(tfjs.bytes);
    expect(Object.keys(files).sort()).toEqual(['lstm_tfjs/model.json', 'lstm_tfjs/weights.bin']);
    const json = JSON.parse(new TextDecoder().decode(files['lstm_tfjs/model.json']));
    const model = await loadTfjsModel(json, [files['lstm_tfjs/weights.bin']]);
    const dTfjs = sameOutputs(modelRun(model), lstmRun(lstm), [2, 5, 3], 3);
    model.dispose();
    console.log(`torch -> onnx: max |diff| ${dOnnx.toExponential(2)}; torch -> tfjs: ${dTfjs.toExponential(2)}`);

    // The TF.js download picked again: model.json with its shard.
    const again = await pick([{ name: 'model.json', bytes: files['lstm_tfjs/model.json'] }, { name: 'weights.bin', bytes: files['lstm_tfjs/weights.bin'] }]);
    expect(again.state).toBe('ready');
    expect(again.inspect).toMatch(/^model\.json: TF\.js layers model/);
    const shardless = await pick([{ name: 'model.json', bytes: files['lstm_tfjs/model.json'] }]);
    expect(shardless.error).toBe("lstm-bridge: model.json names the weights file 'weights.bin'; pick it too (got model.json)");
  }, 240000);

  test('a Keras .h5 -> torch (.pt): the download loads back and matches the Keras model within 1e-5', async () => {
    const shown = await pick([{ name: 'lstm_keras.h5', bytes: h5 }]);
    expect(shown.state).toBe('ready');
    const fromCli = await cli('inspect', path.join(dir, 'lstm_keras.h5'));
    expect(shown.inspect).toBe(fromCli.out.split(path.join(dir, 'lstm_keras.h5')).join('lstm_keras.h5'));
    const { text, name, bytes } = await convert('torch');
    expect(name).toBe('lstm_keras.pt');
    verified(text);
    const sd = loadTorch(bytes);
    const back = LSTM.fromStateDict(sd, { prefix: 'lstm.', batchFirst: true });
    tf.dispose(Object.values(sd));
    const keras = await loadKeras(h5);
    const d = sameOutputs(modelRun(keras), lstmRun(back), [2, 5, 3], 4);
    keras.dispose();
    back.dispose();
    console.log(`keras -> torch: max |diff| ${d.toExponential(2)}`);
  }, 180000);

  test('a weights-only Keras .h5 with its model.to_json() file: read as --config reads it; to torch refused as the CLI refuses; to onnx verified', async () => {
    const fx = keras2WeightsOnly();
    const weights = await writeKeras(fx.file, undefined, { nameLists: fx.nameLists });
    const config = new TextEncoder().encode(fx.config!);
    fs.writeFileSync(path.join(dir, 'weights.h5'), weights);
    fs.writeFileSync(path.join(dir, 'arch.json'), config);
    const alone = await pick([{ name: 'weights.h5', bytes: weights }]);
    expect(alone.error).toMatch(/^lstm-bridge: weights\.h5: the file holds weights only .*--config FILE/);
    const shown = await pick([{ name: 'weights.h5', bytes: weights }, { name: 'arch.json', bytes: config }]);
    expect(shown.state).toBe('ready');
    const fromCli = await cli('inspect', path.join(dir, 'weights.h5'), '--config', path.join(dir, 'arch.json'));
    expect(fromCli.code).toBe(0);
    expect(shown.inspect).toBe(fromCli.out.split(path.join(dir, 'weights.h5')).join('weights.h5'));
    // Keras 2's hard_sigmoid has no nn.LSTM: the CLI's refusal, in the page.
    const refused = await cli('convert', path.join(dir, 'weights.h5'), path.join(dir, 'weights.pt'), '--config', path.join(dir, 'arch.json'));
    expect(refused.code).toBe(1);
    await page.selectOption('#to', 'torch');
    await page.click('#convert-button');
    await page.waitForSelector('body[data-state="error"]', { timeout: 60000 });
    expect(await page.textContent('#error')).toBe(refused.err);
    // ONNX takes it, activations included, and onnxruntime-web runs it.
    const { text, name, bytes } = await convert('onnx');
    expect(name).toBe('weights.onnx');
    expect(verified(text).join('\n')).toMatch(/verify: onnxruntime on weights\.onnx vs the other side's LSTM 'lstm_1\+lstm_2'/);
    const [stack] = readOnnxLstmStacks(bytes);
    expect([stack.recurrentActivation, stack.config.numLayers]).toEqual(['hardSigmoid', 2]);
    disposeOnnxStacks([stack]);
  }, 120000);

  test('an nn.GRU .pt (the GRU branch of the CLI core): inspect as the CLI; to onnx verified in onnxruntime-web; to keras (.h5); the downloads match nn.GRU within 1e-5', async () => {
    const gru = new GRU(3, 4, { numLayers: 2, bidirectional: true, batchFirst: true });
    const gruPt = saveTorch(gru.stateDict());
    fs.writeFileSync(path.join(dir, 'gru.pt'), gruPt);
    try {
      const shown = await pick([{ name: 'gru.pt', bytes: gruPt }]);
      expect(shown.state).toBe('ready');
      const fromCli = await cli('inspect', path.join(dir, 'gru.pt'));
      expect(fromCli.code).toBe(0);
      expect(shown.inspect).toBe(fromCli.out.split(path.join(dir, 'gru.pt')).join('gru.pt'));
      expect(shown.inspect).toMatch(/^GRU '[^']*' \(nn\.GRU\)$/m);

      const onnx = await convert('onnx');
      expect(onnx.name).toBe('gru.onnx');
      expect(verified(onnx.text).join('\n')).toMatch(/verify: onnxruntime on gru\.onnx vs the other side's GRU/);
      const back = loadOnnx(onnx.bytes, { kind: 'GRU' });
      const ref = new GRU(3, 4, { numLayers: 2, bidirectional: true }); // time-major, as torch.onnx.export's layout
      ref.loadStateDict(gru.stateDict());
      const dOnnx = sameOutputs(gruRun(back), gruRun(ref), [5, 2, 3], 5);
      back.dispose();
      ref.dispose();

      const keras = await convert('keras');
      expect(keras.name).toBe('gru.h5');
      verified(keras.text);
      const model = await loadKeras(keras.bytes);
      expect(model.layers.filter((l) => /Bidirectional$/.test(l.getClassName())).length).toBe(2); // two bidirectional GRU layers
      const dKeras = sameOutputs(modelRun(model), gruRun(gru), [2, 5, 3], 6);
      model.dispose();
      console.log(`GRU torch -> onnx: max |diff| ${dOnnx.toExponential(2)}; torch -> keras: ${dKeras.toExponential(2)}`);
    } finally {
      gru.dispose();
    }
  }, 240000);

  test('a bad file: the CLI\'s one-line message', async () => {
    const bad = new Uint8Array([0x50, 0x4b, 0x03, 0x04, 1, 2, 3, 4, 5, 6, 7, 8]);
    fs.writeFileSync(path.join(dir, 'broken.pt'), bad);
    const fromCli = await cli('inspect', path.join(dir, 'broken.pt'));
    expect(fromCli.code).toBe(1);
    const shown = await pick([{ name: 'broken.pt', bytes: bad }]);
    expect(shown.state).toBe('error');
    expect(shown.error).toBe(fromCli.err.split(path.join(dir, 'broken.pt')).join('broken.pt'));
    expect(shown.error).toMatch(/^lstm-bridge: [^\n]+$/);
    expect(errors.filter((e) => !/favicon/.test(e))).toEqual([]);
  }, 60000);
});
