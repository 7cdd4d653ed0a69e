import type { Kysely, Migration } from 'kysely';

/**
 * Credentials in each compat vendor's own form (Claro key/secret, Zadarma key/secret, SMSC
 * login/password or apikey, Message Central customerId/password), each belonging to a Verity
 * account. The secret is sealed, not hashed: Zadarma signs with it and SMSC clients send its MD5.
 */
export const vendorCredentials: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('vendor_credentials')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('account_id', 'text', (c) => c.notNull())
      .addColumn('vendor', 'text', (c) => c.notNull()) // claro | zadarma | smsc | messagecentral
      .addColumn('login', 'text', (c) => c.notNull()) // key, login or customerId
      .addColumn('secret_sealed', 'text', (c) => c.notNull())
      .addColumn('settings', 'text') // JSON: per-credential vendor settings (a notification URL, …)
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('vendor_credentials_login').unique().on('vendor_credentials').columns(['vendor', 'login']).execute();
    await db.schema.createIndex('vendor_credentials_account').on('vendor_credentials').columns(['account_id']).execute();
  },
  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.dropTable('vendor_credentials').ifExists().execute();
  },
};
