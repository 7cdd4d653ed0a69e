import { TAG } from '../http/reference.js';
import { Type } from 'typebox';
import type { ServiceTable } from '../db/schema.js';
import { AppError } from '../errors/index.js';
import { IdParam, problems, Timestamp } from '../http/schemas.js';
import { principalOf, type App } from '../http/types.js';
import type { Clock } from '../lib/clock.js';
import { newId } from '../lib/ids.js';
import { ChannelSchema, WorkflowSchema } from '../http/schemas.js';
import { LocaleSchema } from '../templates/index.js';
import { parseWorkflow } from './workflow.js';
import type { ServiceStore } from './service-store.js';

const Fields = {
  brand: Type.String({ minLength: 1, maxLength: 40, description: 'Name shown in messages' }),
  code_length: Type.Integer({ minimum: 4, maximum: 10 }),
  ttl_s: Type.Integer({ minimum: 30, maximum: 86_400, description: 'Validity, seconds (default 600)' }),
  max_attempts: Type.Integer({ minimum: 1, maximum: 100 }),
  max_sends: Type.Integer({ minimum: 1, maximum: 100 }),
  resend_cooldown_s: Type.Integer({ minimum: 0, maximum: 3600 }),
  channels: Type.Array(ChannelSchema, { minItems: 1, uniqueItems: true, description: 'Allowed channels (default all)' }),
  locale: LocaleSchema,
  webotp_domain: Type.String({ pattern: '^[a-z0-9.-]{1,253}$', description: 'Adds the WebOTP line "@domain #code" to SMS' }),
  android_app_hash: Type.String({ pattern: '^[A-Za-z0-9+/]{11}$', description: 'Android SMS Retriever app hash' }),
  workflow: WorkflowSchema,
};
const Nullable = <T extends (typeof Fields)[keyof typeof Fields]>(t: T) => Type.Optional(Type.Union([t, Type.Null()]));

const CreateBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 100 }),
    brand: Nullable(Fields.brand),
    code_length: Nullable(Fields.code_length),
    ttl_s: Nullable(Fields.ttl_s),
    max_attempts: Nullable(Fields.max_attempts),
    max_sends: Nullable(Fields.max_sends),
    resend_cooldown_s: Nullable(Fields.resend_cooldown_s),
    channels: Nullable(Fields.channels),
    locale: Nullable(Fields.locale),
    webotp_domain: Nullable(Fields.webotp_domain),
    android_app_hash: Nullable(Fields.android_app_hash),
    workflow: Nullable(Fields.workflow),
  },
  {
    additionalProperties: false,
    examples: [{ name: 'Login', brand: 'Acme', code_length: 6, channels: ['sms', 'whatsapp', 'voice'], workflow: [{ channel: 'sms', timeout_s: 60 }, { channel: 'voice' }] }],
  },
);
const PatchBody = Type.Partial(CreateBody, { additionalProperties: false, examples: [{ brand: 'Acme', locale: null }] });

const SERVICE_EXAMPLE = {
  id: 'svc_0oB7AuZP3SXoRsBj9Qx2oo',
  name: 'Login',
  brand: 'Acme',
  code_length: 6,
  ttl_s: null,
  max_attempts: null,
  max_sends: null,
  resend_cooldown_s: null,
  channels: ['sms', 'whatsapp', 'voice'],
  locale: null,
  webotp_domain: null,
  android_app_hash: null,
  workflow: [{ channel: 'sms', timeout_s: 60 }, { channel: 'voice' }],
  created_at: '2026-04-28T14:02:11.000Z',
  updated_at: '2026-04-28T14:02:11.000Z',
};

const Service = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    brand: Type.Union([Type.String(), Type.Null()]),
    code_length: Type.Union([Type.Integer(), Type.Null()]),
    ttl_s: Type.Union([Type.Integer(), Type.Null()]),
    max_attempts: Type.Union([Type.Integer(), Type.Null()]),
    max_sends: Type.Union([Type.Integer(), Type.Null()]),
    resend_cooldown_s: Type.Union([Type.Integer(), Type.Null()]),
    channels: Type.Union([Type.Array(Type.String()), Type.Null()]),
    locale: Type.Union([Type.String(), Type.Null()]),
    webotp_domain: Type.Union([Type.String(), Type.Null()]),
    android_app_hash: Type.Union([Type.String(), Type.Null()]),
    workflow: Type.Union([WorkflowSchema, Type.Null()]),
    created_at: Timestamp,
    updated_at: Timestamp,
  },
  { description: 'A field that is null takes the server default', examples: [SERVICE_EXAMPLE] },
);
const ServiceList = Type.Object({ services: Type.Array(Service) }, { examples: [{ services: [SERVICE_EXAMPLE] }] });

type Body = Partial<Record<keyof typeof Fields, unknown>> & { name?: string };

function columns(b: Body): Partial<ServiceTable> {
  const out: Partial<ServiceTable> = {};
  for (const [k, v] of Object.entries(b)) {
    if (v === undefined) continue;
    (out as Record<string, unknown>)[k] = (k === 'channels' || k === 'workflow') && v !== null ? JSON.stringify(v) : v;
  }
  return out;
}

function view(s: ServiceTable) {
  return {
    ...s,
    channels: s.channels ? (JSON.parse(s.channels) as string[]) : null,
    workflow: parseWorkflow(s.workflow),
    created_at: new Date(s.created_at).toISOString(),
    updated_at: new Date(s.updated_at).toISOString(),
    account_id: undefined,
  };
}

export function serviceRoutes(store: ServiceStore, clock: Clock) {
  return async function routes(app: App): Promise<void> {
    const tags = [TAG.services];
    app.post(
      '/v1/services',
      {
        schema: {
          tags,
          summary: 'Create a service (settings for one use case)',
          description: 'A start names the service (`service`) to run under its settings; a field left out or null takes the server default.',
          body: CreateBody,
          response: { 201: Service, ...problems() },
        },
      },
      async (req, reply) => {
        const now = clock.now();
        const row: ServiceTable = {
          id: newId('svc'),
          account_id: principalOf(req).accountId,
          name: req.body.name,
          brand: null,
          code_length: null,
          ttl_s: null,
          max_attempts: null,
          max_sends: null,
          resend_cooldown_s: null,
          channels: null,
          locale: null,
          webotp_domain: null,
          android_app_hash: null,
          workflow: null,
          created_at: now,
          updated_at: now,
          ...columns(req.body),
        };
        await store.insert(row);
        return reply.code(201).send(view(row));
      },
    );

    app.get('/v1/services', { schema: { tags, summary: 'List services', description: 'The account’s services, oldest first.', response: { 200: ServiceList, ...problems() } } }, async (req) => ({
      services: (await store.list(principalOf(req).accountId)).map(view),
    }));

    app.get('/v1/services/:id', { schema: { tags, summary: 'Read a service', params: IdParam('svc'), response: { 200: Service, ...problems('SERVICE_NOT_FOUND') } } }, async (req) => {
      const s = await store.get(principalOf(req).accountId, req.params.id);
      if (!s) throw new AppError('SERVICE_NOT_FOUND');
      return view(s);
    });

    app.patch(
      '/v1/services/:id',
      {
        schema: { tags, summary: 'Change a service; null resets a field to the server default', params: IdParam('svc'), body: PatchBody, response: { 200: Service, ...problems('SERVICE_NOT_FOUND') } },
      },
      async (req) => {
        const accountId = principalOf(req).accountId;
        if (!(await store.update(accountId, req.params.id, { ...columns(req.body), updated_at: clock.now() }))) throw new AppError('SERVICE_NOT_FOUND');
        return view((await store.get(accountId, req.params.id)) as ServiceTable);
      },
    );

    app.delete(
      '/v1/services/:id',
      {
        schema: {
          tags,
          summary: 'Delete a service',
          description: 'Verifications already started under it go on; a resend of one uses the server defaults.',
          params: IdParam('svc'),
          response: { 204: Type.Null(), ...problems('SERVICE_NOT_FOUND') },
        },
      },
      async (req, reply) => {
        if (!(await store.delete(principalOf(req).accountId, req.params.id))) throw new AppError('SERVICE_NOT_FOUND');
        return reply.code(204).send(null);
      },
    );
  };
}
