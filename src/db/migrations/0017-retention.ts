import { type Kysely, type Migration, sql } from 'kysely';

/**
 * Retention: the sweeper pseudonymizes the destinations of verifications past PII_RETENTION_DAYS.
 * This index holds only rows whose destination is still readable, so the sweep never walks the
 * ones it already did. (Deleting by age reads the list's (account, created) index.)
 */
export const retention: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema.createIndex('verifications_readable_created').on('verifications').column('created_at').where(sql.ref('to'), 'not like', 'pii:%').execute();
  },
  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.dropIndex('verifications_readable_created').execute();
  },
};
