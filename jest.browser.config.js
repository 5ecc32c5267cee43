/** The real-browser suites (`*.browser.test.ts`): Chromium driven by playwright-core. */
const base = require('./jest.config.js');
module.exports = {
  ...base,
  testMatch: ['**/*.browser.test.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
  testTimeout: 300000,
};
