import type { Kysely } from 'kysely';
import type { DatabaseHandle } from '../db/database.js';
import type { Database, IdempotencyTable } from '../db/schema.js';

export class IdempotencyStore {
  private readonly db: Kysely<Database>;

  constructor(private readonly handle: DatabaseHandle) {
    this.db = handle.db;
  }

  /** Claims the key, first dropping an earlier claim older than `staleBefore`; false when a live claim exists. */
  claim(row: IdempotencyTable, staleBefore = -Infinity): Promise<boolean> {
    return this.handle.write(async (trx) => {
      if (staleBefore > -Infinity) {
        await trx.deleteFrom('idempotency_keys').where('account_id', '=', row.account_id).where('key', '=', row.key).where('created_at', '<', staleBefore).execute();
      }
      const res = await trx
        .insertInto('idempotency_keys')
        .values(row)
        .onConflict((oc) => oc.columns(['account_id', 'key']).doNothing())
        .executeTakeFirst();
      return Number(res.numInsertedOrUpdatedRows ?? 0n) === 1;
    });
  }

  get(accountId: string, key: string): Promise<IdempotencyTable | undefined> {
    return this.db.selectFrom('idempotency_keys').selectAll().where('account_id', '=', accountId).where('key', '=', key).executeTakeFirst();
  }

  async complete(accountId: string, key: string, statusCode: number, response: string): Promise<void> {
    await this.handle.write((trx) =>
      trx.updateTable('idempotency_keys').set({ state: 'done', status_code: statusCode, response }).where('account_id', '=', accountId).where('key', '=', key).execute(),
    );
  }

  async remove(accountId: string, key: string): Promise<void> {
    await this.handle.write((trx) => trx.deleteFrom('idempotency_keys').where('account_id', '=', accountId).where('key', '=', key).execute());
  }

  async sweep(olderThan: number): Promise<number> {
    const res = await this.db.deleteFrom('idempotency_keys').where('created_at', '<', olderThan).executeTakeFirst();
    return Number(res.numDeletedRows);
  }
}
