/**
 * The README's code examples, extracted one way for everyone who runs them: `test/readme.test.ts`
 * (against the sources) and `scripts/fresh-user.ts` (against the packed package in a scratch
 * project, compiled by `tsc` and run by plain `node`).
 *
 * An example is a fenced block tagged `ts` (TypeScript, may use top-level `await`) or `js`
 * (plain JavaScript, CommonJS, run as is). A block preceded by `<!-- not run -->` is skipped.
 */

/** The language of an example: the tag of its fence. */
export type ExampleLanguage = 'ts' | 'js';

/** One fenced example of the README. */
export interface ReadmeExample {
  /** 1-based line of the opening fence in the README. */
  readonly line: number;
  readonly language: ExampleLanguage;
  /** The block's text, without the fences. */
  readonly code: string;
}

/** The runnable `ts` and `js` blocks of a Markdown text, in order. */
export function readmeExamples(markdown: string): ReadmeExample[] {
  const examples: ReadmeExample[] = [];
  const re = /(<!-- not run -->\s*)?```(ts|js)\n([\s\S]*?)```/g;
  for (let m = re.exec(markdown); m; m = re.exec(markdown)) {
    if (m[1]) continue;
    const line = markdown.slice(0, m.index + m[0].indexOf('```')).split('\n').length;
    examples.push({ line, language: m[2] as ExampleLanguage, code: m[3] ?? '' });
  }
  return examples;
}

/**
 * A TypeScript example as a module a CommonJS program can run: its `import` lines at the top,
 * the rest inside an async function (so top-level `await` works under any `module` setting),
 * whose promise is exported as `done` (it rejects when the example throws).
 */
export function exampleModule(example: ReadmeExample): string {
  if (example.language !== 'ts') throw new Error(`README example at line ${example.line} is not TypeScript`);
  const lines = example.code.split('\n');
  const imports = lines.filter((l) => /^import\s/.test(l));
  const body = lines.filter((l) => !/^import\s/.test(l));
  return `${imports.join('\n')}\nexport const done = (async () => {\n${body.join('\n')}\n})();\n`;
}

/** A file name for an example: `readme-<line>.ts` or `.js`. */
export function exampleFileName(example: ReadmeExample): string {
  return `readme-${example.line}.${example.language}`;
}

/**
 * What an example says it prints: the text after `// prints ` on each line that has it, in
 * order (one line of stdout each).
 */
export function expectedOutput(example: ReadmeExample): string[] {
  return example.code.split('\n').flatMap((l) => {
    const m = /\/\/ prints (.*)$/.exec(l);
    return m?.[1] !== undefined ? [m[1].trim()] : [];
  });
}

/**
 * The npm packages an example imports (`import ... from 'x'`, `import 'x'`, `require('x')`,
 * `import('x')`), by package name (`@scope/name` or `name`); Node's built-ins left out.
 */
export function importedPackages(example: ReadmeExample): string[] {
  const names = new Set<string>();
  const re = /(?:\bfrom\s+|\bimport\s+|\brequire\(\s*|\bimport\(\s*)(['"])([^'"\n]+)\1/g;
  for (let m = re.exec(example.code); m; m = re.exec(example.code)) {
    const specifier = m[2] ?? '';
    if (specifier.startsWith('.') || specifier.startsWith('/') || specifier.startsWith('node:') || BUILTINS.has(specifier.split('/')[0] ?? '')) continue;
    const parts = specifier.split('/');
    names.add(specifier.startsWith('@') ? parts.slice(0, 2).join('/') : (parts[0] ?? specifier));
  }
  return [...names];
}

const BUILTINS = new Set(['fs', 'path', 'os', 'url', 'util', 'crypto', 'child_process', 'stream', 'events', 'buffer', 'worker_threads', 'assert', 'zlib', 'http', 'https']);
