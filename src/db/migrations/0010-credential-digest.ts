import type { Kysely, Migration } from 'kysely';

/**
 * A digest of each vendor secret, so a credential can be found by its secret alone (SMSC's
 * `apikey`). Secrets are random, so a plain SHA-256 is enough; the secret itself stays sealed.
 * Rows from before this migration have none and are found by login only.
 */
export const credentialDigest: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema.alterTable('vendor_credentials').addColumn('secret_digest', 'text').execute();
    await db.schema.createIndex('vendor_credentials_digest').on('vendor_credentials').columns(['vendor', 'secret_digest']).execute();
  },
  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.dropIndex('vendor_credentials_digest').ifExists().execute();
    await db.schema.alterTable('vendor_credentials').dropColumn('secret_digest').execute();
  },
};
