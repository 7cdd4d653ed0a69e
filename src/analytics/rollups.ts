import type { Transaction } from 'kysely';
import { afterCommit, beforeCommit } from '../db/commit-hooks.js';
import type { Database } from '../db/schema.js';
import type { AppendedEvent, Subject } from '../events/event-log.js';
import type { RollupStore } from './rollup-store.js';
import { COUNTED, type Outcome, tally } from './tally.js';

/** Subjects kept for the verifications seen last (a check follows its start): they never change. */
export const SUBJECT_CACHE = 10_000;
const LOOKUP_CHUNK = 500;

export interface OutcomeCounter {
  count(outcome: Outcome): void;
}

/**
 * Keeps the rollups in step with the event log: the entries appended in a transaction are counted
 * once, just before it commits (a group commit's many starts add to the same few rows), and
 * reported to Prometheus once it has.
 */
export class Rollups {
  private readonly open = new WeakMap<Transaction<Database>, AppendedEvent[]>();
  private readonly subjects = new Map<string, Subject>();

  constructor(
    private readonly store: RollupStore,
    private readonly metrics: OutcomeCounter,
  ) {}

  /** An EventLog listener (see EventLog.onAppend). */
  readonly hear = (trx: Transaction<Database>, events: readonly AppendedEvent[]): void => {
    let pending = this.open.get(trx);
    for (const e of events) {
      if (!COUNTED.has(e.type)) continue;
      if (!pending) {
        const list: AppendedEvent[] = [];
        pending = list;
        this.open.set(trx, list);
        beforeCommit(trx, (t) => this.flush(t, list));
      }
      pending.push(e);
    }
  };

  private async flush(trx: Transaction<Database>, events: AppendedEvent[]): Promise<void> {
    this.open.delete(trx);
    const subjects = await this.subjectsOf(trx, events);
    const { tallies, outcomes } = tally(events, subjects);
    await this.store.add(trx, tallies);
    if (outcomes.length > 0)
      afterCommit(trx, () => {
        for (const o of outcomes) this.metrics.count(o);
      });
  }

  private async subjectsOf(trx: Transaction<Database>, events: readonly AppendedEvent[]): Promise<Map<string, Subject>> {
    const found = new Map<string, Subject>();
    const missing = new Set<string>();
    for (const e of events) {
      if (e.subject) this.remember(e.verificationId, e.subject);
      const s = e.subject ?? this.subjects.get(e.verificationId);
      if (s) found.set(e.verificationId, s);
      else missing.add(e.verificationId);
    }
    const ids = [...missing].filter((id) => !found.has(id));
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
        found.set(r.id, s);
        this.remember(r.id, s);
      }
    }
    return found;
  }

  private remember(id: string, s: Subject): void {
    if (this.subjects.has(id)) return;
    if (this.subjects.size >= SUBJECT_CACHE) this.subjects.delete(this.subjects.keys().next().value as string);
    this.subjects.set(id, s);
  }
}
