/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/core', '<rootDir>/device', '<rootDir>/ingest', '<rootDir>/frontend', '<rootDir>/monitors', '<rootDir>/infra', '<rootDir>/local'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['@swc/jest'] },
  testTimeout: 30000,
  // The suite starts real servers (dynalite, HTTP fakes, Chromium): two workers fit a 2-core CI box.
  maxWorkers: 2,
};
