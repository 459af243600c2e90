// Lint as in temporalio/samples-typescript: floating promises are errors, and workflow code
// may not reach Node built-ins or anything that does I/O.
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';
import jest from 'eslint-plugin-jest';
import importPlugin from 'eslint-plugin-import';
import { builtinModules } from 'node:module';

export default tseslint.config(
  { ignores: ['node_modules/', '.tools/', 'data/', 'dist/', 'coverage/', 'tests/fixtures/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  { files: ['**/*.js'], languageOptions: { globals: globals.node } },
  { files: ['web/static/**/*.js'], languageOptions: { globals: globals.browser } },
  {
    files: ['**/*.{ts,tsx}'],
    languageOptions: {
      globals: globals.node,
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', ignoreRestSiblings: true }],
    },
  },
  {
    // No import cycles: each module can be read, and bundled, on its own terms.
    files: ['**/*.{ts,tsx}'],
    plugins: { import: importPlugin },
    settings: {
      'import/parsers': { '@typescript-eslint/parser': ['.ts', '.tsx'] },
      'import/resolver': { typescript: { project: './tsconfig.json' } },
    },
    rules: { 'import/no-cycle': ['error', { ignoreExternal: true }] },
  },
  {
    // No focused or skipped test reaches main; every expect is awaited or completed.
    files: ['tests/**/*.ts'],
    ...jest.configs['flat/recommended'],
    rules: {
      ...jest.configs['flat/recommended'].rules,
      'jest/expect-expect': ['error', { assertFunctionNames: ['expect', 'rejected', 'refused'] }],
    },
  },
  {
    // Workflow code and what it imports runs in Temporal's deterministic sandbox.
    files: ['workflows/**/*.ts', 'domain/**/*.ts', 'bench/bare-workflows.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [...builtinModules, ...builtinModules.map((m) => `node:${m}`)].map((name) => ({
            name,
            message: 'Node built-ins are not allowed in workflow code.',
          })),
          patterns: [
            { group: ['../activities', '../activities/*', '../infra/*', '../api/*', '../workers/*', '../config/*'], allowTypeImports: true, message: 'Workflow code imports activities as types only, and nothing that does I/O.' },
            { group: ['nodemailer', 'pg', 'luxon', 'date-holidays', 'fastify', '@temporalio/client', '@temporalio/worker', '@temporalio/activity'], message: 'Not allowed in workflow code.' },
          ],
        },
      ],
    },
  },
  {
    // Workflows take plain, already parsed types: schemas are for the edges (API, rule store).
    // Types may come from the schema modules; values may not, so zod stays out of the bundle.
    files: ['workflows/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['zod', '**/domain/zod', '**/domain/case', '**/domain/child-status', '**/domain/dispute', '**/domain/facts', '**/domain/handover', '**/domain/meeting', '**/domain/organisation', '**/domain/rules', '**/domain/default-rules'],
              allowTypeImports: true,
              message: 'A schema module: workflow code imports its types only (zod and code defaults stay out of the workflow bundle).',
            },
            { group: ['**/domain/rule-set'], message: 'rule-set.ts is the API\'s: workflows never validate a rule set.' },
          ],
        },
      ],
    },
  },
);
