import type { Transaction } from 'kysely';
import { EVENT_COLUMNS } from '../db/columns.js';
import type { DatabaseHandle } from '../db/database.js';
import { PreparedQuery } from '../db/prepared.js';
import type { Database, VerificationEventTable } from '../db/schema.js';

const ROWS_PER_INSERT = 4;

/** SQL of the verifications' event log: appended in the caller's transaction, read in id order. */
export class EventLogStore {
  /** Inserts of 1 to ROWS_PER_INSERT entries, prepared once: a start or a check writes its entries in one statement. */
  private readonly inserts: PreparedQuery<Record<string, unknown>>[];

  constructor(private readonly handle: DatabaseHandle) {
    this.inserts = Array.from(
      { length: ROWS_PER_INSERT },
      (_, n) =>
        new PreparedQuery<Record<string, unknown>>((p) =>
          handle.db
            .insertInto('verification_events')
            .values(Array.from({ length: n + 1 }, (_, i) => Object.fromEntries(EVENT_COLUMNS.map((c) => [c, p[`${c}${i}`]])) as unknown as VerificationEventTable)),
        ),
    );
  }

  async append(trx: Transaction<Database>, rows: readonly VerificationEventTable[]): Promise<void> {
    for (let start = 0; start < rows.length; start += ROWS_PER_INSERT) {
      const chunk = rows.slice(start, start + ROWS_PER_INSERT);
      const args: Record<string, unknown> = {};
      chunk.forEach((row, i) => {
        for (const c of EVENT_COLUMNS) args[`${c}${i}`] = row[c];
      });
      await trx.executeQuery((this.inserts[chunk.length - 1] as PreparedQuery<Record<string, unknown>>).bind(args));
    }
  }

  list(verificationId: string): Promise<VerificationEventTable[]> {
    return this.handle.db.selectFrom('verification_events').selectAll().where('verification_id', '=', verificationId).orderBy('id').execute();
  }

  async forget(trx: Transaction<Database>, verificationIds: readonly string[]): Promise<void> {
    if (verificationIds.length > 0) await trx.deleteFrom('verification_events').where('verification_id', 'in', verificationIds).execute();
  }
}
