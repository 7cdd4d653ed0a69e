import { Registry, collectDefaultMetrics } from 'prom-client';
import { RequestHistogram } from './request-histogram.js';
import { TallyCounter } from './tally-counter.js';
import { describedOnly, TAG } from './reference.js';
import type { App } from './types.js';

const EXPOSITION = `# HELP verity_verifications_started_total Verifications started
# TYPE verity_verifications_started_total counter
verity_verifications_started_total{channel="sms"} 3
# HELP verity_http_request_duration_seconds HTTP request latency by route
# TYPE verity_http_request_duration_seconds histogram
verity_http_request_duration_seconds_bucket{method="POST",route="/v1/verifications",status="201",le="0.01"} 2
verity_http_request_duration_seconds_bucket{method="POST",route="/v1/verifications",status="201",le="+Inf"} 3
verity_http_request_duration_seconds_sum{method="POST",route="/v1/verifications",status="201"} 0.0421
verity_http_request_duration_seconds_count{method="POST",route="/v1/verifications",status="201"} 3
`;

/** The exposition is text, answered by prom-client; this describes it in the reference. */
const METRICS_DOC = describedOnly({
  tags: [TAG.health],
  summary: 'Prometheus metrics',
  description:
    'The Prometheus text exposition (format 0.0.4): request latency by route pattern (never the URL, which can hold a phone number), verifications started, approved, failed and how they ended by channel, what providers did with messages, fraud decisions, and the Node.js process metrics, all prefixed `verity_`. No authentication.',
  security: [],
  response: {
    200: {
      description: 'The metrics',
      content: { 'text/plain; version=0.0.4': { schema: { type: 'string' }, examples: { exposition: { summary: 'A few series', value: EXPOSITION } } } },
    },
  },
});

/** Prometheus metrics: one registry per app, so tests that build several apps do not collide. */
export class Metrics {
  readonly registry = new Registry();
  private readonly http = new RequestHistogram(
    'verity_http_request_duration_seconds',
    'HTTP request latency by route',
    [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    this.registry,
  );
  private readonly startedC = new TallyCounter({ name: 'verity_verifications_started_total', help: 'Verifications started', labelNames: ['channel'], registry: this.registry });
  private readonly approvedC = new TallyCounter({ name: 'verity_verifications_approved_total', help: 'Verifications approved', labelNames: ['channel'], registry: this.registry });
  private readonly failedC = new TallyCounter({
    name: 'verity_verifications_failed_total',
    help: 'Verifications that ended without approval (too many attempts, blocked, undeliverable)',
    labelNames: ['channel'],
    registry: this.registry,
  });

  private readonly outcomesC = new TallyCounter({
    name: 'verity_verifications_ended_total',
    help: 'Verifications by how they ended (approved, failed, expired, canceled), by their first channel: with started_total, the conversion per channel',
    labelNames: ['channel', 'outcome'],
    registry: this.registry,
  });
  private readonly deliveriesC = new TallyCounter({
    name: 'verity_provider_messages_total',
    help: 'What providers did with messages: sent (taken), delivered, undeliverable (receipts), error (a refused hand-over), failed (given up)',
    labelNames: ['provider', 'channel', 'outcome'],
    registry: this.registry,
  });

  private readonly fraudC = new TallyCounter({
    name: 'verity_fraud_decisions_total',
    help: "Starts and resends the fraud layer judged, by outcome (allowed, refused, shadow_refused: what shadow mode would have refused) and reason (geo, or the pumping rules' strongest signal)",
    labelNames: ['outcome', 'reason'],
    registry: this.registry,
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'verity_' });
  }

  started(channel: string): void {
    this.startedC.inc(channel, () => ({ channel }));
  }
  approved(channel: string): void {
    this.approvedC.inc(channel, () => ({ channel }));
  }
  failed(channel: string): void {
    this.failedC.inc(channel, () => ({ channel }));
  }

  /** A verification's end or a provider's answer, once the change that records it has committed (see analytics/rollups.ts). */
  count(o: { kind: 'delivery' | 'verification'; channel: string; provider?: string; outcome: string }): void {
    if (o.kind === 'verification') this.outcomesC.inc(`${o.channel} ${o.outcome}`, () => ({ channel: o.channel, outcome: o.outcome }));
    else this.deliveriesC.inc(`${o.provider ?? 'none'} ${o.channel} ${o.outcome}`, () => ({ provider: o.provider ?? 'none', channel: o.channel, outcome: o.outcome }));
  }

  /** A fraud and cost control decision (src/fraud). */
  fraudDecision(outcome: 'allowed' | 'refused' | 'shadow_refused', reason: string): void {
    this.fraudC.inc(`${outcome} ${reason}`, () => ({ outcome, reason }));
  }

  /** Records one request; `route` is the pattern, not the URL, so ids do not make a series each. */
  observe(method: string, route: string, status: number, seconds: number): void {
    this.http.observe(method, route, status, seconds);
  }

  install(app: App): void {
    app.get('/metrics', { schema: { hide: true }, config: METRICS_DOC }, async (_req, reply) => {
      reply.type(this.registry.contentType);
      return this.registry.metrics();
    });
  }
}
