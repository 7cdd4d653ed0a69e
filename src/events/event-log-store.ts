import type { CompiledQuery, Transaction } from 'kysely';
import { EVENT_COLUMNS } from '../db/columns.js';
import type { DatabaseHandle } from '../db/database.js';
import { PreparedQuery } from '../db/prepared.js';
import type { Database, VerificationEventTable } from '../db/schema.js';

/** The most entries one insert writes. */
const ROWS_PER_INSERT = 32;

/** SQL of the verifications' event log: appended in the caller's transaction, read in id order. */
export class EventLogStore {
  /** Inserts of 1 to ROWS_PER_INSERT entries, each prepared the first time it is needed, bound from the rows' values in column order. */
  private readonly inserts: Array<((values: unknown[]) => CompiledQuery) | undefined> = [];

  constructor(private readonly handle: DatabaseHandle) {}

  private insertOf(n: number): (values: unknown[]) => CompiledQuery {
    let q = this.inserts[n];
    if (!q) {
      const names = Array.from({ length: n }, (_, i) => EVENT_COLUMNS.map((c) => `${c}${i}`)).flat();
      q = new PreparedQuery<Record<string, unknown>>((p) =>
        this.handle.db
          .insertInto('verification_events')
          .values(Array.from({ length: n }, (_, i) => Object.fromEntries(EVENT_COLUMNS.map((c) => [c, p[`${c}${i}`]])) as unknown as VerificationEventTable)),
      ).inOrder(names);
      this.inserts[n] = q;
    }
    return q;
  }

  /** Writes the entries in as few statements as ROWS_PER_INSERT allows. */
  async append(trx: Transaction<Database>, rows: readonly VerificationEventTable[]): Promise<void> {
    for (let start = 0; start < rows.length; start += ROWS_PER_INSERT) {
      const end = Math.min(rows.length, start + ROWS_PER_INSERT);
      const values: unknown[] = [];
      for (let i = start; i < end; i++) {
        const row = rows[i] as VerificationEventTable;
        for (const c of EVENT_COLUMNS) values.push(row[c]);
      }
      await trx.executeQuery(this.insertOf(end - start)(values));
    }
  }

  list(verificationId: string): Promise<VerificationEventTable[]> {
    return this.handle.db.selectFrom('verification_events').selectAll().where('verification_id', '=', verificationId).orderBy('id').execute();
  }

  async forget(trx: Transaction<Database>, verificationIds: readonly string[]): Promise<void> {
    if (verificationIds.length > 0) await trx.deleteFrom('verification_events').where('verification_id', 'in', verificationIds).execute();
  }
}
