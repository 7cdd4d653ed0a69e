import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import type { Sealer } from '../crypto/sealer.js';
import { AppError } from '../errors/index.js';
import type { Clock } from '../lib/clock.js';
import { newId } from '../lib/ids.js';
import { checkUrl } from '../outbound/outbound-guard.js';
import type { EventSink, WebhookEvent, WebhookEventType } from '../events/webhook-events.js';
import type { DeliveryRow, EndpointRow, WebhookStore } from './webhook-store.js';

export interface NewEndpoint {
  url: string;
  events?: WebhookEventType[] | undefined;
  service?: string | undefined;
  description?: string | undefined;
}

const ENDPOINT_CACHE_MS = 5_000;

/**
 * Webhook endpoints and the events they receive. An event becomes one delivery row per
 * subscribed endpoint, written before anything is sent, so a crash or a down receiver loses
 * nothing: the sender retries from the table.
 */
/** Whether an endpoint subscribed to this event (its service, or all; its types, or all). */
function wants(e: EndpointRow, event: WebhookEvent): boolean {
  return (e.service_id === null || e.service_id === event.serviceId) && (e.events === null || (JSON.parse(e.events) as string[]).includes(event.type));
}

/** The JSON body every event is sent as. */
function eventBody(type: string, now: number, data: unknown): string {
  return JSON.stringify({ type, timestamp: new Date(now).toISOString(), data });
}

/** A delivery of an event to one endpoint, due now. */
function delivery(endpointId: string, accountId: string, eventId: string, type: string, payload: string, now: number): DeliveryRow {
  return {
    id: newId('whd'),
    endpoint_id: endpointId,
    account_id: accountId,
    event_id: eventId,
    event_type: type,
    payload,
    status: 'queued',
    attempts: 0,
    next_attempt_at: now,
    response_status: null,
    error: null,
    created_at: now,
    updated_at: now,
  };
}

export class WebhookService implements EventSink {
  // Most events belong to accounts with no endpoint at all; asking the database each time would
  // cost every verification a query.
  private readonly cache = new Map<string, { at: number; endpoints: EndpointRow[] }>();
  private readonly recording = new Set<Promise<void>>();

  constructor(
    private readonly store: WebhookStore,
    private readonly sealer: Sealer,
    private readonly clock: Clock,
    private readonly log: Logger,
    private readonly allowPrivate: boolean,
    private readonly wake: () => void,
    /** Delivers a held delivery now and answers it settled (the sender's sendNow). */
    private readonly sendNow: (d: DeliveryRow) => Promise<DeliveryRow>,
    private readonly leaseMs: number,
  ) {}

  async create(accountId: string, input: NewEndpoint): Promise<{ endpoint: EndpointRow; secret: string }> {
    let url: URL;
    try {
      url = new URL(input.url);
    } catch {
      throw new AppError('INVALID_WEBHOOK_URL', 'url must be an absolute http(s) URL');
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new AppError('INVALID_WEBHOOK_URL', 'url must use http or https');
    if (url.username || url.password) throw new AppError('INVALID_WEBHOOK_URL', 'url must not carry credentials; verify the signature instead');
    const verdict = await checkUrl(url, this.allowPrivate);
    if (verdict === 'unresolvable') throw new AppError('WEBHOOK_URL_UNRESOLVABLE', 'the host of the webhook URL does not resolve');
    if (verdict === 'not-public') throw new AppError('WEBHOOK_URL_NOT_ALLOWED', 'the url points at a private, loopback or otherwise non-public address');
    const now = this.clock.now();
    const id = newId('whk');
    const secret = `whsec_${randomBytes(24).toString('base64')}`;
    const endpoint: EndpointRow = {
      id,
      account_id: accountId,
      service_id: input.service ?? null,
      url: url.toString(),
      secret_sealed: this.sealer.seal(secret, id),
      events: input.events ? JSON.stringify([...new Set(input.events)]) : null,
      description: input.description ?? null,
      created_at: now,
      updated_at: now,
    };
    await this.store.insertEndpoint(endpoint);
    this.cache.delete(accountId);
    return { endpoint, secret };
  }

  list(accountId: string): Promise<EndpointRow[]> {
    return this.store.endpoints(accountId);
  }

  async get(accountId: string, id: string): Promise<EndpointRow> {
    const e = await this.store.endpoint(accountId, id);
    if (!e) throw new AppError('WEBHOOK_NOT_FOUND', `no webhook endpoint ${id}`);
    return e;
  }

  async remove(accountId: string, id: string): Promise<void> {
    if (!(await this.store.deleteEndpoint(accountId, id))) throw new AppError('WEBHOOK_NOT_FOUND', `no webhook endpoint ${id}`);
    this.cache.delete(accountId);
  }

  async deliveries(accountId: string, endpointId: string, limit: number): Promise<DeliveryRow[]> {
    await this.get(accountId, endpointId);
    return this.store.deliveries(endpointId, limit);
  }

  /** Sends a past event again, with its original webhook-id so the receiver can tell it is the same event. */
  async replay(accountId: string, endpointId: string, deliveryId: string): Promise<DeliveryRow> {
    await this.get(accountId, endpointId);
    const d = await this.store.delivery(endpointId, deliveryId);
    if (!d) throw new AppError('WEBHOOK_DELIVERY_NOT_FOUND', `no delivery ${deliveryId} for this endpoint`);
    const now = this.clock.now();
    const copy: DeliveryRow = { ...d, id: newId('whd'), status: 'queued', attempts: 0, next_attempt_at: now, response_status: null, error: null, created_at: now, updated_at: now };
    await this.store.enqueue([copy]);
    this.wake();
    return copy;
  }

  /**
   * Sends a signed `webhook.test` event to one endpoint now, whatever it subscribed to, as any
   * delivery is sent (the same signature, outbound guard, timeout and retries), and answers the
   * delivery as the first attempt left it. It is in the endpoint's delivery log like any other.
   */
  async test(accountId: string, endpointId: string): Promise<DeliveryRow> {
    const endpoint = await this.get(accountId, endpointId);
    const now = this.clock.now();
    const body = eventBody('webhook.test', now, { endpoint_id: endpoint.id, account_id: accountId });
    // Written as already claimed by this instance, under the sender's lease, then sent at once.
    const row: DeliveryRow = { ...delivery(endpoint.id, accountId, newId('evt'), 'webhook.test', body, now), status: 'sending', attempts: 1, next_attempt_at: now + this.leaseMs };
    await this.store.enqueue([row]);
    return this.sendNow(row);
  }

  emit(event: WebhookEvent): void {
    // Most events have no endpoint to go to: when the account's endpoints are known, that is
    // settled here without a promise, and the event's data is never built.
    const known = this.cached(event.accountId)?.filter((e) => wants(e, event));
    if (known?.length === 0) return;
    const p = this.enqueue(event, known)
      .catch((err: unknown) => this.log.error({ err, type: event.type }, 'webhook event not recorded'))
      .finally(() => this.recording.delete(p));
    this.recording.add(p);
  }

  /** Resolves once every event emitted so far is in the table (shutdown and tests wait on it). */
  async flush(): Promise<void> {
    await Promise.all([...this.recording]);
  }

  /** `targets`: the endpoints that want the event, when already known. */
  private async enqueue(event: WebhookEvent, targets?: EndpointRow[]): Promise<void> {
    targets ??= (await this.endpointsOf(event.accountId)).filter((e) => wants(e, event));
    if (targets.length === 0) return;
    const now = this.clock.now();
    const eventId = newId('evt');
    const body = eventBody(event.type, now, event.data);
    await this.store.enqueue(targets.map((e) => delivery(e.id, event.accountId, eventId, event.type, body, now)));
    this.wake();
  }

  private async endpointsOf(accountId: string): Promise<EndpointRow[]> {
    const hit = this.cached(accountId);
    if (hit) return hit;
    const endpoints = await this.store.endpoints(accountId);
    this.cache.set(accountId, { at: Date.now(), endpoints });
    return endpoints;
  }

  /** The account's endpoints while the cached list is fresh. */
  private cached(accountId: string): EndpointRow[] | undefined {
    const hit = this.cache.get(accountId);
    return hit && Date.now() - hit.at < ENDPOINT_CACHE_MS ? hit.endpoints : undefined;
  }
}
