import type { Transaction } from 'kysely';
import { afterCommit, beforeCommit } from '../db/commit-hooks.js';
import { BoundedMap } from '../lib/bounded-map.js';
import type { Database } from '../db/schema.js';
import type { Subject, TimelineEvent } from '../events/event-log.js';
import type { RollupStore } from './rollup-store.js';
import { COUNTED, type Outcome, Tally } from './tally.js';

/** Subjects kept for the verifications seen last (a check follows its start): they never change. */
export const SUBJECT_CACHE = 10_000;
const LOOKUP_CHUNK = 500;

export interface OutcomeCounter {
  count(outcome: Outcome): void;
}

/** One open transaction's counts, and the entries whose verification is not in the cache (looked up before the commit). */
interface Open {
  tally: Tally;
  unknown: Array<{ event: TimelineEvent; at: number }>;
}

/**
 * Keeps the rollups in step with the event log: each entry is counted as it is appended, the
 * counts of a transaction are written once, just before it commits (a group commit's many starts
 * add to the same few rows), and reported to Prometheus once it has.
 */
export class Rollups {
  private readonly open = new WeakMap<Transaction<Database>, Open>();
  private readonly subjects = new BoundedMap<Subject>(SUBJECT_CACHE);

  constructor(
    private readonly store: RollupStore,
    private readonly metrics: OutcomeCounter,
  ) {}

  /** An EventLog listener (see EventLog.onAppend). */
  readonly hear = (trx: Transaction<Database>, events: readonly TimelineEvent[], at: number): void => {
    let open = this.open.get(trx);
    for (const e of events) {
      if (!COUNTED.has(e.type)) continue;
      if (!open) {
        const o: Open = { tally: new Tally(), unknown: [] };
        open = o;
        this.open.set(trx, o);
        beforeCommit(trx, (t) => this.flush(t, o));
      }
      const s = e.subject ? this.subjects.getOr(e.verificationId, () => e.subject as Subject) : this.subjects.get(e.verificationId);
      if (s) open.tally.count(e, at, s);
      else open.unknown.push({ event: e, at });
    }
  };

  private async flush(trx: Transaction<Database>, open: Open): Promise<void> {
    this.open.delete(trx);
    const { tally, unknown } = open;
    if (unknown.length > 0) {
      const subjects = await this.lookUp(trx, [...new Set(unknown.map((u) => u.event.verificationId))]);
      for (const { event, at } of unknown) {
        const s = subjects.get(event.verificationId);
        if (s) tally.count(event, at, s);
      }
    }
    await this.store.add(trx, tally);
    if (tally.outcomes.length > 0)
      afterCommit(trx, () => {
        for (const o of tally.outcomes) this.metrics.count(o);
      });
  }

  /** The subjects of verifications the cache does not hold, from their rows. */
  private async lookUp(trx: Transaction<Database>, ids: readonly string[]): Promise<Map<string, Subject>> {
    const found = new Map<string, Subject>();
    for (let i = 0; i < ids.length; i += LOOKUP_CHUNK) {
      const rows = await trx
        .selectFrom('verifications')
        .select(['id', 'account_id', 'created_at', 'service_id', 'channel', 'workflow', 'country', 'provider'])
        .where('id', 'in', ids.slice(i, i + LOOKUP_CHUNK))
        .execute();
      for (const r of rows) {
        // A workflow's channel moves with its steps; it is counted under its first.
        const first = r.workflow ? (JSON.parse(r.workflow) as Array<{ channel: string }>)[0]?.channel : undefined;
        const s: Subject = { accountId: r.account_id, createdAt: Number(r.created_at), serviceId: r.service_id, channel: first ?? r.channel, country: r.country, provider: r.provider };
        found.set(
          r.id,
          this.subjects.getOr(r.id, () => s),
        );
      }
    }
    return found;
  }
}
