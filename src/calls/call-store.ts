import type { Kysely } from 'kysely';
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

  /** Records an outbound call's latest state; a later event never moves an ended call back. */
  async update(provider: string, providerCallId: string, change: Partial<Pick<CallRow, 'status' | 'digits' | 'disposition'>>, now: number): Promise<void> {
    await this.handle.write((trx) =>
      trx
        .updateTable('calls')
        .set({ ...change, updated_at: now })
        .where('provider', '=', provider)
        .where('provider_call_id', '=', providerCallId)
        .where('status', '!=', 'ended')
        .execute(),
    );
  }

  get(provider: string, providerCallId: string): Promise<CallRow | undefined> {
    return this.db.selectFrom('calls').selectAll().where('provider', '=', provider).where('provider_call_id', '=', providerCallId).executeTakeFirst();
  }
}
