// Where the Temporal CLI and the time-skipping test server are: a path named by an env var,
// a `temporal` on PATH, or the project-local copies that scripts/install-temporal.sh installs.
import { accessSync, constants } from 'node:fs';
import path from 'node:path';
import { projectRoot } from './project-root';

const toolsBin = path.join(projectRoot, '.tools', 'venv', 'bin');

function executable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function onPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (dir && executable(path.join(dir, name))) return path.join(dir, name);
  }
  return undefined;
}

export function temporalCliPath(): string {
  const found = process.env.TEMPORAL_CLI_PATH ?? onPath('temporal') ?? path.join(toolsBin, 'temporal');
  if (!executable(found)) throw new Error(`Temporal CLI saknas (${found}); kör npm run tools`);
  return found;
}

export function temporalTestServerPath(): string {
  const found = process.env.TEMPORAL_TEST_SERVER_PATH ?? path.join(toolsBin, 'temporal-test-server');
  if (!executable(found)) throw new Error(`Temporals testserver saknas (${found}); kör npm run tools`);
  return found;
}
