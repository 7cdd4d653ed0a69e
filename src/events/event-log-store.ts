import type { Transaction } from 'kysely';
import { EVENT_COLUMNS } from '../db/columns.js';
import type { DatabaseHandle } from '../db/database.js';
import { RowsWriter } from '../db/prepared.js';
import type { Database, VerificationEventTable } from '../db/schema.js';

/** The most entries one insert writes. */
const ROWS_PER_INSERT = 32;

/** SQL of the verifications' event log: appended in the caller's transaction, read in id order. */
export class EventLogStore {
  private readonly inserts: RowsWriter<VerificationEventTable>;

  constructor(private readonly handle: DatabaseHandle) {
    this.inserts = new RowsWriter<VerificationEventTable>(
      EVENT_COLUMNS,
      ROWS_PER_INSERT,
      (rows) => handle.db.insertInto('verification_events').values(rows as unknown as VerificationEventTable[]),
      (row, values) => {
        for (const c of EVENT_COLUMNS) values.push(row[c]);
      },
    );
  }

  /** Writes the entries in as few statements as ROWS_PER_INSERT allows. */
  append(trx: Transaction<Database>, rows: readonly VerificationEventTable[]): Promise<void> {
    return this.inserts.write(trx, rows);
  }

  list(verificationId: string): Promise<VerificationEventTable[]> {
    return this.handle.db.selectFrom('verification_events').selectAll().where('verification_id', '=', verificationId).orderBy('id').execute();
  }

  async forget(trx: Transaction<Database>, verificationIds: readonly string[]): Promise<void> {
    if (verificationIds.length > 0) await trx.deleteFrom('verification_events').where('verification_id', 'in', verificationIds).execute();
  }
}
