import type { Kysely } from 'kysely';
import type { Database, TemplateTable } from '../db/schema.js';

/** SQL for an account's own message templates (the built-in ones live in code). */
export class TemplateStore {
  constructor(private readonly db: Kysely<Database>) {}

  async insert(row: TemplateTable): Promise<void> {
    await this.db.insertInto('templates').values(row).execute();
  }

  get(accountId: string, id: string): Promise<TemplateTable | undefined> {
    return this.db.selectFrom('templates').selectAll().where('id', '=', id).where('account_id', '=', accountId).executeTakeFirst();
  }

  list(accountId: string): Promise<TemplateTable[]> {
    return this.db.selectFrom('templates').selectAll().where('account_id', '=', accountId).orderBy('created_at').execute();
  }

  async update(accountId: string, id: string, patch: Partial<TemplateTable>): Promise<boolean> {
    const res = await this.db.updateTable('templates').set(patch).where('id', '=', id).where('account_id', '=', accountId).executeTakeFirst();
    return Number(res.numUpdatedRows) === 1;
  }

  async delete(accountId: string, id: string): Promise<boolean> {
    const res = await this.db.deleteFrom('templates').where('id', '=', id).where('account_id', '=', accountId).executeTakeFirst();
    return Number(res.numDeletedRows) === 1;
  }
}
