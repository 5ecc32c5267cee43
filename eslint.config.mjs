// ESLint over the library's sources (`npm run lint`). The layering itself (cycles, upward and
// deep imports) is checked by dependency-cruiser: `.dependency-cruiser.js`.
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**'] },
  {
    files: ['src/**/*.ts', 'adapters/**/*.ts'],
    extends: [tseslint.configs.recommended],
    rules: {
      // One concern a file: a source file stays under 450 lines.
      'max-lines': ['error', { max: 450 }],
      // Named exports only.
      'no-restricted-syntax': ['error', { selector: 'ExportDefaultDeclaration', message: 'Use named exports.' }],
      '@typescript-eslint/consistent-type-imports': 'off',
      // The library prints nothing by itself (no warnings, banners or stack traces): errors are
      // thrown, typed. Only the CLI writes to the terminal (test/library-output.test.ts).
      'no-console': 'error',
      'no-restricted-properties': [
        'error',
        ...['stdout', 'stderr', 'emitWarning'].map((property) => ({
          object: 'process',
          property,
          message: 'The library prints nothing; throw a typed LstmBridgeError (only src/cli writes to the terminal).',
        })),
      ],
    },
  },
  {
    files: ['src/cli/**/*.ts'],
    rules: { 'no-console': 'off', 'no-restricted-properties': 'off' },
  },
);
