import type { Kysely, Migration } from 'kysely';

/**
 * The numeric verificationIds handed to Message Central clients (see src/compat/messagecentral/sql-verification-numbers.ts).
 */
export const messageCentralNumbers: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('messagecentral_numbers')
      .addColumn('account_id', 'text', (c) => c.notNull())
      .addColumn('number', 'text', (c) => c.notNull()) // the verificationId clients see
      .addColumn('verification_id', 'text', (c) => c.notNull())
      .addColumn('destination', 'text', (c) => c.notNull()) // E.164 or address, as Verity stores it
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('messagecentral_numbers_pk', ['account_id', 'number'])
      .execute();
    // 506 REQUEST_ALREADY_EXISTS looks up the newest send to a destination.
    await db.schema.createIndex('messagecentral_numbers_destination').on('messagecentral_numbers').columns(['account_id', 'destination', 'created_at']).execute();
    await db.schema.createIndex('messagecentral_numbers_created').on('messagecentral_numbers').columns(['created_at']).execute();
  },
  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.dropTable('messagecentral_numbers').ifExists().execute();
  },
};
