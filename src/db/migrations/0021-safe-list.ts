import type { Kysely, Migration } from 'kysely';

/** The safe list (src/fraud): numbers and prefixes of an account that its geo permissions and pumping rules never block. */
export const safeList: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('fraud_safe_list')
      .addColumn('account_id', 'text', (c) => c.notNull())
      .addColumn('entry', 'text', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('note', 'text')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('fraud_safe_list_pk', ['account_id', 'entry'])
      .execute();
  },
  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.dropTable('fraud_safe_list').ifExists().execute();
  },
};
