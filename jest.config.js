// jest in ESM mode: the project is "type": "module" and its code uses import.meta, which a
// transform to CommonJS would break. @swc/jest strips the types and keeps ES modules, so there
// is no compile step; `npm test` runs node with --experimental-vm-modules for jest's ESM support.
/** @type {import('jest').Config} */
export default {
  testEnvironment: 'node',
  roots: ['<rootDir>/tests'],
  testMatch: ['**/*.test.ts'],
  extensionsToTreatAsEsm: ['.ts'],
  transform: {
    // light-my-request (Fastify's inject) require()s cookie 2, which ships only ES modules; node 20
    // can require them, jest's module runtime cannot, so jest gets it as CommonJS.
    '/node_modules/cookie/.+\\.js$': ['@swc/jest', { module: { type: 'commonjs' } }],
    '^.+\\.ts$': ['@swc/jest', { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'es6' } }],
  },
  transformIgnorePatterns: ['/node_modules/(?!cookie/)'],
  // Tests run real servers and skip Temporal time: minutes, not jest's default 5 s.
  testTimeout: 180_000,
  // One test file per core; each jest worker has a database of its own (tests/support/database.ts).
  maxWorkers: 2,
  setupFiles: ['<rootDir>/tests/support/quiet-temporal-logs.ts'],
  reporters: ['default', '<rootDir>/tests/support/summary-reporter.js'],
  coverageProvider: 'v8',
  collectCoverageFrom: ['{domain,workflows,activities,workers,api,infra,config,scripts}/**/*.ts'],
  coverageReporters: ['text-summary', 'text'],
};
