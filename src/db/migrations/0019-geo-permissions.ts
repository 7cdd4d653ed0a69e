import type { Kysely, Migration } from 'kysely';

/**
 * Geo permissions (src/fraud): per account, overridable per service and per channel, whether
 * messages may go to a country. A scope is (account, service or '', channel or ''); its rows are
 * its countries, and '*' is its answer for the countries it does not name.
 */
export const geoPermissions: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('geo_rules')
      .addColumn('account_id', 'text', (c) => c.notNull())
      .addColumn('service_id', 'text', (c) => c.notNull())
      .addColumn('channel', 'text', (c) => c.notNull())
      .addColumn('country', 'text', (c) => c.notNull())
      .addColumn('action', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('geo_rules_pk', ['account_id', 'service_id', 'channel', 'country'])
      .execute();
  },
  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.dropTable('geo_rules').ifExists().execute();
  },
};
