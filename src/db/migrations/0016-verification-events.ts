import { type Kysely, type Migration, SqliteAdapter, sql } from 'kysely';

/**
 * The timeline of each verification: one append-only log, written in the transaction of the
 * change each entry describes, read in id order (ids sort as written). The key (verification,
 * id) is the only index: on SQLite the table is stored in it (WITHOUT ROWID), so an entry costs
 * one B-tree insert; both keys grow with time, so entries append to its end.
 */
export const verificationEvents: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    const sqlite = db.getExecutor().adapter instanceof SqliteAdapter;
    await db.schema
      .createTable('verification_events')
      .addColumn('verification_id', 'text', (c) => c.notNull())
      .addColumn('id', 'text', (c) => c.notNull())
      .addColumn('at', 'bigint', (c) => c.notNull())
      .addColumn('type', 'text', (c) => c.notNull())
      .addColumn('data', 'text')
      .addPrimaryKeyConstraint('verification_events_pk', ['verification_id', 'id'])
      .$call((b) => (sqlite ? b.modifyEnd(sql`without rowid`) : b))
      .execute();
  },
  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.dropTable('verification_events').ifExists().execute();
  },
};
