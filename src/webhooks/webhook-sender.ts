import type { Transaction } from 'kysely';
import type { Database } from '../db/schema.js';
import type { EventLog } from '../events/event-log.js';
import type { Logger } from 'pino';
import { Webhook } from 'standardwebhooks';
import type { Agent } from 'undici';
import type { Sealer } from '../crypto/sealer.js';
import { backoffMs } from '../lib/backoff.js';
import type { Clock } from '../lib/clock.js';
import { PollLoop } from '../lib/poll-loop.js';
import { guardedPost, type GuardedPostResult } from '../outbound/guarded-post.js';
import { guardedAgent } from '../outbound/outbound-guard.js';
import type { DeliveryRow, WebhookStore } from './webhook-store.js';

export interface WebhookSenderSettings {
  allowPrivate: boolean;
  timeoutMs: number;
  maxAttempts: number;
  backoffMs: number;
  backoffMaxMs: number;
  pollMs: number;
}

/** How long a claimed delivery is this instance's before another may take it over. */
export const LEASE_MS = 60_000;
const BATCH = 16;

/**
 * Sends due webhook deliveries, signed per Standard Webhooks: `webhook-id` (the event id, the
 * same on every retry so receivers can drop duplicates), `webhook-timestamp` and
 * `webhook-signature: v1,<base64 HMAC-SHA256(secret, id.timestamp.body)>`. A 2xx answer is
 * success; anything else is retried with backoff until the last attempt.
 */
export class WebhookSender {
  private readonly agent: Agent;
  private readonly loop: PollLoop;

  constructor(
    private readonly store: WebhookStore,
    private readonly sealer: Sealer,
    private readonly clock: Clock,
    private readonly log: Logger,
    private readonly s: WebhookSenderSettings,
    /** The verifications' timeline: each delivery attempt of an event about one. */
    private readonly timeline?: Pick<EventLog, 'append'>,
  ) {
    this.agent = guardedAgent(s.allowPrivate, s.timeoutMs);
    this.loop = new PollLoop(
      'webhook sender',
      () => this.tick(),
      () => store.nextDue(),
      () => clock.now(),
      s.pollMs,
      log,
    );
  }

  start(): void {
    this.loop.start();
  }

  async stop(): Promise<void> {
    await this.loop.stop();
    await this.agent.close();
  }

  wake(): void {
    this.loop.wake();
  }

  /** Sends everything due now (tests use it with the loop stopped). */
  drain(): Promise<number> {
    return this.loop.drain();
  }

  /**
   * Delivers one delivery this instance holds (claimed, or written as `sending` under a lease)
   * now, and answers it as settled: succeeded, queued for a retry, or failed. Should this
   * process stop first, the lease runs out and the loop delivers it.
   */
  async sendNow(d: DeliveryRow): Promise<DeliveryRow> {
    await this.deliver(d);
    return (await this.store.delivery(d.endpoint_id, d.id)) ?? d;
  }

  private async tick(): Promise<number> {
    const batch = await this.store.claim(this.clock.now(), LEASE_MS, BATCH);
    await Promise.all(batch.map((d) => this.deliver(d).catch((err: unknown) => this.log.error({ err, delivery_id: d.id }, 'webhook delivery failed unexpectedly'))));
    return batch.length;
  }

  private async deliver(d: DeliveryRow): Promise<void> {
    const endpoint = await this.store.endpointById(d.endpoint_id);
    if (!endpoint) return this.store.settle(d.id, { status: 'failed', responseStatus: null, error: 'ENDPOINT_DELETED' }, this.clock.now(), this.logged(d, 'failed', null));
    let result: GuardedPostResult;
    try {
      const url = new URL(endpoint.url);
      const secret = this.sealer.open(endpoint.secret_sealed, endpoint.id);
      const signature = new Webhook(secret).sign(d.event_id, new Date(this.clock.now()), d.payload);
      const headers = {
        'content-type': 'application/json',
        'user-agent': 'Verity-Webhooks',
        'webhook-id': d.event_id,
        'webhook-timestamp': String(Math.floor(this.clock.now() / 1000)),
        'webhook-signature': signature,
      };
      result = await guardedPost(this.agent, url, { timeoutMs: this.s.timeoutMs, headers, body: d.payload });
    } catch {
      result = { error: 'CONNECTION_FAILED' };
    }
    const status = result.status ?? null;
    const now = this.clock.now();
    if (status !== null && status >= 200 && status < 300) return this.store.settle(d.id, { status: 'succeeded', responseStatus: status, error: null }, now, this.logged(d, 'succeeded', status));
    const error = result.error ?? `HTTP_${status}`;
    if (d.attempts >= this.s.maxAttempts || error === 'ADDRESS_NOT_ALLOWED') {
      this.log.warn({ delivery_id: d.id, endpoint_id: endpoint.id, error }, 'webhook delivery failed for good');
      return this.store.settle(d.id, { status: 'failed', responseStatus: status, error }, now, this.logged(d, 'failed', status, error));
    }
    const retryAt = now + backoffMs(d.attempts, this.s.backoffMs, this.s.backoffMaxMs);
    await this.store.settle(d.id, { status: 'queued', responseStatus: status, error, retryAt }, now, this.logged(d, 'retrying', status, error));
  }

  /** The attempt on the timeline of the verification the event is about (its payload's `data.id`). */
  private logged(d: DeliveryRow, outcome: string, responseStatus: number | null, error?: string) {
    const verificationId = (JSON.parse(d.payload) as { data?: { id?: unknown } }).data?.id;
    const { timeline } = this;
    if (!timeline || typeof verificationId !== 'string' || !verificationId.startsWith('ver_')) return undefined;
    const data = { endpoint_id: d.endpoint_id, event: d.event_type, attempt: d.attempts, outcome, response_status: responseStatus, ...(error ? { error } : {}) };
    return (trx: Transaction<Database>) => timeline.append(trx, [{ verificationId, type: 'webhook', data }]);
  }
}
