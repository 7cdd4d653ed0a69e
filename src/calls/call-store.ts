import type { Kysely, Transaction } from 'kysely';
import type { DatabaseHandle } from '../db/database.js';
import type { CallTable, Database } from '../db/schema.js';

export type CallRow = CallTable;

/** Every call Verity placed or received, keyed by the provider's call id; the events say where it stands. */
export class CallStore {
  private readonly db: Kysely<Database>;

  constructor(private readonly handle: DatabaseHandle) {
    this.db = handle.db;
  }

  /** Records a call the first time it is heard of; false when it was already known (a repeated callback). */
  async insertNew(row: CallRow): Promise<boolean> {
    const res = await this.handle.write((trx) =>
      trx
        .insertInto('calls')
        .values(row)
        .onConflict((oc) => oc.columns(['provider', 'provider_call_id']).doNothing())
        .executeTakeFirst(),
    );
    return Number(res.numInsertedOrUpdatedRows ?? 0n) === 1;
  }

  /**
   * Records an outbound call's latest state; a later event never moves an ended call back. `from`
   * narrows the states it moves from; `also` runs in the same transaction when it moved (the
   * verification's timeline entry). True when it moved.
   */
  async update(
    provider: string,
    providerCallId: string,
    change: Partial<Pick<CallRow, 'status' | 'digits' | 'disposition'>>,
    now: number,
    opts: { from?: readonly string[]; also?: (trx: Transaction<Database>) => Promise<void> } = {},
  ): Promise<boolean> {
    return this.handle.write(async (trx) => {
      let q = trx
        .updateTable('calls')
        .set({ ...change, updated_at: now })
        .where('provider', '=', provider)
        .where('provider_call_id', '=', providerCallId)
        .where('status', '!=', 'ended');
      if (opts.from) q = q.where('status', 'in', opts.from);
      const moved = Number((await q.executeTakeFirst()).numUpdatedRows) > 0;
      if (moved) await opts.also?.(trx);
      return moved;
    });
  }

  get(provider: string, providerCallId: string): Promise<CallRow | undefined> {
    return this.db.selectFrom('calls').selectAll().where('provider', '=', provider).where('provider_call_id', '=', providerCallId).executeTakeFirst();
  }

  /** Retention: the calls placed for these verifications. */
  async forget(trx: Transaction<Database>, verificationIds: readonly string[]): Promise<void> {
    if (verificationIds.length > 0) await trx.deleteFrom('calls').where('verification_id', 'in', verificationIds).execute();
  }

  async pseudonymize(trx: Transaction<Database>, verificationId: string, pseudonym: string): Promise<void> {
    await trx.updateTable('calls').set({ to: pseudonym }).where('verification_id', '=', verificationId).execute();
  }
}
