// `npm run build`: the production build. The API, the worker and the migration runner are
// bundled from their TypeScript into dist/ (packages stay in node_modules, installed with
// `npm ci --omit=dev`), and the workflow code into dist/workflow-bundle.js, which every worker
// loads as it is. Run with plain node: `npm run start:api`, `npm run start:worker`.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { build } from 'esbuild';
import { bundleWorkflowCode } from '@temporalio/worker';
import { projectRoot } from '../infra/project-root';
import { prebuiltBundlePath, workflowsPath } from '../workers/worker';

const outdir = path.join(projectRoot, 'dist');
const entries = { 'api-server': 'api/server.ts', worker: 'workers/main.ts', migrate: 'scripts/migrate.ts' };
await build({
  absWorkingDir: projectRoot,
  entryPoints: entries,
  outdir,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20.11',
  // Every package is loaded from node_modules at run time: native parts (the Temporal core) stay as they are.
  packages: 'external',
  sourcemap: true,
  jsx: 'automatic',
  jsxImportSource: 'preact',
  logLevel: 'warning',
});
console.log(`built ${Object.keys(entries).map((name) => `dist/${name}.js`).join(', ')}`);

const { code } = await bundleWorkflowCode({ workflowsPath, logger: { trace() {}, debug() {}, info() {}, warn: console.warn, error: console.error, log() {} } as never });
mkdirSync(path.dirname(prebuiltBundlePath), { recursive: true });
writeFileSync(prebuiltBundlePath, code);
console.log(`built dist/workflow-bundle.js (${(code.length / 1024).toFixed(0)} KiB)`);
