import type { Kysely } from 'kysely';
import type { DatabaseHandle } from '../db/database.js';
import type { Database, SandboxMessageTable } from '../db/schema.js';

/** The dev inbox: what the sandbox provider "delivered", readable only by the owning account. */
export class InboxStore {
  private readonly db: Kysely<Database>;

  constructor(private readonly handle: DatabaseHandle) {
    this.db = handle.db;
  }

  async insert(row: SandboxMessageTable): Promise<void> {
    await this.handle.write((trx) => trx.insertInto('sandbox_messages').values(row).execute());
  }

  list(accountId: string, filter: { to?: string; limit: number }): Promise<SandboxMessageTable[]> {
    let q = this.db.selectFrom('sandbox_messages').selectAll().where('account_id', '=', accountId);
    if (filter.to) q = q.where('to', '=', filter.to);
    return q.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(filter.limit).execute();
  }
}
