/**
 * A new user's first run, scripted (called by `.ci/run`; needs the npm registry, nothing else):
 *
 * 1. `npm pack` this repository (its `prepack` builds `dist/`).
 * 2. A scratch project in a temporary directory: `npm install` of the tarball beside its peers
 *    (`peerDependencies`, at the versions this repository develops against), TypeScript,
 *    `@types/node` and whatever else the examples import (pinned in package.json), with
 *    `ONNXRUNTIME_NODE_INSTALL=skip` (onnxruntime-node's install script would otherwise try to
 *    download CUDA files; its CPU binaries ship in its package).
 * 3. The installed package: every path its `main`, `types`, `bin`, `exports` and `typesVersions`
 *    name exists, and every source map (there should be none) resolves to shipped files.
 * 4. The README's examples (scripts/readme-examples.ts, the extraction test/readme.test.ts uses)
 *    are written into the project and compiled by the project's `tsc` under each
 *    `moduleResolution` (`node`, `node16`, `bundler`), with `strict` and with `strict` plus
 *    `exactOptionalPropertyTypes` and `noUncheckedIndexedAccess`, lib checks on. Errors inside
 *    `@tensorflow/*`'s own declarations are counted and tolerated (tfjs's `.d.ts` files do not
 *    pass `strict` lib checks, so its users set `skipLibCheck`); any other error fails.
 * 5. Plain `node` runs each compiled TypeScript example and each JavaScript example as is, one
 *    process each: it must exit 0, print on stderr nothing but tfjs's own banner, and print
 *    what the example's `// prints` comments say.
 *
 * Usage: `npx ts-node --transpile-only scripts/fresh-user.ts [--keep]` (`--keep` leaves the
 * scratch project in place and prints its path).
 */
import { SpawnSyncOptions, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

import { withoutTfjsBanner } from './library-output';
import { ReadmeExample, exampleFileName, exampleModule, expectedOutput, importedPackages, readmeExamples } from './readme-examples';

const REPO = path.join(__dirname, '..');
const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm';

interface PackageJson {
  name: string;
  main?: string;
  types?: string;
  bin?: Record<string, string>;
  exports?: unknown;
  typesVersions?: Record<string, Record<string, string[]>>;
  peerDependencies?: Record<string, string>;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
}

class FreshUserFailure extends Error {}

function log(line: string): void {
  process.stdout.write(`fresh-user: ${line}\n`);
}

function run(command: string, args: string[], options: SpawnSyncOptions & { cwd: string }): { stdout: string; stderr: string; status: number | null } {
  const r = spawnSync(command, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, ...options });
  if (r.error) throw new FreshUserFailure(`${command} ${args.join(' ')}: ${r.error.message}`);
  return { stdout: String(r.stdout), stderr: String(r.stderr), status: r.status };
}

function runOrFail(command: string, args: string[], options: SpawnSyncOptions & { cwd: string }): string {
  const r = run(command, args, options);
  if (r.status !== 0) {
    throw new FreshUserFailure(`${command} ${args.join(' ')} exited with ${r.status} in ${options.cwd}:\n${r.stdout}${r.stderr}`);
  }
  return r.stdout;
}

function readJson<T>(file: string): T {
  return JSON.parse(fs.readFileSync(file, 'utf8')) as T;
}

/**
 * `name@version` of what the scratch project installs beside the tarball: the peers, TypeScript
 * and @types/node, plus any other package the README's examples import (as a user copying them
 * would install it), each at the version this repository pins.
 */
function scratchDependencies(pkg: PackageJson, examples: readonly ReadmeExample[]): string[] {
  const pinned = { ...pkg.optionalDependencies, ...pkg.dependencies, ...pkg.devDependencies };
  const names = new Set([...Object.keys(pkg.peerDependencies ?? {}), 'typescript', '@types/node']);
  for (const e of examples) {
    for (const name of importedPackages(e)) {
      if (name === pkg.name || names.has(name)) continue;
      log(`README example at line ${e.line} imports ${name}: installed beside the peers`);
      names.add(name);
    }
  }
  return [...names].map((name) => {
    const version = pinned[name];
    if (!version) throw new FreshUserFailure(`package.json pins no version of ${name} (a peer, or imported by a README example)`);
    return `${name}@${version}`;
  });
}

function pack(into: string): string {
  log('npm pack (prepack builds dist/)');
  const out = runOrFail(NPM, ['pack', '--silent', '--pack-destination', into], { cwd: REPO }).trim().split('\n');
  const tarball = path.join(into, out[out.length - 1] ?? '');
  if (!fs.existsSync(tarball)) throw new FreshUserFailure(`npm pack did not write ${tarball}`);
  return tarball;
}

function install(project: string, tarball: string, dependencies: string[]): void {
  fs.writeFileSync(path.join(project, 'package.json'), `${JSON.stringify({ name: 'fresh-user', version: '1.0.0', private: true }, null, 2)}\n`);
  log(`npm install ${path.basename(tarball)} ${dependencies.join(' ')} (ONNXRUNTIME_NODE_INSTALL=skip)`);
  runOrFail(NPM, ['install', '--no-audit', '--no-fund', tarball, ...dependencies], {
    cwd: project,
    env: { ...process.env, ONNXRUNTIME_NODE_INSTALL: 'skip' },
    timeout: 15 * 60_000,
  });
}

/** Every path a package.json field names, as written (`./dist/...` or `dist/...`). */
function declaredPaths(pkg: PackageJson): string[] {
  const paths: string[] = [];
  const walk = (v: unknown): void => {
    if (typeof v === 'string') paths.push(v);
    else if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') Object.values(v).forEach(walk);
  };
  walk([pkg.main, pkg.types, pkg.bin, pkg.exports, pkg.typesVersions]);
  return paths.filter((p) => !p.includes('*'));
}

function checkInstalledPackage(dir: string): void {
  const pkg = readJson<PackageJson>(path.join(dir, 'package.json'));
  const missing = declaredPaths(pkg).filter((p) => !fs.existsSync(path.join(dir, p)));
  if (missing.length) throw new FreshUserFailure(`the package names files it does not ship: ${missing.join(', ')}`);
  const files: string[] = [];
  const walk = (d: string): void => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else files.push(p);
    }
  };
  walk(dir);
  const broken: string[] = [];
  for (const file of files) {
    if (file.endsWith('.map')) {
      const map = readJson<{ sources?: string[]; sourceRoot?: string }>(file);
      for (const s of map.sources ?? []) {
        const source = path.resolve(path.dirname(file), map.sourceRoot ?? '', s);
        if (!fs.existsSync(source)) broken.push(`${path.relative(dir, file)} -> ${path.relative(dir, source)}`);
      }
    } else if (/\.(c|m)?js$/.test(file)) {
      const m = /\/\/# sourceMappingURL=(\S+)\s*$/.exec(fs.readFileSync(file, 'utf8'));
      if (m?.[1] && !m[1].startsWith('data:') && !fs.existsSync(path.resolve(path.dirname(file), m[1]))) {
        broken.push(`${path.relative(dir, file)} -> ${m[1]}`);
      }
    }
  }
  if (broken.length) throw new FreshUserFailure(`source maps that point to files the package does not ship:\n  ${broken.join('\n  ')}`);
  const maps = files.filter((f) => f.endsWith('.map')).length;
  log(`the installed package: ${files.length} files, every declared entry present, ${maps} source maps`);
}

interface TscSetting {
  readonly name: string;
  readonly options: Record<string, unknown>;
}

const RESOLUTIONS: readonly TscSetting[] = [
  { name: 'node', options: { module: 'commonjs', moduleResolution: 'node' } },
  { name: 'node16', options: { module: 'node16', moduleResolution: 'node16' } },
  { name: 'bundler', options: { module: 'esnext', moduleResolution: 'bundler' } },
];
const STRICTNESS: readonly TscSetting[] = [
  { name: 'strict', options: { strict: true } },
  { name: 'strict+exactOptional+noUncheckedIndexed', options: { strict: true, exactOptionalPropertyTypes: true, noUncheckedIndexedAccess: true } },
];

/** Compiles the examples under one setting; emits to `out/` when asked. Returns tolerated error count. */
function typeCheck(project: string, resolution: TscSetting, strictness: TscSetting, emit: boolean): number {
  const name = `tsconfig.${resolution.name}.${strictness.name.replace(/\W+/g, '-')}.json`;
  const compilerOptions = {
    target: 'ES2020',
    lib: ['ES2020', 'DOM'],
    esModuleInterop: true,
    skipLibCheck: false,
    ...resolution.options,
    ...strictness.options,
    ...(emit ? { outDir: 'out', rootDir: 'examples' } : { noEmit: true }),
  };
  fs.writeFileSync(path.join(project, name), `${JSON.stringify({ compilerOptions, include: ['examples/*.ts'] }, null, 2)}\n`);
  const r = run(process.execPath, [path.join(project, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', name, '--pretty', 'false'], { cwd: project });
  const errors = r.stdout.split('\n').filter((l) => /error TS\d+/.test(l));
  const tolerated = errors.filter((l) => l.startsWith(`node_modules${path.sep}@tensorflow${path.sep}`) || l.startsWith('node_modules/@tensorflow/'));
  const failing = errors.filter((l) => !tolerated.includes(l));
  if (failing.length || (r.status !== 0 && errors.length === 0)) {
    throw new FreshUserFailure(`tsc -p ${name}:\n${failing.join('\n') || r.stdout + r.stderr}`);
  }
  log(`tsc, moduleResolution ${resolution.name}, ${strictness.name}: the README's examples compile (${tolerated.length} errors in @tensorflow's own .d.ts ignored)`);
  return tolerated.length;
}

function runExample(project: string, example: ReadmeExample): void {
  const file = example.language === 'ts' ? path.join('out', exampleFileName(example).replace(/\.ts$/, '.js')) : path.join('examples', exampleFileName(example));
  const args = example.language === 'ts' ? ['run-example.js', file] : [file];
  const r = run(process.execPath, args, { cwd: project, timeout: 10 * 60_000 });
  const where = `README example at line ${example.line} (${example.language}), node ${args.join(' ')}`;
  if (r.status !== 0) throw new FreshUserFailure(`${where} exited with ${r.status}:\n${r.stdout}${r.stderr}`);
  const printed = withoutTfjsBanner(r.stderr);
  if (printed !== '') throw new FreshUserFailure(`${where} printed on stderr:\n${printed}`);
  const expected = expectedOutput(example);
  const stdout = r.stdout.trim().split('\n');
  if (expected.length && JSON.stringify(stdout) !== JSON.stringify(expected)) {
    throw new FreshUserFailure(`${where} printed\n${r.stdout}\ninstead of what the README says:\n${expected.join('\n')}`);
  }
  log(`${where}: ok${expected.length ? `, printed the ${expected.length} lines the README says` : ''}`);
}

function freshUser(keep: boolean): void {
  const pkg = readJson<PackageJson>(path.join(REPO, 'package.json'));
  const examples = readmeExamples(fs.readFileSync(path.join(REPO, 'README.md'), 'utf8'));
  if (!examples.some((e) => e.language === 'ts') || !examples.some((e) => e.language === 'js')) {
    throw new FreshUserFailure('README.md: expected TypeScript and JavaScript examples');
  }
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'lstm-bridge-fresh-user-'));
  const project = path.join(root, 'project');
  fs.mkdirSync(path.join(project, 'examples'), { recursive: true });
  try {
    const tarball = pack(root);
    install(project, tarball, scratchDependencies(pkg, examples));
    checkInstalledPackage(path.join(project, 'node_modules', ...pkg.name.split('/')));
    for (const e of examples) {
      fs.writeFileSync(path.join(project, 'examples', exampleFileName(e)), e.language === 'ts' ? exampleModule(e) : e.code);
    }
    fs.writeFileSync(
      path.join(project, 'run-example.js'),
      "require(require('path').resolve(process.argv[2])).done.catch((e) => { console.error(e); process.exitCode = 1; });\n",
    );
    for (const resolution of RESOLUTIONS) {
      for (const strictness of STRICTNESS) typeCheck(project, resolution, strictness, resolution.name === 'node' && strictness.name === 'strict');
    }
    for (const e of examples) runExample(project, e);
    log(`done: ${examples.length} README examples compiled and ran against the packed package`);
  } finally {
    if (keep) log(`kept ${project}`);
    else fs.rmSync(root, { recursive: true, force: true });
  }
}

try {
  freshUser(process.argv.includes('--keep'));
} catch (e) {
  if (!(e instanceof FreshUserFailure)) throw e;
  process.stderr.write(`fresh-user: FAILED: ${e.message}\n`);
  process.exitCode = 1;
}
