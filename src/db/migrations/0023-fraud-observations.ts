import { type Kysely, type Migration, SqliteAdapter } from 'kysely';

/**
 * What each instance's pumping rules observed (starts, sends, approvals), in batches, for the other
 * instances on the same PostgreSQL to count too (src/fraud/pumping/exchange.ts). Read in `seq`
 * order and dropped after a few minutes. Unused on SQLite, where one instance holds it all.
 */
export const fraudObservations: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    const sqlite = db.getExecutor().adapter instanceof SqliteAdapter;
    await db.schema
      .createTable('fraud_observations')
      .addColumn('seq', sqlite ? 'integer' : 'bigserial', (c) => c.primaryKey())
      .addColumn('origin', 'text', (c) => c.notNull())
      .addColumn('at', 'bigint', (c) => c.notNull())
      .addColumn('data', 'text', (c) => c.notNull())
      .execute();
  },
  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.dropTable('fraud_observations').ifExists().execute();
  },
};
