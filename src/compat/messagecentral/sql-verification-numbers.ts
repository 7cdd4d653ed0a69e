import type { DatabaseHandle } from '../../db/database.js';
import type { MessageCentralNumberTable as NumberTable } from '../../db/schema.js';
import { newNumber, type NumberedVerification, type VerificationNumbers } from './verification-numbers.js';

const view = (r: NumberTable): NumberedVerification => ({ number: r.number, verificationId: r.verification_id, to: r.destination, createdAt: r.created_at });

/** verificationIds in the database (table from migration 0011), shared by every instance. */
export class SqlVerificationNumbers implements VerificationNumbers {
  constructor(private readonly handle: DatabaseHandle) {}

  async add(accountId: string, v: { verificationId: string; to: string; createdAt: number }): Promise<string> {
    // A number already taken in this account is drawn again; with 9·10^11 to draw from, rarely.
    for (;;) {
      const row: NumberTable = { account_id: accountId, number: newNumber(), verification_id: v.verificationId, destination: v.to, created_at: v.createdAt };
      const res = await this.handle.write((trx) =>
        trx
          .insertInto('messagecentral_numbers')
          .values(row)
          .onConflict((oc) => oc.columns(['account_id', 'number']).doNothing())
          .executeTakeFirst(),
      );
      if (Number(res.numInsertedOrUpdatedRows ?? 0n) === 1) return row.number;
    }
  }

  async find(accountId: string, number: string): Promise<NumberedVerification | undefined> {
    const r = await this.handle.db.selectFrom('messagecentral_numbers').selectAll().where('account_id', '=', accountId).where('number', '=', number).executeTakeFirst();
    return r && view(r);
  }

  async latest(accountId: string, to: string, since: number): Promise<NumberedVerification | undefined> {
    const r = await this.handle.db
      .selectFrom('messagecentral_numbers')
      .selectAll()
      .where('account_id', '=', accountId)
      .where('destination', '=', to)
      .where('created_at', '>=', since)
      .orderBy('created_at', 'desc')
      .limit(1)
      .executeTakeFirst();
    return r && view(r);
  }

  async purge(before: number): Promise<number> {
    const res = await this.handle.write((trx) => trx.deleteFrom('messagecentral_numbers').where('created_at', '<', before).executeTakeFirst());
    return Number(res.numDeletedRows);
  }
}
