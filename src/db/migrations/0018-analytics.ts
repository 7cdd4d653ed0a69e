import { type CreateTableBuilder, type Kysely, type Migration, SqliteAdapter, sql } from 'kysely';

/**
 * Conversion and delivery analytics (src/analytics): counters per account, hour or day, and
 * dimensions, added to in the transaction of each change, so a query over a range reads a number
 * of rows that depends on the range and the dimensions, never on how many verifications there
 * were. Rollups outlive the verifications they count (retention does not touch them).
 * `provider` on a verification is the provider its first message was routed to.
 */
// The time histograms are columns of their rows, so a query reads one row per key and period:
// `approve_le<i>` counts the approvals within the i-th finite bound of APPROVAL_BOUNDS_S (running
// totals, so a percentile needs two columns, not all of them; `approved` is the whole), and
// `receipt_b<i>` the receipts in the i-th bucket of RECEIPT_BOUNDS_MS (src/analytics/buckets.ts).
const buckets = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}${i}`);
const COUNTS = {
  verification_rollups: ['started', 'sent', 'delivered', 'approved', 'failed', 'expired', 'canceled', 'spend_micros', ...buckets('approve_le', 16)],
  provider_rollups: ['sent', 'delivered', 'undeliverable', 'errors', 'failed', 'receipts', ...buckets('receipt_b', 15)],
} as const;
const V_KEY = ['account_id', 'grain', 'period', 'service_id', 'channel', 'country', 'provider'];
// The key in the order the commonest query groups by (period, channel, country): on SQLite the
// table is stored in it (WITHOUT ROWID), so that query reads it in order, with no sort.
const V_ORDER = ['account_id', 'grain', 'period', 'channel', 'country', 'service_id', 'provider'];
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
    const sqlite = db.getExecutor().adapter instanceof SqliteAdapter;
    const clustered = <T extends { modifyEnd(s: ReturnType<typeof sql>): T }>(b: T): T => (sqlite ? b.modifyEnd(sql`without rowid`) : b);
    await db.schema.alterTable('verifications').addColumn('provider', 'text').execute();
    await clustered(counted(keyed(db.schema.createTable('verification_rollups'), V_KEY), COUNTS.verification_rollups).addPrimaryKeyConstraint('verification_rollups_pk', V_ORDER as never)).execute();
    await clustered(counted(keyed(db.schema.createTable('provider_rollups'), P_KEY), COUNTS.provider_rollups).addPrimaryKeyConstraint('provider_rollups_pk', P_KEY as never)).execute();
    // Provider error codes, per provider rollup.
    await clustered(
      keyed(db.schema.createTable('provider_errors'), P_KEY)
        .addColumn('code', 'text', (c) => c.notNull())
        .addColumn('n', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('provider_errors_pk', [...P_KEY, 'code'] as never),
    ).execute();
  },
  async down(db: Kysely<unknown>): Promise<void> {
    for (const t of ['provider_errors', 'provider_rollups', 'verification_rollups']) await db.schema.dropTable(t).ifExists().execute();
    await db.schema.alterTable('verifications').dropColumn('provider').execute();
  },
};
