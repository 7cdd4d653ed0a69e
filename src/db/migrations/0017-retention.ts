import { type Kysely, type Migration, sql } from 'kysely';

/**
 * Retention: the sweeper deletes verifications by age (oldest first) and pseudonymizes the
 * destinations of those past PII_RETENTION_DAYS; the second index holds only rows whose
 * destination is still readable, so that sweep never walks the ones it already did.
 */
export const retention: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema.createIndex('verifications_created').on('verifications').column('created_at').execute();
    await db.schema.createIndex('verifications_readable_created').on('verifications').column('created_at').where(sql.ref('to'), 'not like', 'pii:%').execute();
  },
  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.dropIndex('verifications_readable_created').execute();
    await db.schema.dropIndex('verifications_created').execute();
  },
};
