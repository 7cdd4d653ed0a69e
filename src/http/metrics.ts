import { Counter, Registry, collectDefaultMetrics } from 'prom-client';
import { RequestHistogram } from './request-histogram.js';
import type { App } from './types.js';

/** Prometheus metrics: one registry per app, so tests that build several apps do not collide. */
export class Metrics {
  readonly registry = new Registry();
  private readonly http = new RequestHistogram(
    'verity_http_request_duration_seconds',
    'HTTP request latency by route',
    [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    this.registry,
  );
  private readonly startedC = new Counter({ name: 'verity_verifications_started_total', help: 'Verifications started', labelNames: ['channel'], registers: [this.registry] });
  private readonly approvedC = new Counter({ name: 'verity_verifications_approved_total', help: 'Verifications approved', labelNames: ['channel'], registers: [this.registry] });
  private readonly failedC = new Counter({
    name: 'verity_verifications_failed_total',
    help: 'Verifications that ended without approval (too many attempts, blocked, undeliverable)',
    labelNames: ['channel'],
    registers: [this.registry],
  });

  private readonly outcomesC = new Counter({
    name: 'verity_verifications_ended_total',
    help: 'Verifications by how they ended (approved, failed, expired, canceled), by their first channel: with started_total, the conversion per channel',
    labelNames: ['channel', 'outcome'],
    registers: [this.registry],
  });
  private readonly deliveriesC = new Counter({
    name: 'verity_provider_messages_total',
    help: 'What providers did with messages: sent (taken), delivered, undeliverable (receipts), error (a refused hand-over), failed (given up)',
    labelNames: ['provider', 'channel', 'outcome'],
    registers: [this.registry],
  });

  private readonly fraudC = new Counter({
    name: 'verity_fraud_decisions_total',
    help: "Starts and resends the fraud layer judged, by outcome (allowed, refused, shadow_refused: what shadow mode would have refused) and reason (geo, or the pumping rules' strongest signal)",
    labelNames: ['outcome', 'reason'],
    registers: [this.registry],
  });
  private readonly fraudChildren = new Map<string, { inc(): void }>();

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'verity_' });
  }

  started(channel: string): void {
    this.startedC.inc({ channel });
  }
  approved(channel: string): void {
    this.approvedC.inc({ channel });
  }
  failed(channel: string): void {
    this.failedC.inc({ channel });
  }

  /** A verification's end or a provider's answer, once the change that records it has committed (see analytics/rollups.ts). */
  count(o: { kind: 'delivery' | 'verification'; channel: string; provider?: string; outcome: string }): void {
    if (o.kind === 'verification') this.outcomesC.inc({ channel: o.channel, outcome: o.outcome });
    else this.deliveriesC.inc({ provider: o.provider ?? 'none', channel: o.channel, outcome: o.outcome });
  }

  /** A fraud and cost control decision (src/fraud). */
  fraudDecision(outcome: 'allowed' | 'refused' | 'shadow_refused', reason: string): void {
    // One child per pair, kept: every paid start is counted, and a labels object is hashed each time.
    const key = `${outcome} ${reason}`;
    let child = this.fraudChildren.get(key);
    if (!child) {
      child = this.fraudC.labels({ outcome, reason });
      this.fraudChildren.set(key, child);
    }
    child.inc();
  }

  /** Records one request; `route` is the pattern, not the URL, so ids do not make a series each. */
  observe(method: string, route: string, status: number, seconds: number): void {
    this.http.observe(method, route, status, seconds);
  }

  install(app: App): void {
    app.get('/metrics', { schema: { hide: true } }, async (_req, reply) => {
      reply.type(this.registry.contentType);
      return this.registry.metrics();
    });
  }
}
