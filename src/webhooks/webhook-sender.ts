import ipaddr from 'ipaddr.js';
import type { Logger } from 'pino';
import { Webhook } from 'standardwebhooks';
import { Agent, request } from 'undici';
import type { Sealer } from '../crypto/sealer.js';
import { backoffMs } from '../delivery/outbox-worker.js';
import type { Clock } from '../lib/clock.js';
import { guardedLookup, isPublicAddress } from './ssrf-guard.js';
import type { DeliveryRow, WebhookStore } from './webhook-store.js';

export interface WebhookSenderSettings {
  allowPrivate: boolean;
  timeoutMs: number;
  maxAttempts: number;
  backoffMs: number;
  backoffMaxMs: number;
  pollMs: number;
}

const LEASE_MS = 60_000;
const BATCH = 16;

/**
 * Sends due webhook deliveries, signed per Standard Webhooks: `webhook-id` (the event id, the
 * same on every retry so receivers can drop duplicates), `webhook-timestamp` and
 * `webhook-signature: v1,<base64 HMAC-SHA256(secret, id.timestamp.body)>`. A 2xx answer is
 * success; anything else is retried with backoff until the last attempt.
 */
export class WebhookSender {
  private readonly agent: Agent;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = true;

  constructor(
    private readonly store: WebhookStore,
    private readonly sealer: Sealer,
    private readonly clock: Clock,
    private readonly log: Logger,
    private readonly s: WebhookSenderSettings,
  ) {
    this.agent = new Agent({ connect: { lookup: guardedLookup(s.allowPrivate) as never }, headersTimeout: s.timeoutMs, bodyTimeout: s.timeoutMs });
  }

  start(): void {
    this.stopped = false;
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
    await this.agent.close();
  }

  wake(): void {
    if (!this.stopped && !this.running) this.schedule(0);
  }

  /** Sends everything due now (tests use it with the worker stopped). */
  async drain(): Promise<number> {
    await this.running;
    let total = 0;
    for (;;) {
      const batch = await this.store.claim(this.clock.now(), LEASE_MS, BATCH);
      await Promise.all(batch.map((d) => this.deliver(d)));
      total += batch.length;
      if (batch.length === 0) return total;
    }
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.running = this.loop().finally(() => (this.running = undefined));
    }, ms);
    this.timer.unref();
  }

  private async loop(): Promise<void> {
    let wait = this.s.pollMs;
    try {
      await this.drain();
      const next = await this.store.nextDue();
      if (next !== undefined) wait = Math.min(wait, Math.max(10, next - this.clock.now()));
    } catch (err) {
      this.log.error({ err }, 'webhook sender tick failed');
    }
    this.schedule(wait);
  }

  private async deliver(d: DeliveryRow): Promise<void> {
    const endpoint = await this.store.endpointById(d.endpoint_id);
    if (!endpoint) return this.store.settle(d.id, { status: 'failed', responseStatus: null, error: 'ENDPOINT_DELETED' }, this.clock.now());
    let status: number | null = null;
    let error: string | null = null;
    try {
      const url = new URL(endpoint.url);
      const host = url.hostname.replace(/^\[|\]$/g, '');
      // A literal address never goes through DNS, so the connect-time guard cannot see it.
      if (!this.s.allowPrivate && ipaddr.isValid(host) && !isPublicAddress(host)) throw Object.assign(new Error('blocked'), { code: 'EADDRBLOCKED' });
      const secret = this.sealer.open(endpoint.secret_sealed, endpoint.id);
      const signature = new Webhook(secret).sign(d.event_id, new Date(this.clock.now()), d.payload);
      const res = await request(url, {
        method: 'POST',
        dispatcher: this.agent,
        headers: {
          'content-type': 'application/json',
          'user-agent': 'Verity-Webhooks',
          'webhook-id': d.event_id,
          'webhook-timestamp': String(Math.floor(this.clock.now() / 1000)),
          'webhook-signature': signature,
        },
        body: d.payload,
        signal: AbortSignal.timeout(this.s.timeoutMs),
      });
      status = res.statusCode;
      await res.body.dump();
    } catch (err) {
      const code = (err as { code?: string; cause?: { code?: string } }).cause?.code ?? (err as { code?: string }).code;
      error = code === 'EADDRBLOCKED' ? 'ADDRESS_NOT_ALLOWED' : (err as Error).name === 'TimeoutError' || code === 'UND_ERR_HEADERS_TIMEOUT' ? 'TIMEOUT' : 'CONNECTION_FAILED';
    }
    const now = this.clock.now();
    if (status !== null && status >= 200 && status < 300) return this.store.settle(d.id, { status: 'succeeded', responseStatus: status, error: null }, now);
    error ??= `HTTP_${status}`;
    if (d.attempts >= this.s.maxAttempts || error === 'ADDRESS_NOT_ALLOWED') {
      this.log.warn({ delivery_id: d.id, endpoint_id: endpoint.id, error }, 'webhook delivery failed for good');
      return this.store.settle(d.id, { status: 'failed', responseStatus: status, error }, now);
    }
    await this.store.settle(d.id, { status: 'queued', responseStatus: status, error, retryAt: now + backoffMs(d.attempts, this.s.backoffMs, this.s.backoffMaxMs) }, now);
  }
}
