import type { Transaction } from 'kysely';
import type { Database } from '../db/schema.js';
import type { EventLog } from '../events/event-log.js';
import type { Clock } from '../lib/clock.js';
import type { EventSink, WebhookEventType } from '../events/webhook-events.js';
import { type Failure, type FailureReason, legacyReason } from './failure-reason.js';
import { timeline } from './timeline.js';
import type { VerificationRow, VerificationStore } from './verification-store.js';
import { effectiveStatus, toView, type VerificationStatus } from './view.js';

export interface VerificationEvents {
  started(channel: string): void;
  approved(channel: string): void;
  failed(channel: string): void;
}

export interface VerificationOutcomesDeps {
  store: VerificationStore;
  timeline: Pick<EventLog, 'append'>;
  clock: Clock;
  events: VerificationEvents;
  /** Hears verification.* and message.* events (webhooks). */
  sink?: EventSink | undefined;
}

/**
 * How a verification ends and who hears of it: the one place that turns a finished row into its
 * metric and its webhook, whichever part of Verity ended it.
 */
export class VerificationOutcomes {
  constructor(private readonly d: VerificationOutcomesDeps) {}

  /**
   * Approves a pending, unexpired verification on an event from outside (a key pressed, a call
   * received, the network's answer); true only for the caller that approved it.
   */
  async approve(id: string): Promise<boolean> {
    if (!(await this.d.store.finish(id, 'approved', this.d.clock.now(), {}, this.logEnded([id], 'approved')))) return false;
    const row = await this.d.store.byId(id);
    if (row) this.ended(row);
    return true;
  }

  /**
   * Ends a pending verification as failed; true only for the caller that ended it. `channel` is
   * the one that failed when it is not the verification's own (a message sent before a resend).
   */
  async fail(id: string, failure: FailureReason | Failure, channel?: string): Promise<boolean> {
    const f = typeof failure === 'string' ? { reason: failure } : failure;
    if (!(await this.d.store.finish(id, 'failed', this.d.clock.now(), { failure: f }, this.logEnded([id], 'failed', f.reason)))) return false;
    const row = await this.d.store.byId(id);
    if (row) this.ended(row, channel);
    return true;
  }

  /** Writes how verifications ended on their timelines, in the transaction that ends them. */
  logEnded(ids: readonly string[], status: string, reason?: string | null): (trx: Transaction<Database>) => Promise<void> {
    return (trx) =>
      this.d.timeline.append(
        trx,
        ids.map((id) => timeline.ended(id, status, reason)),
      );
  }

  /** The row's status now; a pending row past its expiry is recorded as expired on the way. */
  async settle(row: VerificationRow, now: number): Promise<VerificationStatus> {
    const status = effectiveStatus(row, now);
    if (status === 'expired' && row.status === 'pending' && (await this.d.store.finish(row.id, 'expired', now, { expiredOnly: true }, this.logEnded([row.id], 'expired')))) {
      this.notify('verification.expired', { ...row, status: 'expired', code_sealed: null, failure_reason: 'expired', updated_at: now });
    }
    return status;
  }

  /** Counts and announces a row that has just ended approved or failed (in any of the failed states). */
  ended(row: VerificationRow, channel = row.channel): void {
    if (row.status === 'approved') {
      this.d.events.approved(channel);
      this.notify('verification.approved', row);
      return;
    }
    this.d.events.failed(channel);
    this.notify('verification.failed', row, row.failure_reason ? { reason: legacyReason(row.failure_reason as FailureReason) } : {});
  }

  notify(type: WebhookEventType, row: VerificationRow, extra: Record<string, unknown> = {}): void {
    const { sink } = this.d;
    if (!sink) return;
    // The view is built only when a listener reads it, from the row as it is now.
    const snapshot = { ...row };
    const now = this.d.clock.now();
    let data: Record<string, unknown> | undefined;
    sink.emit({
      type,
      accountId: row.account_id,
      serviceId: row.service_id,
      get data() {
        data ??= { ...toView(snapshot, now), ...extra };
        return data;
      },
    });
  }

  notifyMessage(type: WebhookEventType, row: VerificationRow, message: Record<string, unknown>): void {
    this.d.sink?.emit({ type, accountId: row.account_id, serviceId: row.service_id, data: message });
  }
}
