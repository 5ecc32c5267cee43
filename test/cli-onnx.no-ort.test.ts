/**
 * `lstm-bridge convert ... --verify` with ONNX files where onnxruntime-node is not installed
 * (simulated by a loader that finds nothing): the conversion and the tensor comparison still
 * run; the onnxruntime check is skipped with a note on stderr, not a failure.
 */
import * as path from 'node:path';

import { main } from '../src/cli/main';
import { NO_PROGRESS } from '../src/cli/progress';
import { IO_FIXTURES } from './helpers/io-fixtures';
import { tmpDirs } from './helpers/tmp';
import './helpers/tf';

jest.mock('../src/runtime/ort-runtime', () => ({
  loadOnnxRuntime: () => null,
  onnxRuntimeAvailable: () => false,
  onnxRuntimeUnavailableReason: () => 'onnxruntime-node could not be loaded: Cannot find module',
}));

const tmp = tmpDirs('lstm-bridge-cli-no-ort-');

test('convert x.pt y.onnx --verify without onnxruntime: exit 0, a note, the tensors compared', async () => {
  const out: string[] = [];
  const err: string[] = [];
  const target = path.join(tmp(), 'y.onnx');
  const code = await main(['convert', path.join(IO_FIXTURES, 'lstm_bidir_2layer.pt'), target, '--verify'], {
    stdout: (l) => out.push(l), stderr: (l) => err.push(l), chooseBackend: false, progress: NO_PROGRESS,
  });
  expect(code).toBe(0);
  expect(out.join('\n')).toMatch(/verify: 16 tensors: max abs difference 0\.00e\+0 .* ok/);
  expect(out.join('\n')).not.toMatch(/onnxruntime on/);
  expect(err.join('\n')).toMatch(/note: .*y\.onnx was not run in onnxruntime: onnxruntime-node could not be loaded: Cannot find module/);
});
