/** Unit and parity tests that need nothing beyond `npm install` (no Python). */
module.exports = {
  preset: 'ts-jest',
  testEnvironment: 'node',
  roots: ['<rootDir>/src', '<rootDir>/adapters', '<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/', '\\.torch\\.test\\.ts$', '\\.browser\\.test\\.ts$'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.jest.json', diagnostics: { warnOnly: false } }],
    // h5wasm ships ES modules only; the io HDF5 writer imports it (see test/helpers/esm-to-cjs.js).
    'node_modules/h5wasm/dist/esm/.+\\.js$': '<rootDir>/test/helpers/esm-to-cjs.js',
  },
  transformIgnorePatterns: ['/node_modules/(?!h5wasm/)'],
  moduleNameMapper: {
    '^h5wasm$': '<rootDir>/node_modules/h5wasm/dist/esm/hdf5_hl.js',
  },
  testTimeout: 60000,
};
