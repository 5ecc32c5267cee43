/** The differential suites that run real PyTorch (`/usr/bin/python3` with Debian's python3-torch). */
const base = require('./jest.config.js');
module.exports = {
  ...base,
  testMatch: ['**/*.torch.test.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
  testTimeout: 300000,
};
