import type { Pool } from 'pg';
import { RateLimiterPostgres } from 'rate-limiter-flexible';
import { eagerRetrying, SWEEP_INTERVAL_MS } from './adapter.js';
import type { StoreBackend } from './adapter.js';

// One table per limiter name. rate-limiter-flexible names its prepared statements after the
// table and creates one table per instance by default, so this is the layout it is built for.
export const PG_TABLE_PREFIX = 'verity_limits_';

/** Uses the caller's pool; close() never ends it. */
export function openPostgresStore(pool: Pool): StoreBackend {
  const tables = new Set<string>();
  const sweeper = setInterval(() => {
    for (const table of tables) {
      // Expired rows are ignored by reads anyway; a failed sweep is retried next interval.
      pool.query(`DELETE FROM "${table}" WHERE expire < $1`, [Date.now()]).catch(() => {});
    }
  }, SWEEP_INTERVAL_MS);
  sweeper.unref();

  return {
    open(name, budget) {
      const tableName = PG_TABLE_PREFIX + name;
      const backend = eagerRetrying(
        () =>
          new Promise<RateLimiterPostgres>((resolve, reject) => {
            // CREATE TABLE runs in the background; without a callback a failure there is thrown
            // from a promise chain nobody awaits, and every call meanwhile is rejected with
            // "Table is not created yet". The callback turns both into one awaitable result.
            const limiter: RateLimiterPostgres = new RateLimiterPostgres(
              {
                storeClient: pool,
                storeType: 'pool',
                tableName,
                keyPrefix: '', // the table already namespaces the keys, and key is varchar(255)
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
    },
  };
}
