// `npm run build:workflows`: prebuilds the workflow bundle for production workers, so that a
// worker starts without webpack and every worker runs exactly the same workflow code.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import { prebuiltBundlePath, workflowsPath } from '../workers/worker';

const { code } = await bundleWorkflowCode({ workflowsPath });
mkdirSync(path.dirname(prebuiltBundlePath), { recursive: true });
writeFileSync(prebuiltBundlePath, code);
console.log(`workflow bundle written to ${prebuiltBundlePath} (${(code.length / 1024).toFixed(0)} KiB)`);
