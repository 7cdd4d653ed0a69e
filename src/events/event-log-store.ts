import type { Transaction } from 'kysely';
import { EVENT_COLUMNS, placeholderRow } from '../db/columns.js';
import type { DatabaseHandle } from '../db/database.js';
import { PreparedQuery } from '../db/prepared.js';
import type { Database, VerificationEventTable } from '../db/schema.js';

/** SQL of the verifications' event log: appended in the caller's transaction, read in id order. */
export class EventLogStore {
  private readonly insert: PreparedQuery<VerificationEventTable>;

  constructor(private readonly handle: DatabaseHandle) {
    // On the request path of every start and check: prepared once (see PreparedQuery).
    this.insert = new PreparedQuery<VerificationEventTable>((p) => handle.db.insertInto('verification_events').values(placeholderRow(p, EVENT_COLUMNS)));
  }

  async append(trx: Transaction<Database>, rows: readonly VerificationEventTable[]): Promise<void> {
    for (const row of rows) await trx.executeQuery(this.insert.bind(row));
  }

  list(verificationId: string): Promise<VerificationEventTable[]> {
    return this.handle.db.selectFrom('verification_events').selectAll().where('verification_id', '=', verificationId).orderBy('id').execute();
  }

  async forget(trx: Transaction<Database>, verificationIds: readonly string[]): Promise<void> {
    if (verificationIds.length > 0) await trx.deleteFrom('verification_events').where('verification_id', 'in', verificationIds).execute();
  }
}
