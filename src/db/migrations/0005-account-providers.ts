import type { Kysely, Migration } from 'kysely';

/** Providers and routing rules an account configures for itself through the API. */
export const accountProviders: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('account_providers')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('account_id', 'text', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('type', 'text', (c) => c.notNull())
      .addColumn('options', 'text', (c) => c.notNull()) // JSON, secrets left out
      .addColumn('secrets_sealed', 'text') // AES-GCM of the JSON of the secret options; never returned
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('account_providers_name').on('account_providers').columns(['account_id', 'name']).unique().execute();
    await db.schema
      .createTable('account_routes')
      .addColumn('account_id', 'text', (c) => c.primaryKey())
      .addColumn('routes', 'text', (c) => c.notNull()) // JSON list of rules, as ROUTES
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .execute();
  },
  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.dropTable('account_routes').ifExists().execute();
    await db.schema.dropTable('account_providers').ifExists().execute();
  },
};
