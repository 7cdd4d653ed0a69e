import { type Kysely, sql, type Transaction } from 'kysely';
import type { DatabaseHandle } from '../db/database.js';
import { RowsWriter } from '../db/prepared.js';
import type { Database } from '../db/schema.js';
import type { Grain } from './buckets.js';
import { APPROVAL_BOUNDS_S } from './buckets.js';
import { APPROVED_WITHIN, PROVIDER_COUNTS, type Tally, type TallyRow, VERIFICATION_COUNTS } from './tally.js';

export const V_KEY = ['account_id', 'grain', 'period', 'service_id', 'channel', 'country', 'provider'] as const;
export const P_KEY = ['account_id', 'grain', 'period', 'provider', 'channel'] as const;
export type VerificationDimension = 'service_id' | 'channel' | 'country' | 'provider';

type Table = 'verification_rollups' | 'provider_rollups' | 'provider_errors';

/** The most rows one upsert adds to: a flush's rows for a table go in as few statements as that allows. */
const ROWS_PER_UPSERT = 8;

/** Upserts into one table that add each row's counts to what the table's row with its key holds (it runs on every commit that counts). */
function adder(db: Kysely<Database>, table: Table, key: readonly string[], counts: readonly string[]): RowsWriter<TallyRow> {
  return new RowsWriter<TallyRow>(
    [...key, ...counts],
    ROWS_PER_UPSERT,
    (rows) =>
      db
        .insertInto(table)
        .values(rows as never)
        .onConflict((oc) => oc.columns(key as never).doUpdateSet(Object.fromEntries(counts.map((c) => [c, sql`${sql.ref(`${table}.${c}`)} + ${sql.ref(`excluded.${c}`)}`])) as never)),
    (row, values) => {
      for (let j = 0; j < key.length; j++) values.push(row.key[j]);
      for (const n of row.counts) values.push(n);
    },
  );
}

/** A row of the verification rollups as a query groups it. */
export type VerificationRollupRow = Partial<Record<'service_id' | 'channel' | 'country' | 'provider', string>> & { period?: number; p50?: number | null; p90?: number | null } & Record<
    (typeof VERIFICATION_COUNTS)[number],
    number
  >;

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
  private readonly adders: Record<Table, RowsWriter<TallyRow>>;

  constructor(private readonly handle: DatabaseHandle) {
    const { db } = handle;
    this.adders = {
      verification_rollups: adder(db, 'verification_rollups', V_KEY, VERIFICATION_COUNTS),
      provider_rollups: adder(db, 'provider_rollups', P_KEY, PROVIDER_COUNTS),
      provider_errors: adder(db, 'provider_errors', [...P_KEY, 'code'], ['n']),
    };
  }

  /**
   * The SQL sum of a counter column. PostgreSQL sums bigints as numeric, slow to add and to divide
   * and sent as text; as double precision the sum is exact (counts stay far below 2^53) and several
   * times cheaper, which is most of a grouped query's time.
   */
  private readonly sum = (column: string): string => (this.handle.dialect === 'postgres' ? `sum(cast(${column} as double precision))` : `sum(${column})`);

  async add(trx: Transaction<Database>, t: Tally): Promise<void> {
    await this.adders.verification_rollups.write(trx, [...t.verifications.values()]);
    await this.adders.provider_rollups.write(trx, [...t.providers.values()]);
    await this.adders.provider_errors.write(trx, [...t.errors.values()]);
  }

  /**
   * Sums of the verification counters over a range, one row per value of `by` (and period, if
   * asked), with the estimated p50 and p90 times to approve worked out by the database from the
   * summed histogram (see `quantileSql`), so a row crosses as a dozen values rather than thirty.
   * Without groups, one row of every counter, buckets included.
   */
  async verifications(r: RollupRange, by: readonly VerificationDimension[], perPeriod: boolean): Promise<VerificationRollupRow[]> {
    const groups = [...(perPeriod ? (['period'] as const) : []), ...by];
    const counts = groups.length > 0 ? BASE_COUNTS : VERIFICATION_COUNTS;
    let q = this.handle.db
      .selectFrom('verification_rollups')
      .select(groups)
      .select(counts.map((c) => sql<number>`${sql.raw(this.sum(c))}`.as(c)))
      .where('account_id', '=', r.accountId)
      .where('grain', '=', r.grain)
      .where('period', '>=', r.from)
      .where('period', '<', r.to);
    if (groups.length > 0) q = q.select([sql<number>`${sql.raw(quantileSql(0.5, this.sum))}`.as('p50'), sql<number>`${sql.raw(quantileSql(0.9, this.sum))}`.as('p90')]);
    for (const [dim, v] of Object.entries(r.where)) if (v !== undefined) q = q.where(dim as VerificationDimension, '=', v);
    if (groups.length > 0) q = q.groupBy(groups);
    return (await q.execute()).map((row) => numbers(row, NUMERIC)) as VerificationRollupRow[];
  }

  /** Approvals of the account's verifications to `country` that started since `from` (day rollups). */
  async approvalsTo(accountId: string, country: string, from: number): Promise<number> {
    const row = await this.handle.db
      .selectFrom('verification_rollups')
      .select(sql<number>`${sql.raw(this.sum('approved'))}`.as('n'))
      .where('account_id', '=', accountId)
      .where('grain', '=', 'd')
      .where('period', '>=', from)
      .where('country', '=', country)
      .executeTakeFirst();
    return Number(row?.n ?? 0);
  }

  /** Provider counters (receipt-time buckets among them) and error codes over a range, per provider and channel. */
  async providers(r: Omit<RollupRange, 'where'> & { channel?: string | undefined; provider?: string | undefined }) {
    const scoped = <T extends 'provider_rollups' | 'provider_errors'>(table: T) => {
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
    const [counts, errors] = await Promise.all([
      scoped('provider_rollups')
        .select(PROVIDER_COUNTS.map((c) => sql<number>`${sql.raw(this.sum(c))}`.as(c)))
        .groupBy(['provider', 'channel'])
        .execute(),
      scoped('provider_errors').select(sql<string>`code`.as('code')).select(sql<number>`sum(n)`.as('n')).groupBy(['provider', 'channel', sql`code`]).execute(),
    ]);
    return {
      counts: counts.map((row) => numbers(row)) as Array<{ provider: string; channel: string } & Record<(typeof PROVIDER_COUNTS)[number], number>>,
      errors: errors.map((row) => numbers(row)) as unknown as Array<{ provider: string; channel: string; code: string; n: number }>,
    };
  }
}

const BASE_COUNTS = VERIFICATION_COUNTS.filter((c) => !c.startsWith('approve_le'));
const NUMERIC = new Set<string>([...VERIFICATION_COUNTS, ...PROVIDER_COUNTS, 'p50', 'p90', 'n']);

/**
 * The `q` quantile of the summed approval times as one SQL expression, the same estimate as
 * `quantile` in buckets.ts: the first bucket whose running total reaches q × the approvals, then
 * linear inside it (its lower bound, for the open last bucket).
 */
export function quantileSql(q: number, sum: (column: string) => string = (c) => `sum(${c})`): string {
  const within = (i: number) => (i < 0 ? '0' : sum(APPROVED_WITHIN[i] as string));
  const rank = `(${q} * ${sum('approved')})`;
  const arms = APPROVED_WITHIN.map((_, i) => {
    const lower = i === 0 ? 0 : (APPROVAL_BOUNDS_S[i - 1] as number);
    const width = (APPROVAL_BOUNDS_S[i] as number) - lower;
    return `when ${within(i)} >= ${rank} then ${lower} + ${width} * (${rank} - ${within(i - 1)}) / (${within(i)} - ${within(i - 1)})`;
  });
  return `case when ${sum('approved')} = 0 then null ${arms.join(' ')} else ${APPROVAL_BOUNDS_S.at(-2)} end`;
}

/** PostgreSQL sums bigints as numeric, which arrives as a string; counts are far below 2^53. */
function numbers<T extends Record<string, unknown>>(row: T, numeric: ReadonlySet<string> = NUMERIC): T {
  for (const k in row) {
    const v = row[k];
    if (typeof v === 'string' && numeric.has(k)) (row as Record<string, unknown>)[k] = Number(v);
  }
  return row;
}
