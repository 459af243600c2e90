// `npm start` without PAYLOAD_KEYS: one key of its own, created once under the data dir beside
// the dev server's database (mode 0600) and read again at every start, so that a restart decodes
// what the last run wrote. The file holds the two settings as they would be written in the
// environment; moving the installation to configured keys is copying them there.
import { chmodSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { newPayloadKey, parsePayloadKeys, type PayloadKeyring } from './payload-codec';

export const localKeyFileName = 'payload-keys.json';

interface KeyFile {
  PAYLOAD_KEYS: string;
  PAYLOAD_KEY_ID?: string;
}

export interface LocalPayloadKeys {
  keyring: PayloadKeyring;
  file: string;
  /** The key was made by this start (nothing was encrypted before it). */
  created: boolean;
}

export function localPayloadKeys(dataDir: string): LocalPayloadKeys {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const file = path.join(dataDir, localKeyFileName);
  let created = false;
  try {
    const id = `lokal-${new Date().toISOString().slice(0, 10)}`;
    const content: KeyFile = { PAYLOAD_KEYS: newPayloadKey(id), PAYLOAD_KEY_ID: id };
    // wx: never overwrite a key that exists, even one another process has just written.
    writeFileSync(file, `${JSON.stringify(content, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
    created = true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  // Readable by this user only, even if it was copied in with looser rights.
  if ((statSync(file).mode & 0o077) !== 0) chmodSync(file, 0o600);
  let content: KeyFile;
  try {
    content = JSON.parse(readFileSync(file, 'utf8')) as KeyFile;
  } catch {
    throw new Error(`Felaktig nyckelfil ${file}: inte giltig JSON`);
  }
  try {
    if (typeof content.PAYLOAD_KEYS !== 'string') throw new Error('PAYLOAD_KEYS saknas');
    const current = typeof content.PAYLOAD_KEY_ID === 'string' ? content.PAYLOAD_KEY_ID : undefined;
    return { keyring: parsePayloadKeys(content.PAYLOAD_KEYS, current), file, created };
  } catch (error) {
    throw new Error(`Felaktig nyckelfil ${file}: ${(error as Error).message}`);
  }
}
