import type { DatabaseHandle } from '../db/database.js';
import type { InboundNumberTable } from '../db/schema.js';
import type { NumberPurpose, PoolEntry } from './pool-entry.js';

export type NumberRow = InboundNumberTable;

/** SQL of the accounts' own number pools; every query is scoped by account. */
export class NumberStore {
  constructor(private readonly handle: DatabaseHandle) {}

  /**
   * Adds a number to an account's pool. Adding one that is already there is not an error: it keeps
   * its created_at and takes the country given now. Returns the stored row and whether it is new.
   */
  async add(row: NumberRow): Promise<{ row: NumberRow; created: boolean }> {
    return this.handle.write(async (trx) => {
      const res = await trx
        .insertInto('inbound_numbers')
        .values(row)
        .onConflict((oc) => oc.columns(['account_id', 'purpose', 'number']).doNothing())
        .executeTakeFirst();
      const created = Number(res.numInsertedOrUpdatedRows ?? 0) === 1;
      if (!created) {
        await trx.updateTable('inbound_numbers').set({ country: row.country }).where('account_id', '=', row.account_id).where('purpose', '=', row.purpose).where('number', '=', row.number).execute();
      }
      const stored = await trx
        .selectFrom('inbound_numbers')
        .selectAll()
        .where('account_id', '=', row.account_id)
        .where('purpose', '=', row.purpose)
        .where('number', '=', row.number)
        .executeTakeFirstOrThrow();
      return { row: stored, created };
    });
  }

  list(accountId: string, purpose?: NumberPurpose): Promise<NumberRow[]> {
    let q = this.handle.db.selectFrom('inbound_numbers').selectAll().where('account_id', '=', accountId);
    if (purpose) q = q.where('purpose', '=', purpose);
    return q.orderBy('purpose').orderBy('number').execute();
  }

  async remove(accountId: string, purpose: NumberPurpose, number: string): Promise<boolean> {
    const res = await this.handle.write((trx) => trx.deleteFrom('inbound_numbers').where('account_id', '=', accountId).where('purpose', '=', purpose).where('number', '=', number).executeTakeFirst());
    return Number(res.numDeletedRows) === 1;
  }

  /** The account's entries for one purpose, as the pool chooses among them. */
  async forAccount(accountId: string, purpose: NumberPurpose): Promise<PoolEntry[]> {
    const rows = await this.handle.db.selectFrom('inbound_numbers').select(['number', 'country']).where('account_id', '=', accountId).where('purpose', '=', purpose).execute();
    return rows.map((r) => ({ number: r.number, purpose, country: r.country }));
  }
}
