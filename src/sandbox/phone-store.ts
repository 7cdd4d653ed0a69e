import type { Kysely, Transaction } from 'kysely';
import type { DatabaseHandle } from '../db/database.js';
import type { Database, SandboxCallTable } from '../db/schema.js';

export type PhoneCallRow = SandboxCallTable;

/** The virtual phones' calls: rung by the sandbox provider, or dialled by a phone (reverse call). */
export class PhoneStore {
  private readonly db: Kysely<Database>;

  constructor(private readonly handle: DatabaseHandle) {
    this.db = handle.db;
  }

  async insert(row: PhoneCallRow, trx?: Transaction<Database>): Promise<void> {
    const q = (t: Transaction<Database>) => t.insertInto('sandbox_calls').values(row).execute();
    await (trx ? q(trx) : this.handle.write(q));
  }

  /** A number's calls either way, newest first. */
  list(accountId: string, number: string, limit: number): Promise<PhoneCallRow[]> {
    return this.db
      .selectFrom('sandbox_calls')
      .selectAll()
      .where('account_id', '=', accountId)
      .where((eb) => eb.or([eb('to', '=', number), eb('from', '=', number)]))
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(limit)
      .execute();
  }

  get(accountId: string, id: string): Promise<PhoneCallRow | undefined> {
    return this.db.selectFrom('sandbox_calls').selectAll().where('account_id', '=', accountId).where('id', '=', id).executeTakeFirst();
  }

  /** Moves a call on from one of `from`; false when it is no longer there (someone got there first). */
  async move(id: string, from: readonly string[], change: Partial<Pick<PhoneCallRow, 'status' | 'digits' | 'disposition'>>, now: number): Promise<boolean> {
    const res = await this.handle.write((t) =>
      t
        .updateTable('sandbox_calls')
        .set({ ...change, updated_at: now })
        .where('id', '=', id)
        .where('status', 'in', [...from])
        .executeTakeFirst(),
    );
    return Number(res.numUpdatedRows) === 1;
  }

  /** Retention: the calls of these verifications. */
  async forget(trx: Transaction<Database>, verificationIds: readonly string[]): Promise<void> {
    if (verificationIds.length > 0) await trx.deleteFrom('sandbox_calls').where('verification_id', 'in', verificationIds).execute();
  }

  /** A call the verification placed rang the phone at `to`; one the phone dialled came `from` it. */
  async pseudonymize(trx: Transaction<Database>, verificationId: string, pseudonym: string): Promise<void> {
    await trx.updateTable('sandbox_calls').set({ to: pseudonym }).where('verification_id', '=', verificationId).where('direction', '=', 'outbound').execute();
    await trx.updateTable('sandbox_calls').set({ from: pseudonym }).where('verification_id', '=', verificationId).where('direction', '=', 'inbound').execute();
  }
}
