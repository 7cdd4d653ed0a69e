import type { Kysely, Migration } from 'kysely';

/** Ids of single-use credentials already spent (Number Verification codes and tokens), until they expire. */
export const singleUse: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('spent_tokens')
      .addColumn('jti', 'text', (c) => c.primaryKey())
      .addColumn('expires_at', 'bigint', (c) => c.notNull())
      .execute();
  },
  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.dropTable('spent_tokens').ifExists().execute();
  },
};
