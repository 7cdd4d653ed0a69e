import { sql, type Kysely, type Transaction } from 'kysely';
import type { DatabaseHandle } from '../db/database.js';
import type { Database, MessageTable, VerificationTable } from '../db/schema.js';

type Db = Kysely<Database> | Transaction<Database>;

export type VerificationRow = VerificationTable;

/**
 * SQL for verifications and their outgoing messages. Every state change is one conditional
 * UPDATE whose WHERE clause carries the rule, so concurrent requests cannot both win.
 */
export class VerificationStore {
  private readonly db: Kysely<Database>;

  constructor(private readonly handle: DatabaseHandle) {
    this.db = handle.db;
  }

  transaction<T>(fn: (trx: Transaction<Database>) => Promise<T>): Promise<T> {
    return this.handle.write(fn);
  }

  async insert(trx: Db, row: VerificationRow): Promise<void> {
    await trx.insertInto('verifications').values(row).execute();
  }

  async insertMessage(trx: Db, row: MessageTable): Promise<void> {
    await trx.insertInto('messages').values(row).execute();
  }

  get(accountId: string, id: string): Promise<VerificationRow | undefined> {
    return this.db.selectFrom('verifications').selectAll().where('id', '=', id).where('account_id', '=', accountId).executeTakeFirst();
  }

  /**
   * Counts one attempt before the code is compared: the row is only updated while the
   * verification is pending, unexpired and below its attempt limit. Returns the stored hash
   * and the attempt number, or undefined when no attempt may be made.
   */
  countAttempt(id: string, now: number): Promise<{ attempts: number; max_attempts: number; code_hash: string } | undefined> {
    return this.handle.write((trx) => trx
      .updateTable('verifications')
      .set({ attempts: sql<number>`attempts + 1`, updated_at: now })
      .where('id', '=', id)
      .where('status', '=', 'pending')
      .where('expires_at', '>', now)
      .where(sql<boolean>`attempts < max_attempts`)
      .returning(['attempts', 'max_attempts', 'code_hash'])
      .executeTakeFirst());
  }

  /** Moves a pending verification to `status`; true only for the caller that made the change. */
  async finish(id: string, status: string, now: number, extra: { expiredOnly?: boolean } = {}): Promise<boolean> {
    const res = await this.handle.write((trx) => {
      let q = trx
        .updateTable('verifications')
        .set({ status, code_sealed: null, updated_at: now })
        .where('id', '=', id)
        .where('status', '=', 'pending');
      if (extra.expiredOnly) q = q.where('expires_at', '<=', now);
      else if (status === 'approved') q = q.where('expires_at', '>', now);
      return q.executeTakeFirst();
    });
    return Number(res.numUpdatedRows) === 1;
  }

  /** Records one more send if the cooldown has passed and sends remain. */
  async recordSend(trx: Db, id: string, channel: string, now: number): Promise<boolean> {
    const res = await trx
      .updateTable('verifications')
      .set({ sends: sql<number>`sends + 1`, last_sent_at: now, channel, updated_at: now })
      .where('id', '=', id)
      .where('status', '=', 'pending')
      .where('expires_at', '>', now)
      .where(sql<boolean>`sends < max_sends`)
      .where(sql<boolean>`last_sent_at + resend_cooldown_s * 1000 <= ${now}`)
      .executeTakeFirst();
    return Number(res.numUpdatedRows) === 1;
  }

  /** Ends every pending verification past its expiry and drops its sealed code. */
  async sweepExpired(now: number): Promise<number> {
    const res = await this.handle.write((trx) =>
      trx
        .updateTable('verifications')
        .set({ status: 'expired', code_sealed: null, updated_at: now })
        .where('status', '=', 'pending')
        .where('expires_at', '<=', now)
        .executeTakeFirst(),
    );
    return Number(res.numUpdatedRows);
  }

  getMessage(id: string): Promise<MessageTable | undefined> {
    return this.db.selectFrom('messages').selectAll().where('id', '=', id).executeTakeFirst();
  }

  async markMessage(
    id: string,
    patch: { status: string; provider?: string; provider_message_id?: string | null; error?: string | null },
    now: number,
  ): Promise<void> {
    // Once the provider has the message the code is no longer needed here.
    await this.handle.write((trx) => trx.updateTable('messages').set({ ...patch, payload_sealed: null, updated_at: now }).where('id', '=', id).execute());
  }

  listMessages(verificationId: string): Promise<Array<Pick<MessageTable, 'id' | 'channel' | 'status' | 'provider' | 'created_at'>>> {
    return this.db
      .selectFrom('messages')
      .select(['id', 'channel', 'status', 'provider', 'created_at'])
      .where('verification_id', '=', verificationId)
      .orderBy('created_at')
      .execute();
  }
}
