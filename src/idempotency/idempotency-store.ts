import type { Kysely } from 'kysely';
import type { Database, IdempotencyTable } from '../db/schema.js';

export class IdempotencyStore {
  constructor(private readonly db: Kysely<Database>) {}

  /** Claims the key; false when a row already exists. */
  async claim(row: IdempotencyTable): Promise<boolean> {
    const res = await this.db
      .insertInto('idempotency_keys')
      .values(row)
      .onConflict((oc) => oc.columns(['account_id', 'key']).doNothing())
      .executeTakeFirst();
    return Number(res.numInsertedOrUpdatedRows ?? 0n) === 1;
  }

  get(accountId: string, key: string): Promise<IdempotencyTable | undefined> {
    return this.db.selectFrom('idempotency_keys').selectAll().where('account_id', '=', accountId).where('key', '=', key).executeTakeFirst();
  }

  async complete(accountId: string, key: string, statusCode: number, response: string): Promise<void> {
    await this.db
      .updateTable('idempotency_keys')
      .set({ state: 'done', status_code: statusCode, response })
      .where('account_id', '=', accountId)
      .where('key', '=', key)
      .execute();
  }

  async remove(accountId: string, key: string, olderThan?: number): Promise<void> {
    let q = this.db.deleteFrom('idempotency_keys').where('account_id', '=', accountId).where('key', '=', key);
    if (olderThan !== undefined) q = q.where('created_at', '<', olderThan);
    await q.execute();
  }

  async sweep(olderThan: number): Promise<number> {
    const res = await this.db.deleteFrom('idempotency_keys').where('created_at', '<', olderThan).executeTakeFirst();
    return Number(res.numDeletedRows);
  }
}
