import { AppError } from '../errors/index.js';
import { queryInstant } from '../http/query-time.js';
import { accountOf, type Principal } from '../http/types.js';
import type { Clock } from '../lib/clock.js';
import { APPROVAL_BOUNDS_S, DAY_MS, type Grain, HOUR_MS, periodOf, quantile, RECEIPT_BOUNDS_MS } from './buckets.js';
import type { RollupStore, VerificationDimension } from './rollup-store.js';
import { APPROVED_WITHIN, RECEIPT_BUCKETS, VERIFICATION_COUNTS } from './tally.js';

export const GROUPS = ['channel', 'country', 'service', 'provider', 'outcome'] as const;
export type Group = (typeof GROUPS)[number];
const OUTCOMES = ['approved', 'failed', 'expired', 'canceled', 'pending'] as const;
/** The longest range one query may cover, so a query reads a bounded number of rows. */
const MAX_PERIODS = { h: 24 * 31, d: 400 } as const;

export interface AnalyticsQuery {
  account?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
  interval?: 'hour' | 'day' | undefined;
  group_by?: string | undefined;
  service?: string | undefined;
  channel?: string | undefined;
  country?: string | undefined;
  provider?: string | undefined;
}

interface Measures {
  started: number;
  sent: number | null;
  delivered: number | null;
  approved: number;
  failed: number;
  expired: number;
  canceled: number;
  pending: number;
  conversion_rate: number | null;
  time_to_approve_p50_s: number | null;
  time_to_approve_p90_s: number | null;
  spend_micros: number | null;
}

export type AnalyticsRow = Partial<Record<Exclude<Group, 'outcome'>, string | null>> & { period?: string; outcome?: (typeof OUTCOMES)[number] } & Measures;

const DIMENSION: Record<Exclude<Group, 'outcome'>, VerificationDimension> = { channel: 'channel', country: 'country', service: 'service_id', provider: 'provider' };
const round = (x: number | null, digits: number) => (x === null ? null : Math.round(x * 10 ** digits) / 10 ** digits);

/**
 * Conversion and delivery analytics, read from the rollups (see tally.ts for what each counter
 * counts): a range of hours or days, grouped by any of channel, country, service, provider and
 * outcome. Verifications are counted in the period they started in.
 */
export class AnalyticsService {
  constructor(
    private readonly store: RollupStore,
    private readonly clock: Clock,
    private readonly currencyOf: (accountId: string) => Promise<string>,
  ) {}

  async verifications(caller: Principal, q: AnalyticsQuery) {
    const accountId = accountOf(caller, q.account, 'read another account’s analytics');
    const { grain, from, to } = this.range(q);
    const groups = this.groups(q.group_by);
    const dims = groups.filter((g): g is Exclude<Group, 'outcome'> => g !== 'outcome').map((g) => DIMENSION[g]);
    const perPeriod = q.interval !== undefined;
    const range = {
      accountId,
      grain,
      from,
      to,
      where: { service_id: q.service, channel: q.channel, country: q.country?.toUpperCase(), provider: q.provider },
    };
    const grouped = perPeriod || dims.length > 0;
    // The groups with their percentiles, and the totals with their whole histogram.
    const [rows, [total]] = await Promise.all([grouped ? this.store.verifications(range, dims, perPeriod) : Promise.resolve([]), this.store.verifications(range, [], false)]);
    const data: AnalyticsRow[] = [];
    const sorted = grouped ? rows.sort((a, b) => (perPeriod ? (a.period as number) - (b.period as number) : 0) || b.started - a.started) : total ? [total] : [];
    const byOutcome = groups.includes('outcome');
    const labelled = groups.filter((g): g is Exclude<Group, 'outcome'> => g !== 'outcome');
    // Each row's labels are written into its measures: copying thousands of rows with spreads costs more than the query.
    const label = (row: AnalyticsRow, r: (typeof sorted)[number]): AnalyticsRow => {
      if (perPeriod) row.period = new Date(r.period as number).toISOString();
      for (const g of labelled) row[g] = (r[DIMENSION[g]] as string) || null;
      return row;
    };
    for (const r of sorted) {
      if (byOutcome) for (const row of splitByOutcome(r)) data.push(label(row, r));
      else data.push(label(measures(r), r));
    }
    return {
      account: accountId,
      from: new Date(from).toISOString(),
      to: new Date(to).toISOString(),
      interval: q.interval ?? null,
      group_by: groups,
      currency: await this.currencyOf(accountId),
      totals: measures(total ?? EMPTY),
      data,
    };
  }

  /** Per provider and channel over the range: attempts, delivery rate, median time to receipt, top error codes. */
  async providers(caller: Principal, q: AnalyticsQuery) {
    const accountId = accountOf(caller, q.account, 'read another account’s analytics');
    const { grain, from, to } = this.range(q);
    const { counts, errors } = await this.store.providers({ accountId, grain, from, to, channel: q.channel, provider: q.provider });
    const key = (r: { provider: string; channel: string }) => `${r.provider}\u0000${r.channel}`;
    const codes = new Map<string, Array<{ code: string; count: number }>>();
    for (const e of errors) codes.set(key(e), [...(codes.get(key(e)) ?? []), { code: e.code, count: e.n }]);
    const providers = counts
      .map((c) => {
        const attempts = c.sent + c.errors;
        const median = quantile(RECEIPT_BOUNDS_MS, histogram(c, RECEIPT_BUCKETS), 0.5);
        return {
          provider: c.provider,
          channel: c.channel,
          attempts,
          sent: c.sent,
          delivered: c.delivered,
          undeliverable: c.undeliverable,
          errors: c.errors,
          failed: c.failed,
          receipts: c.receipts,
          acceptance_rate: attempts > 0 ? round(c.sent / attempts, 4) : null,
          delivery_rate: c.sent > 0 ? round(c.delivered / c.sent, 4) : null,
          receipt_p50_ms: median === null ? null : Math.round(median),
          top_errors: (codes.get(key(c)) ?? []).sort((a, b) => b.count - a.count || a.code.localeCompare(b.code)).slice(0, 5),
        };
      })
      .sort((a, b) => b.attempts - a.attempts || a.provider.localeCompare(b.provider));
    return { account: accountId, from: new Date(from).toISOString(), to: new Date(to).toISOString(), providers };
  }

  /** The whole periods the range touches: `from` rounds down to its hour or day, `to` up. */
  private range(q: AnalyticsQuery): { grain: Grain; from: number; to: number } {
    const grain: Grain = q.interval === 'hour' ? 'h' : 'd';
    const size = grain === 'h' ? HOUR_MS : DAY_MS;
    // Without `to`, the range ends with the period under way.
    const to = queryInstant('to', q.to) ?? periodOf(grain, this.clock.now()) + size;
    const from = queryInstant('from', q.from) ?? to - (grain === 'h' ? DAY_MS : 30 * DAY_MS);
    if (from >= to) throw new AppError('VALIDATION_FAILED', 'from must be before to');
    const start = periodOf(grain, from);
    const end = periodOf(grain, to - 1) + size;
    if ((end - start) / size > MAX_PERIODS[grain]) throw new AppError('VALIDATION_FAILED', `a range may cover at most ${MAX_PERIODS[grain]} ${grain === 'h' ? 'hours' : 'days'}`);
    return { grain, from: start, to: end };
  }

  private groups(raw: string | undefined): Group[] {
    if (raw === undefined || raw === '') return [];
    const out: Group[] = [];
    for (const g of raw.split(',').map((s) => s.trim())) {
      if (!(GROUPS as readonly string[]).includes(g)) throw new AppError('VALIDATION_FAILED', `group_by takes ${GROUPS.join(', ')}; not "${g}"`);
      if (!out.includes(g as Group)) out.push(g as Group);
    }
    return out;
  }
}

/** The approval histogram (bucket → count) from a row's running totals. */
function approvalHistogram(r: Counts): Map<number, number> {
  const within = APPROVED_WITHIN.map((c) => Number(r[c] ?? 0));
  return new Map([...within, Number(r.approved ?? 0)].map((n, i) => [i, n - (i === 0 ? 0 : (within[i - 1] as number))]));
}

/** A histogram (bucket → count) from a row's bucket columns. */
function histogram(row: Record<string, unknown>, buckets: readonly string[]): Map<number, number> {
  return new Map(buckets.map((b, i) => [i, Number(row[b] ?? 0)]));
}

type Counts = Record<(typeof VERIFICATION_COUNTS)[number], number> & { p50?: number | null; p90?: number | null };
const EMPTY = Object.fromEntries(VERIFICATION_COUNTS.map((c) => [c, 0])) as Counts;

/** A row's measures; its percentiles as the database estimated them, or from its buckets (the totals). */
function measures(r: Counts, approvals = true): Measures {
  const ended = r.approved + r.failed + r.expired + r.canceled;
  const p = (q: 0.5 | 0.9) => {
    if (!approvals) return null;
    const sql = q === 0.5 ? r.p50 : r.p90;
    return round(sql !== undefined ? sql : quantile(APPROVAL_BOUNDS_S, approvalHistogram(r), q), 1);
  };
  return {
    started: r.started ?? 0,
    sent: r.sent ?? 0,
    delivered: r.delivered ?? 0,
    approved: r.approved ?? 0,
    failed: r.failed ?? 0,
    expired: r.expired ?? 0,
    canceled: r.canceled ?? 0,
    pending: Math.max(0, r.started - ended),
    conversion_rate: r.started > 0 ? round(r.approved / r.started, 4) : null,
    time_to_approve_p50_s: p(0.5),
    time_to_approve_p90_s: p(0.9),
    spend_micros: r.spend_micros ?? 0,
  };
}

/**
 * One row per outcome of a group: its verifications (`started`) and, for approved ones, their
 * times. Messages and spend belong to a verification, not to how it ended: they are null in these
 * rows (the totals hold them).
 */
function splitByOutcome(r: Counts): AnalyticsRow[] {
  const all = measures(r);
  return OUTCOMES.filter((o) => all[o] > 0).map((o) => {
    const n = all[o];
    const only = (x: (typeof OUTCOMES)[number]) => (o === x ? n : 0);
    const row: AnalyticsRow = measures({ ...r, started: n, approved: only('approved'), failed: only('failed'), expired: only('expired'), canceled: only('canceled') }, o === 'approved');
    row.outcome = o;
    row.sent = null;
    row.delivered = null;
    row.spend_micros = null;
    return row;
  });
}
