/**
 * `npm run sizes` (after `npm run build`): what a user's browser bundle of lstm-bridge weighs.
 * esbuild `--bundle --minify --platform=browser --format=esm` of a one-line entry importing the
 * package by name (the ESM build through its `exports`), tfjs-core / tfjs-layers / the backend
 * and the parsers bundled as a user's bundler would. Prints a markdown table (minified and gzip
 * sizes, and which packages each bundle carries); `--write` also saves it to
 * bench/results/bundle-sizes.md.
 */
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build, type Metafile } from 'esbuild';

const ROOT = resolve(__dirname, '..');

export const ENTRIES: Record<string, string> = {
  '{ nn }': "import { nn } from 'lstm-bridge'; globalThis.out = nn;",
  '{ layers }': "import { layers } from 'lstm-bridge'; globalThis.out = layers;",
  '{ io }': "import { io } from 'lstm-bridge'; globalThis.out = io;",
  'everything (`import * as lb`)': "import * as lb from 'lstm-bridge'; globalThis.out = lb;",
};

function packageOf(path: string): string {
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path);
  return m ? m[1] as string : 'lstm-bridge';
}

/** Minified bytes per package, from esbuild's metafile (the output's bytesInOutput per input). */
function byPackage(meta: Metafile): Record<string, number> {
  const sizes: Record<string, number> = {};
  for (const out of Object.values(meta.outputs)) {
    for (const [input, { bytesInOutput }] of Object.entries(out.inputs)) {
      const p = packageOf(input);
      sizes[p] = (sizes[p] ?? 0) + bytesInOutput;
    }
  }
  return sizes;
}

export interface BundleSize { minified: number; gzip: number; packages: Record<string, number> }

export async function bundleSize(contents: string): Promise<BundleSize> {
  const r = await build({
    stdin: { contents, resolveDir: ROOT, loader: 'js' },
    bundle: true, minify: true, platform: 'browser', format: 'esm', write: false, metafile: true, logLevel: 'error',
  });
  const code = r.outputFiles[0]?.contents ?? new Uint8Array();
  return { minified: code.byteLength, gzip: gzipSync(code, { level: 9 }).byteLength, packages: byPackage(r.metafile) };
}

const kib = (n: number): string => `${(n / 1024).toFixed(0)} KiB`;

async function main(): Promise<void> {
  const rows: [string, BundleSize][] = [];
  for (const [name, src] of Object.entries(ENTRIES)) rows.push([name, await bundleSize(src)]);
  const all = (rows[rows.length - 1] as [string, BundleSize])[1];
  const lines = [
    '| import | minified | gzip | of everything | packages in the bundle (minified) |',
    '|---|---|---|---|---|',
    ...rows.map(([name, s]) => `| \`${name}\` | ${kib(s.minified)} | ${kib(s.gzip)} | ${((100 * s.minified) / all.minified).toFixed(0)}% | ${Object.entries(s.packages).sort((a, b) => b[1] - a[1]).map(([p, n]) => `${p} ${kib(n)}`).join(', ')} |`),
  ];
  const table = lines.join('\n');
  console.log(table);
  if (process.argv.includes('--write')) {
    const note = 'esbuild 0.28 `--bundle --minify --platform=browser --format=esm` of the one-line entry, lstm-bridge through its ESM build, tfjs 4.22 bundled; gzip -9. Made by `npm run build && npm run sizes -- --write`.';
    writeFileSync(join(ROOT, 'bench/results/bundle-sizes.md'), `# Browser bundle sizes\n\n${note}\n\n${table}\n`);
  }
  const nn = (rows[0] as [string, BundleSize])[1];
  if (nn.minified >= 0.7 * all.minified) { console.error(`{ nn } is ${((100 * nn.minified) / all.minified).toFixed(0)}% of everything (goal < 70%)`); process.exitCode = 1; }
}

if (require.main === module) main().catch((e: unknown) => { console.error(e); process.exitCode = 1; });
