import type { Kysely } from 'kysely';
import type { Database, ServiceTable } from '../db/schema.js';

/** SQL for services: per-use-case verification settings owned by an account. */
export class ServiceStore {
  constructor(private readonly db: Kysely<Database>) {}

  async insert(row: ServiceTable): Promise<void> {
    await this.db.insertInto('services').values(row).execute();
  }

  get(accountId: string, id: string): Promise<ServiceTable | undefined> {
    return this.db.selectFrom('services').selectAll().where('id', '=', id).where('account_id', '=', accountId).executeTakeFirst();
  }

  list(accountId: string): Promise<ServiceTable[]> {
    return this.db.selectFrom('services').selectAll().where('account_id', '=', accountId).orderBy('created_at').execute();
  }

  async update(accountId: string, id: string, patch: Partial<ServiceTable>): Promise<boolean> {
    const res = await this.db.updateTable('services').set(patch).where('id', '=', id).where('account_id', '=', accountId).executeTakeFirst();
    return Number(res.numUpdatedRows) === 1;
  }

  async delete(accountId: string, id: string): Promise<boolean> {
    const res = await this.db.deleteFrom('services').where('id', '=', id).where('account_id', '=', accountId).executeTakeFirst();
    return Number(res.numDeletedRows) === 1;
  }
}
