/**
 * The layering of lstm-bridge, enforced (`npm run lint`, run by `.ci/run`). ARCHITECTURE.md is
 * the map; this file is the rule book. Bottom to top:
 *
 *   src/errors.ts <- src/backend <- src/engine <- src/onnx <- src/runtime <- src/nn, src/layers
 *     <- adapters <- src/keras-model <- src/io <- src/cli
 *
 * - nothing imports a layer above its own (`layer-*` rules);
 * - a folder is reached from outside only through its `index.ts` (the package's API) or its
 *   `internal.ts` (for the layers above, not exported by the package) (`deep-import`);
 * - no import cycles between files, type-only imports included (`no-circular`).
 *
 * Tests, benchmarks, scripts and examples may reach anything; they are not cruised.
 */

/** Layers bottom to top; a module may import only its own layer and those listed before it. */
const LAYERS = [
  { name: 'errors', path: '^src/errors\\.ts$' },
  { name: 'backend', path: '^src/backend/' },
  { name: 'engine', path: '^src/engine/' },
  { name: 'onnx', path: '^src/onnx/' },
  { name: 'runtime', path: '^src/runtime/' },
  { name: 'facades', path: '^src/(nn|layers)/' },
  { name: 'adapters', path: '^adapters/' },
  { name: 'keras-model', path: '^src/keras-model/' },
  { name: 'io', path: '^src/io/' },
  { name: 'cli', path: '^src/cli/' },
];

const TESTS = '\\.test\\.ts$';

/**
 * A folder's entries: index.ts, internal.ts, io's second package entry (`lstm-bridge/node`) and
 * its Node-only internal entry (`src/io/node-internal.ts`, the file helpers the Node CLI uses).
 */
const ENTRY = '^((src/[^/]+|adapters)/(index|internal)|src/io/node(-internal)?)\\.ts$';

const layerRules = LAYERS.slice(0, -1).map((layer, k) => ({
  name: `layer-${layer.name}`,
  severity: 'error',
  comment: `${layer.name} sits below ${LAYERS.slice(k + 1).map((l) => l.name).join(', ')}: it must not import them`,
  from: { path: layer.path, pathNot: TESTS },
  to: { path: LAYERS.slice(k + 1).map((l) => l.path) },
}));

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'Import cycles (type-only imports included) make the layering meaningless',
      from: {},
      to: { circular: true },
    },
    ...layerRules,
    {
      name: 'facades-apart',
      severity: 'error',
      comment: 'The two facades share the engine, not each other',
      from: { path: '^src/nn/', pathNot: TESTS },
      to: { path: '^src/layers/' },
    },
    {
      name: 'facades-apart-keras',
      severity: 'error',
      comment: 'The two facades share the engine, not each other',
      from: { path: '^src/layers/', pathNot: TESTS },
      to: { path: '^src/nn/' },
    },
    {
      name: 'deep-import',
      severity: 'error',
      comment: 'Another folder is reached only through its index.ts or internal.ts',
      from: { path: '^src/([^/]+)/', pathNot: TESTS },
      to: {
        path: '^(src/[^/]+/|adapters/)',
        pathNot: ['^src/$1/', ENTRY],
      },
    },
    {
      name: 'deep-import-adapters',
      severity: 'error',
      comment: 'Another folder is reached only through its index.ts or internal.ts',
      from: { path: '^adapters/', pathNot: TESTS },
      to: { path: '^src/[^/]+/', pathNot: ENTRY },
    },
    {
      name: 'index-reexports-only',
      severity: 'error',
      comment: 'The package entry re-exports the folders; nothing imports it back',
      from: { pathNot: ['^src/index\\.ts$', TESTS] },
      to: { path: '^src/(index|public-engine)\\.ts$' },
    },
    {
      name: 'engine-tfjs-core-only',
      severity: 'error',
      comment: 'The engine depends on tfjs only (no file parsers, onnxruntime or node builtins)',
      from: { path: '^src/engine/', pathNot: TESTS },
      to: { dependencyTypes: ['npm', 'npm-dev', 'npm-optional', 'npm-peer', 'core'], pathNot: '^node_modules/@tensorflow/' },
    },
    {
      name: 'backend-tfjs-only',
      severity: 'error',
      comment: 'useFastestBackend depends on tfjs only (it loads the optional backends by name, at call time)',
      from: { path: '^src/backend/', pathNot: TESTS },
      to: { dependencyTypes: ['npm', 'npm-dev', 'npm-optional', 'npm-peer', 'core'], pathNot: '^node_modules/@tensorflow/tfjs-core/' },
    },
    {
      name: 'cli-core-browser-safe',
      comment: 'The CLI\'s bytes core runs in a web page (examples/web): only main, node-files, backend, doctor and progress may use Node builtins or lstm-bridge/node',
      from: { path: '^src/cli/', pathNot: [TESTS, '^src/cli/(main|node-files|backend|doctor|progress)\\.ts$'] },
      to: { dependencyTypes: ['core'] },
    },
    {
      name: 'cli-core-no-io-node',
      comment: 'The CLI\'s bytes core runs in a web page (examples/web): it reads io through src/io/index.ts or internal.ts',
      from: { path: '^src/cli/', pathNot: [TESTS, '^src/cli/(main|node-files|backend|doctor|progress)\\.ts$'] },
      to: { path: '^src/io/node(-internal)?\\.ts$' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(dist|test|bench|scripts|examples)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default', 'types'] },
  },
};
