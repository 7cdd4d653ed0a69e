import { type Kysely, sql, type Transaction } from 'kysely';
import type { DatabaseHandle } from '../db/database.js';
import { PreparedQuery } from '../db/prepared.js';
import type { Database } from '../db/schema.js';
import type { Grain } from './buckets.js';
import { PROVIDER_COUNTS, type Tallies, VERIFICATION_COUNTS } from './tally.js';

export const V_KEY = ['account_id', 'grain', 'period', 'service_id', 'channel', 'country', 'provider'] as const;
export const P_KEY = ['account_id', 'grain', 'period', 'provider', 'channel'] as const;
export type VerificationDimension = 'service_id' | 'channel' | 'country' | 'provider';

type Table = 'verification_rollups' | 'approval_times' | 'provider_rollups' | 'receipt_times' | 'provider_errors';

/** An upsert of one row that adds `counts` to what the row holds, prepared once (it runs on every commit that counts). */
function adder(db: Kysely<Database>, table: Table, key: readonly string[], counts: readonly string[]): PreparedQuery<Record<string, unknown>> {
  return new PreparedQuery<Record<string, unknown>>((p) =>
    db
      .insertInto(table)
      .values(Object.fromEntries([...key, ...counts].map((c) => [c, p[c]])) as never)
      .onConflict((oc) => oc.columns(key as never).doUpdateSet(Object.fromEntries(counts.map((c) => [c, sql`${sql.ref(`${table}.${c}`)} + ${sql.ref(`excluded.${c}`)}`])) as never)),
  );
}

/** A row of the verification rollups as a query groups it. */
export interface VerificationRollupRow {
  period?: number;
  service_id?: string;
  channel?: string;
  country?: string;
  provider?: string;
  started: number;
  sent: number;
  delivered: number;
  approved: number;
  failed: number;
  expired: number;
  canceled: number;
  spend_micros: number;
}

export interface RollupRange {
  accountId: string;
  grain: Grain;
  from: number;
  to: number;
  /** Only these values of these dimensions. */
  where: Partial<Record<VerificationDimension, string>>;
}

/** SQL of the rollups: adding a flush's tallies, and reading ranges of them grouped by dimensions. */
export class RollupStore {
  private readonly adders: Record<Table, PreparedQuery<Record<string, unknown>>>;

  constructor(private readonly handle: DatabaseHandle) {
    const { db } = handle;
    this.adders = {
      verification_rollups: adder(db, 'verification_rollups', V_KEY, VERIFICATION_COUNTS),
      approval_times: adder(db, 'approval_times', [...V_KEY, 'bucket'], ['n']),
      provider_rollups: adder(db, 'provider_rollups', P_KEY, PROVIDER_COUNTS),
      receipt_times: adder(db, 'receipt_times', [...P_KEY, 'bucket'], ['n']),
      provider_errors: adder(db, 'provider_errors', [...P_KEY, 'code'], ['n']),
    };
  }

  async add(trx: Transaction<Database>, t: Tallies): Promise<void> {
    const run = async (table: Table, key: readonly string[], k: string, counts: Record<string, number>) => {
      const parts = JSON.parse(k) as unknown[];
      const args: Record<string, unknown> = { ...counts };
      key.forEach((c, i) => {
        args[c] = parts[i];
      });
      await trx.executeQuery(this.adders[table].bind(args));
    };
    for (const [k, c] of t.verifications) await run('verification_rollups', V_KEY, k, c);
    for (const [k, n] of t.approvalTimes) await run('approval_times', [...V_KEY, 'bucket'], k, { n });
    for (const [k, c] of t.providers) await run('provider_rollups', P_KEY, k, c);
    for (const [k, n] of t.receiptTimes) await run('receipt_times', [...P_KEY, 'bucket'], k, { n });
    for (const [k, n] of t.errors) await run('provider_errors', [...P_KEY, 'code'], k, { n });
  }

  /** Sums of the verification counters over a range, one row per value of `by` (and period, if asked). */
  async verifications(r: RollupRange, by: readonly VerificationDimension[], perPeriod: boolean): Promise<VerificationRollupRow[]> {
    const groups = [...(perPeriod ? (['period'] as const) : []), ...by];
    let q = this.handle.db
      .selectFrom('verification_rollups')
      .select(groups)
      .select((eb) => VERIFICATION_COUNTS.map((c) => eb.fn.sum<number>(c).as(c)))
      .where('account_id', '=', r.accountId)
      .where('grain', '=', r.grain)
      .where('period', '>=', r.from)
      .where('period', '<', r.to);
    for (const [dim, v] of Object.entries(r.where)) if (v !== undefined) q = q.where(dim as VerificationDimension, '=', v);
    if (groups.length > 0) q = q.groupBy(groups);
    return (await q.execute()).map((row) => numbers(row)) as VerificationRollupRow[];
  }

  /** The approval-time histograms over a range, per value of `by` (and period) and bucket. */
  async approvalTimes(r: RollupRange, by: readonly VerificationDimension[], perPeriod: boolean): Promise<Array<Record<string, unknown> & { bucket: number; n: number }>> {
    const groups = [...(perPeriod ? (['period'] as const) : []), ...by, 'bucket' as const];
    let q = this.handle.db
      .selectFrom('approval_times')
      .select(groups)
      .select((eb) => eb.fn.sum<number>('n').as('n'))
      .where('account_id', '=', r.accountId)
      .where('grain', '=', r.grain)
      .where('period', '>=', r.from)
      .where('period', '<', r.to);
    for (const [dim, v] of Object.entries(r.where)) if (v !== undefined) q = q.where(dim as VerificationDimension, '=', v);
    return (await q.groupBy(groups).execute()).map((row) => numbers(row)) as Array<Record<string, unknown> & { bucket: number; n: number }>;
  }

  /** Provider counters, receipt-time histograms and error codes over a range, per provider and channel. */
  async providers(r: Omit<RollupRange, 'where'> & { channel?: string | undefined; provider?: string | undefined }) {
    const scoped = <T extends 'provider_rollups' | 'receipt_times' | 'provider_errors'>(table: T) => {
      let q = this.handle.db
        .selectFrom(table as 'provider_rollups')
        .select(['provider', 'channel'])
        .where('account_id', '=', r.accountId)
        .where('grain', '=', r.grain)
        .where('period', '>=', r.from)
        .where('period', '<', r.to);
      if (r.channel !== undefined) q = q.where('channel', '=', r.channel);
      if (r.provider !== undefined) q = q.where('provider', '=', r.provider);
      return q;
    };
    const [counts, times, errors] = await Promise.all([
      scoped('provider_rollups')
        .select((eb) => PROVIDER_COUNTS.map((c) => eb.fn.sum<number>(c).as(c)))
        .groupBy(['provider', 'channel'])
        .execute(),
      scoped('receipt_times').select(sql<number>`bucket`.as('bucket')).select(sql<number>`sum(n)`.as('n')).groupBy(['provider', 'channel', sql`bucket`]).execute(),
      scoped('provider_errors').select(sql<string>`code`.as('code')).select(sql<number>`sum(n)`.as('n')).groupBy(['provider', 'channel', sql`code`]).execute(),
    ]);
    return {
      counts: counts.map((row) => numbers(row)) as Array<{ provider: string; channel: string } & Record<(typeof PROVIDER_COUNTS)[number], number>>,
      times: times.map((row) => numbers(row)) as unknown as Array<{ provider: string; channel: string; bucket: number; n: number }>,
      errors: errors.map((row) => numbers(row)) as unknown as Array<{ provider: string; channel: string; code: string; n: number }>,
    };
  }
}

/** PostgreSQL sums bigints as numeric, which arrives as a string; counts are far below 2^53. */
function numbers<T extends Record<string, unknown>>(row: T): T {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(row)) out[k] = typeof v === 'string' && /^-?\d+$/.test(v) && k !== 'code' && !['service_id', 'channel', 'country', 'provider'].includes(k) ? Number(v) : v;
  return out as T;
}
