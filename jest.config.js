// jest in ESM mode: the project is "type": "module" and its code uses import.meta, which a
// transform to CommonJS would break. @swc/jest strips the types and keeps ES modules, so there
// is no compile step; `npm test` runs node with --experimental-vm-modules for jest's ESM support.
/** @type {import('jest').Config} */
export default {
  testEnvironment: 'node',
  roots: ['<rootDir>/tests'],
  testMatch: ['**/*.test.ts'],
  extensionsToTreatAsEsm: ['.ts', '.tsx'],
  transform: {
    // light-my-request (Fastify's inject) require()s cookie 2 and @fastify/static content-disposition,
    // which ship only ES modules; node 20 can require them, jest's module runtime cannot, so jest
    // gets them as CommonJS.
    '/node_modules/(cookie|content-disposition)/.+\\.js$': ['@swc/jest', { module: { type: 'commonjs' } }],
    '^.+\\.ts$': ['@swc/jest', { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'es6' } }],
    // The web app's pages are TSX rendered to HTML by Preact on the server.
    '^.+\\.tsx$': [
      '@swc/jest',
      { jsc: { parser: { syntax: 'typescript', tsx: true }, target: 'es2022', transform: { react: { runtime: 'automatic', importSource: 'preact' } } }, module: { type: 'es6' } },
    ],
  },
  transformIgnorePatterns: ['/node_modules/(?!(cookie|content-disposition)/)'],
  // Tests run real servers and skip Temporal time: minutes, not jest's default 5 s.
  testTimeout: 180_000,
  // One test file per core; each jest worker has a database of its own (tests/support/database.ts).
  maxWorkers: 2,
  setupFiles: ['<rootDir>/tests/support/quiet-temporal-logs.ts'],
  reporters: ['default', '<rootDir>/tests/support/summary-reporter.js'],
  coverageProvider: 'v8',
  collectCoverageFrom: ['{domain,workflows,activities,workers,api,web,infra,config,scripts}/**/*.{ts,tsx}'],
  coverageReporters: ['text-summary', 'text'],
};
