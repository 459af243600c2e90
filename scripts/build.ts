// `npm run build`: the production build. The API, the worker and the migration runner are
// bundled from their TypeScript into dist/ (packages stay in node_modules, installed with
// `npm ci --omit=dev`), and the workflow code into dist/workflow-bundle.js, which every worker
// loads as it is. Run with plain node: `npm run start:api`, `npm run start:worker`.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { build } from 'esbuild';
import { bundleWorkflowCode } from '@temporalio/worker';
import { projectRoot } from '../infra/project-root';
import { workflowTracingModule } from '../infra/tracing';
import { prebuiltBundlePath, prebuiltTracedBundlePath, preloadedWorkflowModules, workflowsPath } from '../workers/worker';

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

// Two bundles: the traced one carries OpenTelemetry's workflow interceptors, loaded only by a
// worker with an OTLP endpoint; the other keeps every cached workflow without them.
const quiet = { trace() {}, debug() {}, info() {}, warn: console.warn, error: console.error, log() {} } as never;
mkdirSync(path.dirname(prebuiltBundlePath), { recursive: true });
for (const [file, modules] of [[prebuiltBundlePath, []], [prebuiltTracedBundlePath, [workflowTracingModule]]] as const) {
  const { code } = await bundleWorkflowCode({ workflowsPath, preloadModules: preloadedWorkflowModules, workflowInterceptorModules: [...modules], logger: quiet });
  writeFileSync(file, code);
  console.log(`built ${path.relative(projectRoot, file)} (${(code.length / 1024).toFixed(0)} KiB)`);
}
