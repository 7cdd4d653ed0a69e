import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { StartupError } from '../lib/startup-error.js';
import { isPostgresUrl, sqlitePath } from './database-url.js';

export type DatabaseLock =
  /** This process owns the database until release() (or its exit). */
  | { held: true; release(): void }
  /** Another process owns it. */
  | { held: false; file: string };

/** The lock beside an SQLite database file. */
export function lockFileOf(databasePath: string): string {
  return `${databasePath}.lock`;
}

/**
 * Owns an SQLite database for this process: the embedded default is one server process, and
 * only the owner (`serve`, `migrate`) changes the schema. The lock is an exclusive transaction
 * held open on a file beside the database, so it is an OS lock that dies with its process
 * (kill -9 included): a stale lock never blocks a restart, and no pid is trusted.
 *
 * The database itself is not opened with locking_mode=EXCLUSIVE: that would shut out the
 * checkpointer thread (its own connection) and `keys create` or `worker` beside a running server.
 * The lock file is never deleted: unlinking a lock another process is opening would let two owners in.
 *
 * PostgreSQL (shared by design) and `sqlite::memory:` (private to the process) need no lock.
 */
export function lockDatabase(databaseUrl: string, waitMs: number): DatabaseLock {
  const path = isPostgresUrl(databaseUrl) ? ':memory:' : sqlitePath(databaseUrl);
  if (path === ':memory:') return { held: true, release: () => undefined };
  const file = lockFileOf(path);
  mkdirSync(dirname(file), { recursive: true });
  let lock: SqliteDatabase.Database;
  try {
    lock = new SqliteDatabase(file, { timeout: waitMs });
  } catch (err) {
    throw new StartupError(`cannot open ${file}: ${(err as Error).message}`);
  }
  try {
    // A journal in memory, so that the lock is one empty file and nothing beside it.
    lock.pragma('journal_mode = MEMORY');
    lock.exec('BEGIN EXCLUSIVE');
  } catch (err) {
    lock.close();
    if ((err as { code?: string }).code === 'SQLITE_BUSY') return { held: false, file };
    throw new StartupError(`cannot lock ${file}: ${(err as Error).message}`);
  }
  return { held: true, release: () => lock.close() };
}
