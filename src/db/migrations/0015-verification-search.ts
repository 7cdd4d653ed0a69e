import type { Kysely, Migration } from 'kysely';

/**
 * The list and search of verifications: an account's newest first (by creation time, then id, the
 * page cursor's order), and an account's verifications of one destination.
 */
export const verificationSearch: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema.createIndex('verifications_account_created').on('verifications').columns(['account_id', 'created_at', 'id']).execute();
    await db.schema.createIndex('verifications_account_to').on('verifications').columns(['account_id', 'to', 'created_at']).execute();
  },
  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.dropIndex('verifications_account_to').execute();
    await db.schema.dropIndex('verifications_account_created').execute();
  },
};
