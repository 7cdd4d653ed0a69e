import type { Kysely, Migration } from 'kysely';

/**
 * The pumping rules' record (src/fraud): the decisions that refused a start or a resend, or would
 * have in shadow mode, with their reasons; and the prefixes blocked as a whole for a while.
 */
export const fraudDecisions: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('fraud_decisions')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('account_id', 'text', (c) => c.notNull())
      .addColumn('service_id', 'text')
      .addColumn('verification_id', 'text')
      .addColumn('action', 'text', (c) => c.notNull())
      .addColumn('outcome', 'text', (c) => c.notNull())
      .addColumn('reason', 'text', (c) => c.notNull())
      .addColumn('mode', 'text', (c) => c.notNull())
      .addColumn('score', 'integer', (c) => c.notNull())
      .addColumn('threshold', 'integer', (c) => c.notNull())
      .addColumn('channel', 'text', (c) => c.notNull())
      .addColumn('country', 'text', (c) => c.notNull())
      .addColumn('prefix', 'text', (c) => c.notNull())
      .addColumn('block_id', 'text')
      .addColumn('signals', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('fraud_decisions_account').on('fraud_decisions').columns(['account_id', 'created_at', 'id']).execute();
    await db.schema
      .createTable('fraud_blocks')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('account_id', 'text', (c) => c.notNull())
      .addColumn('prefix', 'text', (c) => c.notNull())
      .addColumn('country', 'text', (c) => c.notNull())
      .addColumn('seq', 'integer', (c) => c.notNull())
      .addColumn('level', 'integer', (c) => c.notNull())
      .addColumn('mode', 'text', (c) => c.notNull())
      .addColumn('reasons', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('expires_at', 'bigint', (c) => c.notNull())
      .addColumn('lifted_at', 'bigint')
      .addColumn('lifted_by', 'text')
      // Set once its end was announced (fraud.prefix_unblocked), by whichever instance got there first.
      .addColumn('ended', 'integer', (c) => c.notNull().defaultTo(0))
      .addUniqueConstraint('fraud_blocks_seq', ['account_id', 'prefix', 'seq'])
      .execute();
    await db.schema.createIndex('fraud_blocks_account').on('fraud_blocks').columns(['account_id', 'expires_at']).execute();
    await db.schema.createIndex('fraud_blocks_ending').on('fraud_blocks').columns(['ended', 'expires_at']).execute();
  },
  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.dropTable('fraud_blocks').ifExists().execute();
    await db.schema.dropTable('fraud_decisions').ifExists().execute();
  },
};
