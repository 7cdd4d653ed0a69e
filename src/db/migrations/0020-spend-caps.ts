import type { Kysely, Migration } from 'kysely';

/**
 * Spend caps (src/fraud): an account's own fraud settings (its caps among them), and what it spent
 * in each period a cap counts, added to in the transaction of each paid send, so a cap holds on
 * every instance at once.
 */
export const spendCaps: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('fraud_settings')
      .addColumn('account_id', 'text', (c) => c.primaryKey())
      .addColumn('settings', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('spend_counters')
      .addColumn('account_id', 'text', (c) => c.notNull())
      .addColumn('period', 'text', (c) => c.notNull())
      .addColumn('spent_micros', 'bigint', (c) => c.notNull())
      .addColumn('ends_at', 'bigint', (c) => c.notNull())
      .addColumn('cap_micros', 'bigint')
      .addPrimaryKeyConstraint('spend_counters_pk', ['account_id', 'period'])
      .execute();
    await db.schema.createIndex('spend_counters_ends').on('spend_counters').column('ends_at').execute();
  },
  async down(db: Kysely<unknown>): Promise<void> {
    for (const t of ['spend_counters', 'fraud_settings']) await db.schema.dropTable(t).ifExists().execute();
  },
};
