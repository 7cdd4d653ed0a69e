import type { Transaction } from 'kysely';
import type { Database } from '../db/schema.js';
import type { EventLog, TimelineEvent, TimelineType } from '../events/event-log.js';
import type { Logger } from 'pino';
import type { DeliverySettings } from '../config/config.js';
import type { Sealer } from '../crypto/sealer.js';
import type { Clock } from '../lib/clock.js';
import { maskDestination } from '../lib/mask.js';
import { PollLoop } from '../lib/poll-loop.js';
import type { Channel } from '../kernel/channel.js';
import type { CallPlan } from '../kernel/call-plan.js';
import type { AttemptRecord, MessageRow, OutboxStore } from './outbox-store.js';
import { ProviderError } from '../kernel/provider-errors.js';
import type { DeliveryOutcome, DeliveryReceipt, OutboundMessage } from '../kernel/message.js';
import type { Breakers, ProviderRouter } from './router.js';
import { backoffMs } from '../lib/backoff.js';

/** What a queued message's sealed payload holds: everything needed to send it, code included. */
export interface MessagePayload {
  text: string;
  subject?: string | undefined;
  html?: string | undefined;
  code: string;
  sender: string | null;
  call?: CallPlan | undefined;
}

/** How the rest of Verity hears about deliveries. */
export interface DeliveryListener {
  /** Whether the message is still worth sending (its verification is pending and unexpired). */
  isLive(message: MessageRow): Promise<boolean>;
  /** A provider took the message, or a receipt said it arrived. */
  onSent(message: MessageRow, status: DeliveryOutcome): Promise<void>;
  /**
   * The message will not arrive: `refused` by every provider (for good, or until the retries
   * were spent), or `undeliverable` by a receipt. `error` is what the attempt log recorded.
   */
  onFailed(message: MessageRow, error: string, how: 'refused' | 'undeliverable'): Promise<void>;
}

export interface DeliveryWorkerDeps {
  store: OutboxStore;
  /** The router for an account's messages (its own providers and rules, or the server's). */
  routerFor: (accountId: string) => Promise<ProviderRouter>;
  breakers: Breakers;
  sealer: Sealer;
  clock: Clock;
  log: Logger;
  settings: DeliverySettings;
  listener: DeliveryListener;
  /** The verifications' timeline: every attempt, hand-over, failure and receipt, in its own write. */
  timeline: Pick<EventLog, 'append'>;
  random?: () => number;
}

const RECEIPT_RETRIES = 5;
const RECEIPT_RETRY_MS = 1000;

/**
 * Takes due messages from the outbox and hands each to the providers of its route, in order,
 * until one takes it. Every hand-over is recorded. A retryable failure puts the message back in
 * the queue with backoff; a permanent one on every provider, or the last attempt spent, fails it.
 * The sealed payload (it holds the code) is dropped as soon as the message is sent or failed.
 */
export class DeliveryWorker {
  private readonly loop: PollLoop;
  private readonly random: () => number;

  constructor(private readonly d: DeliveryWorkerDeps) {
    this.random = d.random ?? Math.random;
    this.loop = new PollLoop(
      'delivery worker',
      () => this.tick(),
      () => d.store.nextDue(),
      () => d.clock.now(),
      d.settings.pollMs,
      d.log,
    );
  }

  start(): void {
    this.loop.start();
  }

  stop(): Promise<void> {
    return this.loop.stop();
  }

  /** A message was just queued on this instance: look now rather than at the next poll. */
  wake(): void {
    this.loop.wake();
  }

  /** Sends everything due now, and returns when nothing is left (tests and the CLI use it). */
  drain(): Promise<number> {
    return this.loop.drain();
  }

  /** Applies a receipt; one that arrives before its send was recorded is tried again shortly. */
  async receipt(provider: string, r: DeliveryReceipt, tries = 0): Promise<void> {
    const logged = (trx: Transaction<Database>, m: MessageRow) =>
      this.d.timeline.append(trx, [
        {
          verificationId: m.verification_id,
          type: `message.${r.status}`,
          data: { message_id: m.id, channel: m.channel, provider, receipt: true, error_code: r.errorCode ?? null, after_ms: Math.max(0, m.updated_at - m.created_at) },
        },
      ]);
    const row = await this.d.store.applyReceipt(provider, r.providerMessageId, r.status, r.errorCode, this.d.clock.now(), logged);
    if (row) {
      if (r.status === 'undeliverable') await this.d.listener.onFailed(row, r.errorCode ?? 'UNDELIVERABLE', 'undeliverable');
      else await this.d.listener.onSent(row, r.status);
      return;
    }
    if (tries < RECEIPT_RETRIES && r.status !== 'sent') {
      setTimeout(() => void this.receipt(provider, r, tries + 1).catch((err: unknown) => this.d.log.warn({ err }, 'receipt failed')), RECEIPT_RETRY_MS).unref();
    }
  }

  /** Claims one batch and sends it; returns how many messages it claimed. */
  private async tick(): Promise<number> {
    const { settings } = this.d;
    const batch = await this.d.store.claim(this.d.clock.now(), settings.leaseMs, settings.concurrency);
    await Promise.all(batch.map((m) => this.deliver(m).catch((err: unknown) => this.d.log.error({ err, message_id: m.id }, 'delivery failed unexpectedly'))));
    return batch.length;
  }

  private async deliver(m: MessageRow): Promise<void> {
    const { store, clock, listener } = this.d;
    if (!(await listener.isLive(m))) {
      await store.markFailed(m.id, 'VERIFICATION_FINISHED', clock.now(), [], this.log(m, [], { type: 'message.failed', error: 'VERIFICATION_FINISHED' }));
      return;
    }
    const payload = m.payload_sealed ? (JSON.parse(this.d.sealer.open(m.payload_sealed, m.id)) as MessagePayload) : undefined;
    if (!payload) {
      if (await store.markFailed(m.id, 'NO_PAYLOAD', clock.now(), [], this.log(m, [], { type: 'message.failed', error: 'NO_PAYLOAD' }))) await listener.onFailed(m, 'NO_PAYLOAD', 'undeliverable');
      return;
    }
    const message: OutboundMessage = {
      id: m.id,
      accountId: m.account_id,
      verificationId: m.verification_id,
      channel: m.channel as Channel,
      to: m.to,
      locale: m.locale,
      ...payload,
    };
    const attempts: AttemptRecord[] = [];
    const router = await this.d.routerFor(m.account_id);
    for (const provider of router.candidates(message)) {
      const began = performance.now();
      try {
        const receipt = await this.d.breakers.send(provider, message);
        const attempt: AttemptRecord = { provider: provider.name, result: receipt.status, providerMessageId: receipt.providerMessageId, durationMs: Math.round(performance.now() - began) };
        await this.recordSent(m, provider.name, receipt.providerMessageId, receipt.status, [...attempts, attempt]);
        return;
      } catch (err) {
        const pe = err instanceof ProviderError ? err : new ProviderError('PROVIDER_EXCEPTION', 'the provider failed unexpectedly', err);
        attempts.push({ provider: provider.name, result: 'error', error: pe.code, retryable: pe.retryable, durationMs: Math.round(performance.now() - began) });
        this.d.log.warn({ message_id: m.id, to: maskDestination(m.to), provider: provider.name, code: pe.code, retryable: pe.retryable }, 'send failed');
      }
    }
    // The reason kept is the last provider's own answer; an open breaker only says it was skipped.
    const last = attempts.filter((a) => a.error !== 'CIRCUIT_OPEN').at(-1)?.error ?? attempts.at(-1)?.error ?? 'NO_ROUTE';
    const now = clock.now();
    // Every provider of the route skipped by an open breaker: nothing was handed over, so the
    // message keeps its attempt and waits for a breaker to let a trial through.
    if (attempts.length > 0 && attempts.every((a) => a.error === 'CIRCUIT_OPEN')) {
      await store.reschedule(
        m.id,
        now + backoffMs(m.attempts, this.d.settings.backoffMs, this.d.settings.backoffMaxMs, this.random),
        'CIRCUIT_OPEN',
        now,
        attempts,
        { refund: true },
        this.log(m, attempts),
      );
      return;
    }
    const retry = attempts.some((a) => a.retryable) && m.attempts < this.d.settings.maxAttempts;
    if (retry) {
      await store.reschedule(m.id, now + backoffMs(m.attempts, this.d.settings.backoffMs, this.d.settings.backoffMaxMs, this.random), last, now, attempts, {}, this.log(m, attempts));
    } else if (await store.markFailed(m.id, last, now, attempts, this.log(m, attempts, { type: 'message.failed', error: last }))) {
      await listener.onFailed(m, last, 'refused');
    }
  }

  private async recordSent(m: MessageRow, provider: string, providerMessageId: string, status: DeliveryOutcome, attempts: AttemptRecord[]): Promise<void> {
    const handed = this.log(m, attempts, { type: `message.${status}`, provider });
    if (!(await this.d.store.markSent(m.id, provider, providerMessageId, status, this.d.clock.now(), attempts, handed))) return;
    if (status === 'undeliverable') await this.d.listener.onFailed(m, 'UNDELIVERABLE', 'undeliverable');
    else await this.d.listener.onSent(m, status);
  }

  /** The timeline entries of one delivery pass: each provider attempt, then how the message stands. */
  private log(m: MessageRow, attempts: readonly AttemptRecord[], outcome?: { type: TimelineType; error?: string; provider?: string }) {
    const events: TimelineEvent[] = attempts.map((a) => ({
      verificationId: m.verification_id,
      type: 'attempt',
      data: { message_id: m.id, channel: m.channel, provider: a.provider, result: a.result, error_code: a.error ?? null, retryable: a.retryable ?? null, duration_ms: a.durationMs ?? null },
    }));
    if (outcome) {
      // A message given up names the provider that answered last, if one did.
      const provider = outcome.provider ?? attempts.at(-1)?.provider;
      events.push({
        verificationId: m.verification_id,
        type: outcome.type,
        data: { message_id: m.id, channel: m.channel, ...(provider ? { provider } : {}), ...(outcome.error ? { error_code: outcome.error } : {}) },
      });
    }
    return (trx: Transaction<Database>) => this.d.timeline.append(trx, events);
  }
}
