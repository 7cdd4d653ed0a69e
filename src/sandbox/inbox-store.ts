import type { Kysely, Transaction } from 'kysely';
import type { DatabaseHandle } from '../db/database.js';
import { PreparedQuery } from '../db/prepared.js';
import type { Database, SandboxMessageTable } from '../db/schema.js';

const COLUMNS: ReadonlyArray<keyof SandboxMessageTable> = ['id', 'account_id', 'message_id', 'verification_id', 'channel', 'to', 'text', 'subject', 'html', 'code', 'outcome', 'created_at'];

/** The dev inbox: what the sandbox provider "delivered", readable only by the owning account. */
export class InboxStore {
  private readonly db: Kysely<Database>;
  private readonly insertQ: PreparedQuery<SandboxMessageTable>;

  constructor(private readonly handle: DatabaseHandle) {
    this.db = handle.db;
    const db = this.db;
    this.insertQ = new PreparedQuery<SandboxMessageTable>((p) => db.insertInto('sandbox_messages').values(Object.fromEntries(COLUMNS.map((c) => [c, p[c]])) as unknown as SandboxMessageTable));
  }

  async insert(row: SandboxMessageTable, trx?: Transaction<Database>): Promise<void> {
    const q = this.insertQ.bind(row);
    await (trx ? trx.executeQuery(q) : this.handle.write((t) => t.executeQuery(q)));
  }

  list(accountId: string, filter: { to?: string; limit: number }): Promise<SandboxMessageTable[]> {
    let q = this.db.selectFrom('sandbox_messages').selectAll().where('account_id', '=', accountId);
    if (filter.to) q = q.where('to', '=', filter.to);
    return q.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(filter.limit).execute();
  }

  /** Retention: the messages of these verifications. */
  async forget(trx: Transaction<Database>, verificationIds: readonly string[]): Promise<void> {
    if (verificationIds.length > 0) await trx.deleteFrom('sandbox_messages').where('verification_id', 'in', verificationIds).execute();
  }

  async pseudonymize(trx: Transaction<Database>, verificationId: string, pseudonym: string): Promise<void> {
    await trx.updateTable('sandbox_messages').set({ to: pseudonym }).where('verification_id', '=', verificationId).execute();
  }
}
