/**
 * `lstm-bridge doctor`: in-process (its report, line by line) and as a spawned command, as a
 * user runs it. What is installed here decides some lines (tfjs-node cannot install offline);
 * each is checked against an independent look at this machine.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

import { main } from '../src/cli/main';
import { NO_PROGRESS } from '../src/cli/progress';
import { installedVersion } from '../src/cli/doctor';
import { onnxRuntimeAvailable } from '../src/runtime';
import { REPO, runCli } from './helpers/cli';
import { tf, tfjsNodeLoads } from './helpers/tf';

function versionOf(pkg: string): string | null {
  const file = path.join(REPO, 'node_modules', pkg, 'package.json');
  return fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, 'utf8')) as { version: string }).version : null;
}


/** The block of lines of one item: its head line and the indented lines under it. */
function block(lines: string[], name: string): string {
  const k = lines.findIndex((l) => l.startsWith(`  ${name} `));
  if (k < 0) throw new Error(`no line for ${name} in:\n${lines.join('\n')}`);
  let end = k + 1;
  while (end < lines.length && lines[end].startsWith('    ')) end++;
  return lines.slice(k, end).join('\n');
}

function checkReport(lines: string[]): void {
  const text = lines.join('\n');
  expect(lines[0]).toMatch(/^lstm-bridge 0\.1\.0, Node v\d+\.\d+\.\d+, \w+ \w+$/);
  expect(lines[1]).toBe(`tfjs: @tensorflow/tfjs-core ${versionOf('@tensorflow/tfjs-core')}, @tensorflow/tfjs-layers ${versionOf('@tensorflow/tfjs-layers')}`);
  expect(block(lines, 'wasm')).toMatch(new RegExp(`^  wasm +present +${versionOf('@tensorflow/tfjs-backend-wasm')}\\n`));
  expect(block(lines, 'cpu')).toMatch(new RegExp(`^  cpu +present +${versionOf('@tensorflow/tfjs-backend-cpu')}\\n`));
  expect(block(lines, 'webgl')).toMatch(/^ {2}webgl +not here +(-|\d+\.\d+\.\d+)\n {4}why: runs in a browser only/);
  if (tfjsNodeLoads()) {
    expect(block(lines, 'tensorflow')).toMatch(/^ {2}tensorflow +present/);
    expect(text).toContain('useFastestBackend() picks: tensorflow');
  } else {
    expect(block(lines, 'tensorflow')).toMatch(/^ {2}tensorflow +missing +-\n {4}why: @tensorflow\/tfjs-node is not installed or does not load \(.*Cannot find module/);
    expect(text).toContain('useFastestBackend() picks: wasm');
  }
  const ort = block(lines, 'onnxruntime-node');
  if (onnxRuntimeAvailable()) expect(ort).toMatch(new RegExp(`^  onnxruntime-node +present +${versionOf('onnxruntime-node')}\\n`));
  else expect(ort).toMatch(/^ {2}onnxruntime-node +missing .*\n {4}why: onnxruntime-node could not be loaded/);
  expect(ort).toContain('ONNXRUNTIME_NODE_INSTALL=skip');
  expect(block(lines, 'h5wasm')).toMatch(new RegExp(`^  h5wasm +present +${versionOf('h5wasm')}\\n {4}gives: writing Keras .h5 files`));
  for (const line of lines.filter((l) => !l.startsWith('    why: '))) expect(line.length).toBeLessThanOrEqual(100);
}

afterEach(async () => {
  await tf.setBackend('cpu');
});

test('in-process: exit 0, every piece with its version, the backend useFastestBackend picks selected', async () => {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(['doctor'], { stdout: (l) => out.push(l), stderr: (l) => err.push(l), chooseBackend: false, progress: NO_PROGRESS });
  expect(code).toBe(0);
  expect(err).toEqual([]);
  checkReport(out);
  expect(tf.getBackend()).toBe(tfjsNodeLoads() ? 'tensorflow' : 'wasm');
});

test('as a command: the same report on stdout, nothing on stderr', () => {
  const r = runCli('doctor');
  expect(r.status).toBe(0);
  expect(r.stderr.split('\n').filter((l) => l && !/^npm warn/.test(l))).toEqual([]);
  checkReport(r.stdout.trimEnd().split('\n'));
}, 60000);

test('--help names the doctor command', () => {
  const r = runCli('--help');
  expect(r.status).toBe(0);
  expect(r.stdout).toMatch(/lstm-bridge doctor +which optional pieces are here/);
}, 60000);

test('installedVersion finds packages whose exports hide their package.json, and null for absent ones', () => {
  expect(installedVersion('h5wasm', REPO)).toBe(versionOf('h5wasm'));
  expect(installedVersion('no-such-package-lstm-bridge', REPO)).toBeNull();
});
