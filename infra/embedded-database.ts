// The embedded PostgreSQL of `npm start` when DATABASE_URL is not set: PGlite (PostgreSQL
// compiled to WebAssembly, in this process) with its data in <DATA_DIR>/postgres, served on a
// local TCP port by pglite-socket so that the `pg` pool, openDatabase and its migrations work
// against it as against any PostgreSQL server.
//
// PGlite is one backend: pglite-socket lets several connections take turns at the level of
// single protocol messages, so two connections could interleave one another's extended-protocol
// queries (Parse/Bind/Execute of the unnamed statement). The pool therefore gets ONE connection
// (`poolMax`), and concurrent requests wait their turn in the pool's queue. The server accepts a
// few more connections than that, for a short-lived client (openDatabase's check that the
// database exists) whose close the server has not yet seen when the pool connects.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';

/** Connections the pg pool may open to the embedded server. */
export const embeddedPoolMax = 1;

export interface EmbeddedDatabase {
  /** `postgres://postgres@127.0.0.1:<port>/postgres`, for openDatabase. */
  url: string;
  /** Where PGlite keeps its files. */
  dataDir: string;
  /** Stops taking connections, then flushes and closes PGlite. Call after the pool has ended. */
  stop(): Promise<void>;
}

export interface EmbeddedDatabaseOptions {
  /** The data dir of `npm start` (DATA_DIR); PGlite's files go in its `postgres` folder. */
  dataDir: string;
  /** TCP port on 127.0.0.1; 0 (the default) lets the system choose a free one. */
  port?: number;
}

export async function startEmbeddedDatabase(options: EmbeddedDatabaseOptions): Promise<EmbeddedDatabase> {
  const dataDir = path.join(options.dataDir, 'postgres');
  mkdirSync(dataDir, { recursive: true });
  const db = await PGlite.create({ dataDir });
  const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: options.port ?? 0, maxConnections: embeddedPoolMax + 3 });
  try {
    await server.start();
  } catch (error) {
    await db.close();
    throw error;
  }
  let stopped: Promise<void> | undefined;
  return {
    url: `postgres://postgres@${server.getServerConn()}/postgres`,
    dataDir,
    stop() {
      stopped ??= (async () => {
        await server.stop();
        if (!db.closed) {
          await db.syncToFs();
          await db.close();
        }
      })();
      return stopped;
    },
  };
}
