import { sql, type Selectable } from 'kysely';
import type { DatabaseHandle } from './database.js';
import type { Database } from './schema.js';

/** Tables worked as durable queues: a row is due at `next_attempt_at` while `queued` or `sending`. */
export type QueueTable = 'messages' | 'webhook_deliveries';

/**
 * Claims up to `limit` due rows for `leaseMs`: queued ones whose time has come and sending ones
 * whose worker's lease ran out (the lease end is kept in the same column). PostgreSQL lets
 * instances claim side by side (SKIP LOCKED); SQLite has one writer, so the claim is atomic as it is.
 */
export function claimDue<T extends QueueTable>(handle: DatabaseHandle, table: T, now: number, leaseMs: number, limit: number): Promise<Array<Selectable<Database[T]>>> {
  const lock = handle.dialect === 'postgres' ? sql`for update skip locked` : sql``;
  return handle.write(async (trx) => {
    const r = await sql<Selectable<Database[T]>>`
      update ${sql.table(table)}
         set status = 'sending', next_attempt_at = ${now + leaseMs}, attempts = attempts + 1, updated_at = ${now}
       where id in (select id from ${sql.table(table)}
                     where status in ('queued', 'sending') and next_attempt_at <= ${now}
                     order by next_attempt_at limit ${limit} ${lock})
      returning *`.execute(trx);
    return r.rows;
  });
}

/** When the next row falls due (undefined: none waiting), so an idle worker can sleep until then. */
export async function nextDue(handle: DatabaseHandle, table: QueueTable): Promise<number | undefined> {
  const r = await sql<{ at: number | string | null }>`select min(next_attempt_at) as at from ${sql.table(table)} where status in ('queued', 'sending')`.execute(handle.db);
  const at = r.rows[0]?.at;
  return at === null || at === undefined ? undefined : Number(at);
}
