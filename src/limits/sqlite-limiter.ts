import Database from 'better-sqlite3';
import { RateLimiterSQLite } from 'rate-limiter-flexible';
import { eagerRetrying, SWEEP_INTERVAL_MS } from './adapter.js';
import type { StoreBackend } from './adapter.js';

export const SQLITE_TABLE_PREFIX = 'verity_limits_';

/**
 * Opens the limiter's OWN SQLite file. It must not share the main database: that one is
 * driven through Kysely, whose transactions stay open across awaits on a single
 * better-sqlite3 connection, so a limiter write on that connection could land inside another
 * request's open transaction, and a second connection to the same file could block the one
 * Node thread waiting for the write lock. A separate file avoids both.
 */
export function openSqliteStore(path: string): StoreBackend {
  const db = new Database(path);
  // WAL + NORMAL: counters are cheap to lose in a power cut, fsync on every consume is not.
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');

  const tables = new Set<string>();
  const sweeper = setInterval(() => {
    for (const table of tables) {
      try {
        db.prepare(`DELETE FROM ${table} WHERE expire < ?`).run(Date.now());
      } catch {
        // Expired rows are ignored by reads anyway; a failed sweep is retried next interval.
      }
    }
  }, SWEEP_INTERVAL_MS);
  sweeper.unref();

  return {
    open(name, budget) {
      const tableName = SQLITE_TABLE_PREFIX + name;
      const backend = eagerRetrying(
        () =>
          new Promise<RateLimiterSQLite>((resolve, reject) => {
            // Table creation is async even for better-sqlite3: until the callback runs the
            // library rejects every call with "Table is not created yet".
            const limiter: RateLimiterSQLite = new RateLimiterSQLite(
              {
                storeClient: db,
                storeType: 'better-sqlite3',
                tableName,
                keyPrefix: '', // the table already namespaces the keys
                points: budget.points,
                duration: budget.durationSec,
                clearExpiredByTimeout: false,
              },
              (err) => (err ? reject(err) : resolve(limiter)),
            );
          }),
      );
      tables.add(tableName);
      return backend;
    },
    async close() {
      clearInterval(sweeper);
      db.close();
    },
  };
}
