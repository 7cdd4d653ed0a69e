import type { AppendedEvent, Subject } from '../events/event-log.js';
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

/** What one flush adds: counters (histogram buckets among them) per key, and error codes per key and code. */
export interface Tallies {
  verifications: Map<string, Record<VerificationCount, number>>;
  providers: Map<string, Record<ProviderCount, number>>;
  errors: Map<string, number>;
}

/** How a message or a verification came out, for the Prometheus counters (after the commit). */
export interface Outcome {
  kind: 'delivery' | 'verification';
  channel: string;
  provider?: string;
  outcome: string;
}

const GRAINS: readonly Grain[] = ['h', 'd'];
/** Keys are JSON arrays of the key columns, in the tables' order (see rollup-store.ts). */
const key = (parts: readonly (string | number)[]): string => JSON.stringify(parts);

const ENDED: Record<string, VerificationCount> = { approved: 'approved', failed: 'failed', expired: 'expired', canceled: 'canceled' };

function add<K extends string>(map: Map<string, Record<K, number>>, k: string, names: readonly K[], name: K, n = 1): void {
  let row = map.get(k);
  if (!row) {
    row = Object.fromEntries(names.map((c) => [c, 0])) as Record<K, number>;
    map.set(k, row);
  }
  row[name] += n;
}

const bump = (map: Map<string, number>, k: string, n = 1) => map.set(k, (map.get(k) ?? 0) + n);
const text = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/**
 * The counts a set of timeline entries add, the one place that says what each entry counts for:
 *
 * - verification rollups, in the hour and day the verification started (a cohort, so a
 *   conversion rate compares like with like): `started`; `spend_micros` by the price of each
 *   message queued; `sent` for each message a provider took; `delivered` for each that arrived;
 *   `approved` (and its time to approve), `failed`, `expired`, `canceled` by how it ended;
 * - provider rollups, in the hour and day the provider answered: `sent`, `delivered`,
 *   `undeliverable`, `errors` (an attempt it refused, with its code), `failed` (a message given
 *   up after it answered last), and `receipts` with their time from queueing.
 */
export function tally(events: readonly AppendedEvent[], subjects: ReadonlyMap<string, Subject>): { tallies: Tallies; outcomes: Outcome[] } {
  const t: Tallies = { verifications: new Map(), providers: new Map(), errors: new Map() };
  const outcomes: Outcome[] = [];
  for (const e of events) {
    const s = subjects.get(e.verificationId);
    if (!s) continue;
    const d = e.data ?? {};
    const provider = text(d.provider);
    const channel = text(d.channel) ?? s.channel;
    const receipt = d.receipt === true;
    const counts: Array<[VerificationCount, number]> = [];
    const pcounts: ProviderCount[] = [];
    switch (e.type) {
      case 'started':
        counts.push(['started', 1]);
        break;
      case 'message.queued':
        if (typeof d.price_micros === 'number' && d.price_micros > 0) counts.push(['spend_micros', d.price_micros]);
        break;
      case 'message.sent':
      case 'message.delivered':
      case 'message.undeliverable': {
        const status = e.type.slice('message.'.length);
        if (!receipt) {
          counts.push(['sent', 1]);
          pcounts.push('sent');
        } else pcounts.push('receipts');
        if (status === 'delivered') counts.push(['delivered', 1]);
        if (status !== 'sent') pcounts.push(status as ProviderCount);
        if (provider) outcomes.push({ kind: 'delivery', channel, provider, outcome: status });
        break;
      }
      case 'message.failed':
        // Given up: counted against the provider that answered last (none, for a message never tried).
        pcounts.push('failed');
        if (provider) outcomes.push({ kind: 'delivery', channel, provider, outcome: 'failed' });
        break;
      case 'attempt':
        if (d.result === 'error') {
          pcounts.push('errors');
          if (provider) outcomes.push({ kind: 'delivery', channel, provider, outcome: 'error' });
        }
        break;
      case 'approved':
      case 'failed':
      case 'expired':
      case 'canceled':
        counts.push([ENDED[e.type] as VerificationCount, 1]);
        if (e.type === 'approved') for (const c of APPROVED_WITHIN.slice(bucketOf(APPROVAL_BOUNDS_S, (e.at - s.createdAt) / 1000))) counts.push([c, 1]);
        outcomes.push({ kind: 'verification', channel: s.channel, outcome: e.type });
        break;
      default:
        break;
    }
    for (const grain of GRAINS) {
      if (counts.length > 0) {
        const vk = key([s.accountId, grain, periodOf(grain, s.createdAt), s.serviceId ?? '', s.channel, s.country ?? '', s.provider ?? '']);
        for (const [name, n] of counts) add(t.verifications, vk, VERIFICATION_COUNTS, name, n);
      }
      if (pcounts.length > 0 && provider) {
        const parts = [s.accountId, grain, periodOf(grain, e.at), provider, channel];
        const pk = key(parts);
        for (const name of pcounts) add(t.providers, pk, PROVIDER_COUNTS, name);
        if (receipt && typeof d.after_ms === 'number') add(t.providers, pk, PROVIDER_COUNTS, RECEIPT_BUCKETS[bucketOf(RECEIPT_BOUNDS_MS, d.after_ms)] as ProviderCount);
        const code = text(d.error_code) ?? (e.type === 'message.undeliverable' && receipt ? 'UNDELIVERABLE' : undefined);
        if (code && (e.type === 'attempt' || receipt)) bump(t.errors, key([...parts, code]));
      }
    }
  }
  return { tallies: t, outcomes };
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
