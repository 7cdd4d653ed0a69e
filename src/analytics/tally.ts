import type { Subject, TimelineEvent } from '../events/event-log.js';
import { APPROVAL_BOUNDS_S, bucketOf, type Grain, periodOf, RECEIPT_BOUNDS_MS } from './buckets.js';

/** A histogram's bucket columns, one per bound. */
const columns = <P extends string>(prefix: P, bounds: readonly number[]) => bounds.map((_, i) => `${prefix}${i}` as `${P}${number}`);
/** Approvals within each finite bound (running totals: an approval counts in its bucket's column and every later one). */
export const APPROVED_WITHIN = columns('approve_le', APPROVAL_BOUNDS_S.slice(0, -1));
export const RECEIPT_BUCKETS = columns('receipt_b', RECEIPT_BOUNDS_MS);
export const VERIFICATION_COUNTS = ['started', 'sent', 'delivered', 'approved', 'failed', 'expired', 'canceled', 'spend_micros', ...APPROVED_WITHIN] as const;
export const PROVIDER_COUNTS = ['sent', 'delivered', 'undeliverable', 'errors', 'failed', 'receipts', ...RECEIPT_BUCKETS] as const;
export type VerificationCount = (typeof VERIFICATION_COUNTS)[number];
export type ProviderCount = (typeof PROVIDER_COUNTS)[number];

/** A rollup row's key (its table's key columns, in order) and what a flush adds to each of its counters (in the table's order). */
export interface TallyRow {
  key: ReadonlyArray<string | number>;
  counts: number[];
}

/** How a message or a verification came out, for the Prometheus counters (after the commit). */
export interface Outcome {
  kind: 'delivery' | 'verification';
  channel: string;
  provider?: string;
  outcome: string;
}

const GRAINS: readonly Grain[] = ['h', 'd'];
/** Each counter's place in its row. */
const V = Object.fromEntries(VERIFICATION_COUNTS.map((c, i) => [c, i])) as Record<VerificationCount, number>;
const P = Object.fromEntries(PROVIDER_COUNTS.map((c, i) => [c, i])) as Record<ProviderCount, number>;
const ENDED: Record<string, number> = { approved: V.approved, failed: V.failed, expired: V.expired, canceled: V.canceled };
const APPROVED_WITHIN_0 = VERIFICATION_COUNTS.indexOf('approve_le0');
const RECEIPT_0 = PROVIDER_COUNTS.indexOf('receipt_b0');
const bump = (counts: number[], i: number, n = 1): void => {
  counts[i] = (counts[i] as number) + n;
};

interface Keyed {
  id: string;
  key: ReadonlyArray<string | number>;
}

/**
 * A verification's rollup keys per grain, worked out once per subject: its dimensions and start
 * never change, and every later entry of the verification counts under the same rows.
 */
const subjectKeys = new WeakMap<Subject, readonly Keyed[]>();
function verificationKeys(s: Subject): readonly Keyed[] {
  let keys = subjectKeys.get(s);
  if (!keys) {
    keys = GRAINS.map((grain) => {
      const key = [s.accountId, grain, periodOf(grain, s.createdAt), s.serviceId ?? '', s.channel, s.country ?? '', s.provider ?? ''];
      return { id: key.join('\u0000'), key };
    });
    subjectKeys.set(s, keys);
  }
  return keys;
}

/** The counters of the row of `rows` with this key, made with `size` zero counts the first time. */
function countsOf(rows: Map<string, TallyRow>, id: string, key: () => ReadonlyArray<string | number>, size: number): number[] {
  let row = rows.get(id);
  if (!row) {
    row = { key: key(), counts: new Array<number>(size).fill(0) };
    rows.set(id, row);
  }
  return row.counts;
}

const text = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/**
 * What the timeline entries of one transaction add to the rollups, the one place that says what
 * each entry counts for:
 *
 * - verification rollups, in the hour and day the verification started (a cohort, so a
 *   conversion rate compares like with like): `started`; `spend_micros` by the price of each
 *   message queued; `sent` for each message a provider took; `delivered` for each that arrived;
 *   `approved` (and its time to approve), `failed`, `expired`, `canceled` by how it ended;
 * - provider rollups, in the hour and day the provider answered: `sent`, `delivered`,
 *   `undeliverable`, `errors` (an attempt it refused, with its code), `failed` (a message given
 *   up after it answered last), and `receipts` with their time from queueing.
 *
 * Entries are counted as they are appended; the rows are written once, before the commit.
 */
export class Tally {
  readonly verifications = new Map<string, TallyRow>();
  readonly providers = new Map<string, TallyRow>();
  readonly errors = new Map<string, TallyRow>();
  readonly outcomes: Outcome[] = [];

  count(e: TimelineEvent, at: number, s: Subject): void {
    const d = e.data ?? {};
    switch (e.type) {
      case 'started':
        this.verification(s, V.started, 1);
        break;
      case 'message.queued':
        if (typeof d.price_micros === 'number' && d.price_micros > 0) this.verification(s, V.spend_micros, d.price_micros);
        break;
      case 'message.sent':
      case 'message.delivered':
      case 'message.undeliverable': {
        const status = e.type === 'message.sent' ? 'sent' : e.type === 'message.delivered' ? 'delivered' : 'undeliverable';
        const receipt = d.receipt === true;
        if (!receipt) this.verification(s, V.sent, 1);
        if (status === 'delivered') this.verification(s, V.delivered, 1);
        // A receipt's error code, or UNDELIVERABLE for one that gives none; a provider's answer to the send counts no code.
        const code = receipt ? (text(d.error_code) ?? (status === 'undeliverable' ? 'UNDELIVERABLE' : undefined)) : undefined;
        this.provider(s, d, at, receipt ? P.receipts : P.sent, status === 'sent' ? undefined : P[status], receipt && typeof d.after_ms === 'number' ? d.after_ms : undefined, code);
        this.delivery(s, d, status);
        break;
      }
      case 'message.failed':
        // Given up: counted against the provider that answered last (none, for a message never tried).
        this.provider(s, d, at, P.failed);
        this.delivery(s, d, 'failed');
        break;
      case 'attempt':
        if (d.result === 'error') {
          this.provider(s, d, at, P.errors, undefined, undefined, text(d.error_code));
          this.delivery(s, d, 'error');
        }
        break;
      case 'approved':
      case 'failed':
      case 'expired':
      case 'canceled':
        this.verification(s, ENDED[e.type] as number, 1);
        // Running totals: the approval counts within its bucket's bound and every later one.
        if (e.type === 'approved') for (let b = bucketOf(APPROVAL_BOUNDS_S, (at - s.createdAt) / 1000); b < APPROVED_WITHIN.length; b++) this.verification(s, APPROVED_WITHIN_0 + b, 1);
        this.outcomes.push({ kind: 'verification', channel: s.channel, outcome: e.type });
        break;
      default:
        break;
    }
  }

  private verification(s: Subject, counter: number, n: number): void {
    for (const k of verificationKeys(s))
      bump(
        countsOf(this.verifications, k.id, () => k.key, VERIFICATION_COUNTS.length),
        counter,
        n,
      );
  }

  /** A provider's counters in the hour and day it answered (`at`), on the channel the entry names. */
  private provider(s: Subject, d: Record<string, unknown>, at: number, first: number, second?: number, afterMs?: number, code?: string): void {
    const provider = text(d.provider);
    if (!provider) return;
    const channel = text(d.channel) ?? s.channel;
    for (const grain of GRAINS) {
      const period = periodOf(grain, at);
      const id = `${s.accountId}\u0000${grain}\u0000${period}\u0000${provider}\u0000${channel}`;
      const counts = countsOf(this.providers, id, () => [s.accountId, grain, period, provider, channel], PROVIDER_COUNTS.length);
      bump(counts, first);
      if (second !== undefined) bump(counts, second);
      if (afterMs !== undefined) bump(counts, RECEIPT_0 + bucketOf(RECEIPT_BOUNDS_MS, afterMs));
      if (code)
        bump(
          countsOf(this.errors, `${id}\u0000${code}`, () => [s.accountId, grain, period, provider, channel, code], 1),
          0,
        );
    }
  }

  private delivery(s: Subject, d: Record<string, unknown>, outcome: string): void {
    const provider = text(d.provider);
    if (provider) this.outcomes.push({ kind: 'delivery', channel: text(d.channel) ?? s.channel, provider, outcome });
  }
}

/** The entries that count for something: the others need no subject looked up. */
export const COUNTED = new Set<string>([
  'started',
  'message.queued',
  'message.sent',
  'message.delivered',
  'message.undeliverable',
  'message.failed',
  'attempt',
  'approved',
  'failed',
  'expired',
  'canceled',
]);
