import { TAG } from '../http/reference.js';
import { Type } from 'typebox';
import { IdParam, problems, Timestamp } from '../http/schemas.js';
import { principalOf, type App } from '../http/types.js';
import { WEBHOOK_EVENTS } from '../events/webhook-events.js';
import type { WebhookService } from './webhook-service.js';
import { deliveriesExample, endpointExample, endpointsExample, issuedEndpointExample, newEndpointExample, replayExample, testDeliveryExample } from './examples.js';
import type { DeliveryRow, EndpointRow } from './webhook-store.js';

const EventType = Type.Enum([...WEBHOOK_EVENTS]);

const EndpointFields = {
  id: Type.String(),
  url: Type.String(),
  service_id: Type.Union([Type.String(), Type.Null()], { description: 'Only this service’s events; null: every event of the account' }),
  events: Type.Union([Type.Array(Type.String()), Type.Null()], { description: 'Subscribed event types; null: every event' }),
  description: Type.Union([Type.String(), Type.Null()]),
  created_at: Timestamp,
};
const Endpoint = Type.Object(EndpointFields, { examples: [endpointExample] });

const DeliveryFields = {
  id: Type.String(),
  event_id: Type.String({ description: 'The webhook-id header' }),
  event_type: Type.String(),
  status: Type.Enum(['queued', 'sending', 'succeeded', 'failed']),
  attempts: Type.Integer(),
  response_status: Type.Union([Type.Integer(), Type.Null()]),
  error: Type.Union([Type.String(), Type.Null()]),
  next_attempt_at: Type.Union([Timestamp, Type.Null()]),
  created_at: Timestamp,
  payload: Type.Unknown({ description: 'The body sent: the event’s type, timestamp and data' }),
};
const Delivery = Type.Object(DeliveryFields);

const iso = (ms: number) => new Date(ms).toISOString();
const endpointView = (e: EndpointRow) => ({
  id: e.id,
  url: e.url,
  service_id: e.service_id,
  events: e.events ? (JSON.parse(e.events) as string[]) : null,
  description: e.description,
  created_at: iso(e.created_at),
});
const deliveryView = (d: DeliveryRow) => ({
  id: d.id,
  event_id: d.event_id,
  event_type: d.event_type,
  status: d.status as 'queued' | 'sending' | 'succeeded' | 'failed',
  attempts: d.attempts,
  response_status: d.response_status,
  error: d.error,
  next_attempt_at: d.next_attempt_at === null ? null : iso(d.next_attempt_at),
  created_at: iso(d.created_at),
  payload: JSON.parse(d.payload) as unknown,
});

export function webhookRoutes(service: WebhookService) {
  return async function routes(app: App): Promise<void> {
    const tags = [TAG.webhooks];
    app.post(
      '/v1/webhooks',
      {
        schema: {
          tags,
          summary: 'Register a webhook endpoint; the signing secret is shown only in this answer',
          description: 'The URL must be http(s) without credentials and reach a public address. Without `events` the endpoint hears every event type; with `service`, only that service’s events.',
          body: Type.Object(
            {
              url: Type.String({ minLength: 8, maxLength: 2048 }),
              events: Type.Optional(Type.Array(EventType, { minItems: 1, maxItems: WEBHOOK_EVENTS.length })),
              service: Type.Optional(Type.String({ maxLength: 64, description: 'Only events of this service' })),
              description: Type.Optional(Type.String({ maxLength: 200 })),
            },
            { additionalProperties: false, examples: [newEndpointExample] },
          ),
          response: {
            201: Type.Object({ ...EndpointFields, secret: Type.String({ description: 'whsec_…: verify webhook-signature with it (Standard Webhooks)' }) }, { examples: [issuedEndpointExample] }),
            ...problems('INVALID_WEBHOOK_URL', 'WEBHOOK_URL_NOT_ALLOWED', 'WEBHOOK_URL_UNRESOLVABLE'),
          },
        },
      },
      async (req, reply) => {
        const { endpoint, secret } = await service.create(principalOf(req).accountId, req.body);
        return reply.code(201).send({ ...endpointView(endpoint), secret });
      },
    );

    const Endpoints = Type.Object({ webhooks: Type.Array(Endpoint) }, { examples: [endpointsExample] });
    app.get('/v1/webhooks', { schema: { tags, summary: 'List webhook endpoints, oldest first', response: { 200: Endpoints, ...problems() } } }, async (req) => ({
      webhooks: (await service.list(principalOf(req).accountId)).map(endpointView),
    }));

    app.get('/v1/webhooks/:id', { schema: { tags, summary: 'Read a webhook endpoint', params: IdParam('whk'), response: { 200: Endpoint, ...problems('WEBHOOK_NOT_FOUND') } } }, async (req) =>
      endpointView(await service.get(principalOf(req).accountId, req.params.id)),
    );

    app.delete(
      '/v1/webhooks/:id',
      { schema: { tags, summary: 'Delete a webhook endpoint', params: IdParam('whk'), response: { 204: Type.Null(), ...problems('WEBHOOK_NOT_FOUND') } } },
      async (req, reply) => {
        await service.remove(principalOf(req).accountId, req.params.id);
        return reply.code(204).send(null);
      },
    );

    app.get(
      '/v1/webhooks/:id/deliveries',
      {
        schema: {
          tags,
          summary: 'The delivery log of an endpoint, newest first',
          params: IdParam('whk'),
          querystring: Type.Object({ limit: Type.Optional(Type.String({ pattern: '^(?:[1-9][0-9]?|1[0-9]{2}|200)$', description: '1 to 200, default 50' })) }),
          response: { 200: Type.Object({ deliveries: Type.Array(Delivery) }, { examples: [deliveriesExample] }), ...problems('WEBHOOK_NOT_FOUND') },
        },
      },
      async (req) => ({ deliveries: (await service.deliveries(principalOf(req).accountId, req.params.id, Number(req.query.limit ?? 50))).map(deliveryView) }),
    );

    app.post(
      '/v1/webhooks/:id/deliveries/:delivery_id/replay',
      {
        schema: {
          tags,
          summary: 'Send a past event to the endpoint again (same webhook-id)',
          description: 'Queues a new delivery of the same event and payload, with its own retries; the receiver can tell it is the same event by its webhook-id.',
          params: Type.Object({ id: IdParam('whk').properties.id, delivery_id: IdParam('whd').properties.id }),
          response: { 202: Type.Object(DeliveryFields, { examples: [replayExample] }), ...problems('WEBHOOK_NOT_FOUND', 'WEBHOOK_DELIVERY_NOT_FOUND') },
        },
      },
      async (req, reply) => reply.code(202).send(deliveryView(await service.replay(principalOf(req).accountId, req.params.id, req.params.delivery_id))),
    );

    app.post(
      '/v1/webhooks/:id/test',
      {
        schema: {
          tags,
          summary: 'Send a signed webhook.test event to the endpoint now and answer how it went',
          description:
            'Whatever the endpoint subscribed to. It is sent as any delivery is (signature, outbound guard, timeout) and answered after the first attempt: `succeeded` on a 2xx answer, else `queued` with the next retry time, or `failed`. It appears in the delivery log like any other.',
          params: IdParam('whk'),
          response: { 200: Type.Object(DeliveryFields, { examples: [testDeliveryExample] }), ...problems('WEBHOOK_NOT_FOUND') },
        },
      },
      async (req) => deliveryView(await service.test(principalOf(req).accountId, req.params.id)),
    );
  };
}
