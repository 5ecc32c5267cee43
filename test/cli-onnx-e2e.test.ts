/**
 * The `lstm-bridge` command with ONNX files as users run it: a separate Node process on
 * `src/cli/main.ts` (like `cli-e2e.test.ts`). `convert x.pt y.onnx --verify`, `inspect y.onnx`,
 * `convert y.onnx x.pt --verify`; each `--verify` runs the ONNX file in onnxruntime-node.
 */
import * as path from 'node:path';

import { runCli } from './helpers/cli';
import { IO_FIXTURES } from './helpers/io-fixtures';
import { tmpDirs } from './helpers/tmp';

const tmp = tmpDirs('lstm-bridge-cli-onnx-e2e-');

const run = runCli;

it('convert x.pt y.onnx --verify, inspect y.onnx, convert y.onnx x.pt --verify', () => {
  const dir = tmp();
  const onnx = path.join(dir, 'lstm.onnx');
  const to = run('convert', path.join(IO_FIXTURES, 'lstm_bidir_2layer.pt'), onnx, '--verify');
  expect(to.status).toBe(0);
  expect(to.stdout).toMatch(/-> .*lstm\.onnx \(onnx\)\nverify: 16 tensors: .* ok\nverify: onnxruntime on .*lstm\.onnx vs the other side's LSTM 'lstm\.' \(output, h_n, c_n\) .* ok/);
  const inspect = run('inspect', onnx);
  expect(inspect.status).toBe(0);
  expect(inspect.stdout).toMatch(/ONNX model \(lstm-bridge, IR 7, opset 14\), 2 LSTM nodes in 1 stack/);
  expect(inspect.stdout).toMatch(/torch: nn\.LSTM\(3, 4, num_layers=2, bidirectional=True\)/);
  const back = run('convert', onnx, path.join(dir, 'back.pt'), '--verify');
  expect(back.status).toBe(0);
  expect(back.stdout).toMatch(/\(onnx\) -> .*back\.pt \(torch\)\nverify: 16 tensors: max abs difference 0\.00e\+0 .* ok\nverify: onnxruntime on .* ok/);
});
