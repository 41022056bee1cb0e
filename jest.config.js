/** Jest runs the TypeScript sources directly; type checking is `tsc --noEmit` in `npm test`. */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { diagnostics: false }] },
  moduleNameMapper: { '^tf1-ts$': '<rootDir>/src/index.ts', '^tf1-ts/(.*)$': '<rootDir>/src/$1' },
  testTimeout: 120000,
  setupFiles: ['<rootDir>/test/setup.ts'],
};
