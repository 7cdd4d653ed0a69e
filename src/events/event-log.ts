import type { Transaction } from 'kysely';
import { beforeCommit } from '../db/commit-hooks.js';
import type { Database, VerificationEventTable } from '../db/schema.js';
import type { Clock } from '../lib/clock.js';
import { sequentialId } from '../lib/ids.js';
import type { EventLogStore } from './event-log-store.js';

/** What a timeline entry says happened. */
export const TIMELINE_TYPES = [
  'started',
  'message.queued',
  'attempt',
  'message.sent',
  'message.delivered',
  'message.undeliverable',
  'message.failed',
  'call.answered',
  'call.key',
  'call.ended',
  'silent.result',
  'check',
  'resend',
  'blocked',
  'step',
  'approved',
  'failed',
  'expired',
  'canceled',
  'webhook',
] as const;
export type TimelineType = (typeof TIMELINE_TYPES)[number];

export interface TimelineEvent {
  verificationId: string;
  type: TimelineType;
  /** What happened; never a code, a secret or a full phone number (mask them first). */
  data?: Record<string, unknown> | undefined;
  /** The verification's dimensions, when the writer holds its row (a start): readers need not look them up. */
  subject?: Subject | undefined;
}

/** What a verification is counted under (see src/analytics); none of it changes after the start. */
export interface Subject {
  accountId: string;
  createdAt: number;
  serviceId: string | null;
  /** The first step's channel. */
  channel: string;
  country: string | null;
  provider: string | null;
}

/** Hears the entries appended in `trx` at `at` (see `EventLog.onAppend`). */
export type AppendListener = (trx: Transaction<Database>, events: readonly TimelineEvent[], at: number) => void;

export interface TimelineEntry {
  at: string;
  type: TimelineType;
  data: Record<string, unknown>;
}

/**
 * The timeline of every verification, as one append-only log. Each capability appends in the
 * transaction of the change it describes (the start, a check, an attempt, a receipt), so the log
 * can never disagree with the verification; entries read back in the order they were written.
 */
export class EventLog {
  private readonly listeners: Array<AppendListener> = [];
  /** Each open transaction's entries, written before it commits. */
  private readonly unwritten = new WeakMap<Transaction<Database>, VerificationEventTable[]>();

  constructor(
    private readonly store: EventLogStore,
    private readonly clock: Clock,
  ) {}

  /** Hears every append, in its transaction, to keep something in step with the log (the rollups). */
  onAppend(listener: AppendListener): void {
    this.listeners.push(listener);
  }

  /**
   * Adds entries to the log in `trx`. They are written once, just before it commits, with every
   * other entry of the transaction (a group commit's many starts) in as few statements as the
   * store allows; a transaction that rolls back takes them with it.
   */
  append(trx: Transaction<Database>, events: readonly TimelineEvent[]): Promise<void> {
    if (events.length === 0) return Promise.resolve();
    const at = this.clock.now();
    for (const l of this.listeners) l(trx, events, at);
    let rows = this.unwritten.get(trx);
    if (!rows) {
      const list: VerificationEventTable[] = [];
      rows = list;
      this.unwritten.set(trx, list);
      beforeCommit(trx, (t) => this.store.append(t, list));
    }
    for (const e of events) rows.push({ id: sequentialId('evt', at), verification_id: e.verificationId, at, type: e.type, data: e.data ? JSON.stringify(e.data) : null });
    return Promise.resolve();
  }

  /** Retention: a verification's entries go with it (they never hold its destination). */
  forget(trx: Transaction<Database>, verificationIds: readonly string[]): Promise<void> {
    return this.store.forget(trx, verificationIds);
  }

  /** One verification's entries, oldest first; the caller has checked the verification is the reader's. */
  async timeline(verificationId: string): Promise<TimelineEntry[]> {
    return (await this.store.list(verificationId)).map((r) => ({
      at: new Date(Number(r.at)).toISOString(),
      type: r.type as TimelineType,
      data: r.data ? (JSON.parse(r.data) as Record<string, unknown>) : {},
    }));
  }
}
