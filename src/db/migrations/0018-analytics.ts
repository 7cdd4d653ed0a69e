import type { CreateTableBuilder, Kysely, Migration } from 'kysely';

/**
 * Conversion and delivery analytics (src/analytics): counters per account, hour or day, and
 * dimensions, added to in the transaction of each change, so a query over a range reads a number
 * of rows that depends on the range and the dimensions, never on how many verifications there
 * were. Rollups outlive the verifications they count (retention does not touch them).
 * `provider` on a verification is the provider its first message was routed to.
 */
const COUNTS = {
  verification_rollups: ['started', 'sent', 'delivered', 'approved', 'failed', 'expired', 'canceled', 'spend_micros'],
  provider_rollups: ['sent', 'delivered', 'undeliverable', 'errors', 'failed', 'receipts'],
} as const;
const V_KEY = ['account_id', 'grain', 'period', 'service_id', 'channel', 'country', 'provider'];
const P_KEY = ['account_id', 'grain', 'period', 'provider', 'channel'];

function keyed(b: CreateTableBuilder<string, never>, key: readonly string[]): CreateTableBuilder<string, never> {
  let t = b;
  for (const c of key) t = t.addColumn(c, c === 'period' ? 'bigint' : 'text', (col) => col.notNull());
  return t;
}

function counted(b: CreateTableBuilder<string, never>, counts: readonly string[]): CreateTableBuilder<string, never> {
  let t = b;
  for (const c of counts) t = t.addColumn(c, 'bigint', (col) => col.notNull().defaultTo(0));
  return t;
}

export const analytics: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema.alterTable('verifications').addColumn('provider', 'text').execute();
    await counted(keyed(db.schema.createTable('verification_rollups'), V_KEY), COUNTS.verification_rollups)
      .addPrimaryKeyConstraint('verification_rollups_pk', V_KEY as never)
      .execute();
    // Times to approve, as a histogram per verification rollup (bucket: see analytics/buckets.ts).
    const tKey = [...V_KEY, 'bucket'];
    await keyed(db.schema.createTable('approval_times'), V_KEY)
      .addColumn('bucket', 'integer', (c) => c.notNull())
      .addColumn('n', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('approval_times_pk', tKey as never)
      .execute();
    await counted(keyed(db.schema.createTable('provider_rollups'), P_KEY), COUNTS.provider_rollups)
      .addPrimaryKeyConstraint('provider_rollups_pk', P_KEY as never)
      .execute();
    // Times from queueing to a delivery receipt, and provider error codes, per provider rollup.
    await keyed(db.schema.createTable('receipt_times'), P_KEY)
      .addColumn('bucket', 'integer', (c) => c.notNull())
      .addColumn('n', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('receipt_times_pk', [...P_KEY, 'bucket'] as never)
      .execute();
    await keyed(db.schema.createTable('provider_errors'), P_KEY)
      .addColumn('code', 'text', (c) => c.notNull())
      .addColumn('n', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('provider_errors_pk', [...P_KEY, 'code'] as never)
      .execute();
  },
  async down(db: Kysely<unknown>): Promise<void> {
    for (const t of ['provider_errors', 'receipt_times', 'provider_rollups', 'approval_times', 'verification_rollups']) await db.schema.dropTable(t).ifExists().execute();
    await db.schema.alterTable('verifications').dropColumn('provider').execute();
  },
};
