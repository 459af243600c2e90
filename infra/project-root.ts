// The project's root folder (where package.json is): the files read at run time (migrations/,
// web/static/, the prebuilt workflow bundle, .tools/) are found from here, whether this code runs
// from its sources (tsx) or bundled into dist/ (npm run build).
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

function findRoot(from: string): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    const manifest = path.join(dir, 'package.json');
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === 'samverkan') return dir;
    if (path.dirname(dir) === dir) throw new Error(`samverkan's package.json not found above ${from}`);
  }
}

export const projectRoot = findRoot(import.meta.dirname);
