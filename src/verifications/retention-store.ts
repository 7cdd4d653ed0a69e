import { type Kysely, sql, type Transaction } from 'kysely';
import type { DatabaseHandle } from '../db/database.js';
import type { Database } from '../db/schema.js';

/** SQL of the retention sweep over verifications: the oldest first, a batch at a time. */
export class RetentionStore {
  private readonly db: Kysely<Database>;

  constructor(private readonly handle: DatabaseHandle) {
    this.db = handle.db;
  }

  transaction<T>(fn: (trx: Transaction<Database>) => Promise<T>): Promise<T> {
    return this.handle.write(fn);
  }

  /**
   * Ids of verifications created before `cutoff`, up to `limit`, each account's oldest first. It
   * reads the list's (account, created) index account by account, so retention needs no index of
   * its own on the write path of every start.
   */
  async olderThan(cutoff: number, limit: number): Promise<string[]> {
    const ids: string[] = [];
    for (const { id: account } of await this.db.selectFrom('accounts').select('id').execute()) {
      if (ids.length >= limit) break;
      const rows = await this.db
        .selectFrom('verifications')
        .select('id')
        .where('account_id', '=', account)
        .where('created_at', '<', cutoff)
        .orderBy('created_at')
        .limit(limit - ids.length)
        .execute();
      ids.push(...rows.map((r) => r.id));
    }
    return ids;
  }

  /** Verifications created before `cutoff` whose destination is still readable (the partial index's rows). */
  readable(cutoff: number, limit: number): Promise<Array<{ id: string; to: string }>> {
    return this.db.selectFrom('verifications').select(['id', 'to']).where('created_at', '<', cutoff).where(sql.ref('to'), 'not like', 'pii:%').orderBy('created_at').limit(limit).execute();
  }

  async delete(trx: Transaction<Database>, ids: readonly string[]): Promise<void> {
    if (ids.length > 0) await trx.deleteFrom('verifications').where('id', 'in', ids).execute();
  }

  async setDestination(trx: Transaction<Database>, id: string, to: string): Promise<void> {
    await trx.updateTable('verifications').set({ to }).where('id', '=', id).execute();
  }
}
