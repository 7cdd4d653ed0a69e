import type { Kysely, Migration } from 'kysely';

/**
 * The timeline of each verification: one append-only log, written in the transaction of the
 * change each entry describes, read in id order (ids sort as written).
 */
export const verificationEvents: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('verification_events')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('verification_id', 'text', (c) => c.notNull())
      .addColumn('at', 'bigint', (c) => c.notNull())
      .addColumn('type', 'text', (c) => c.notNull())
      .addColumn('data', 'text')
      .execute();
    await db.schema.createIndex('verification_events_verification').on('verification_events').columns(['verification_id', 'id']).execute();
  },
  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.dropTable('verification_events').ifExists().execute();
  },
};
