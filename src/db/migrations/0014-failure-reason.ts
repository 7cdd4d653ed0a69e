import type { Kysely, Migration } from 'kysely';

/**
 * Why a verification ended without approval (see src/verifications/failure-reason.ts) and, for a
 * delivery failure, the provider's error code; written with the status that ends it. Rows that
 * ended before keep null.
 */
export const failureReason: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    // One column per statement: SQLite adds only one at a time.
    await db.schema.alterTable('verifications').addColumn('failure_reason', 'text').execute();
    await db.schema.alterTable('verifications').addColumn('failure_provider_error', 'text').execute();
  },
  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.alterTable('verifications').dropColumn('failure_provider_error').execute();
    await db.schema.alterTable('verifications').dropColumn('failure_reason').execute();
  },
};
