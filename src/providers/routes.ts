import { TAG } from '../http/reference.js';
import { Type } from 'typebox';
import { IdParam, problems, Timestamp } from '../http/schemas.js';
import { principalOf, type App } from '../http/types.js';
import { ChannelSchema } from '../http/schemas.js';
import type { AccountProviders } from './account-providers.js';
import { newProviderExample, providerExample, providersExample, routesExample, storedRoutesExample } from './examples.js';
import { PROVIDER_TYPES } from './index.js';

const Provider = Type.Object(
  {
    id: Type.String({ description: 'prv_…: the name attempts and callbacks know this provider by' }),
    name: Type.String(),
    type: Type.String(),
    options: Type.Record(Type.String(), Type.Unknown(), { description: 'The options, secrets left out' }),
    secrets_set: Type.Array(Type.String(), { description: 'Secret options that are set (never shown)' }),
    callback_url: Type.String({ description: 'Where the vendor must send status callbacks' }),
    created_at: Timestamp,
  },
  { examples: [providerExample] },
);

const Rule = Type.Object(
  {
    channel: ChannelSchema,
    prefix: Type.Optional(Type.String({ pattern: '^\\+?[0-9]{0,15}$', description: 'Calling-code prefix; empty: every destination' })),
    provider: Type.String({ minLength: 1, maxLength: 64, description: 'A provider of this account (by name) or of the server' }),
    priority: Type.Optional(Type.Integer({ minimum: -1000, maximum: 1000, description: 'Lower first (default 1)' })),
    weight: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, description: 'Share among rules of equal prefix and priority (default 1)' })),
  },
  { additionalProperties: false },
);

/** Providers and routing rules an account manages for itself; secret options are write-only. */
export function providerRoutes(providers: AccountProviders) {
  return async function routes(app: App): Promise<void> {
    const tags = [TAG.providers];
    app.post(
      '/v1/providers',
      {
        schema: {
          tags,
          summary: 'Add a delivery provider for this account (secret options are stored sealed and never shown)',
          description:
            'The options are checked against the type’s schema, and every host the account names must be a public address. Messages reach the provider once a routing rule names it; its status callbacks go to `callback_url`.',
          body: Type.Object(
            {
              name: Type.String({ pattern: '^[a-z0-9][a-z0-9_-]{0,62}$', description: 'What this account’s routing rules call it' }),
              type: Type.Enum([...PROVIDER_TYPES.keys()]),
              options: Type.Record(Type.String({ maxLength: 64 }), Type.Unknown(), { maxProperties: 40, description: 'The options of the type, as PROVIDERS takes them (see the providers guide)' }),
            },
            { additionalProperties: false, examples: [newProviderExample] },
          ),
          response: { 201: Provider, ...problems('INVALID_PROVIDER', 'PROVIDER_NAME_TAKEN', 'PROVIDER_ADDRESS_NOT_ALLOWED', 'PROVIDER_ADDRESS_UNRESOLVABLE') },
        },
      },
      async (req, reply) => reply.code(201).send(await providers.create(principalOf(req).accountId, req.body)),
    );

    app.get(
      '/v1/providers',
      { schema: { tags, summary: 'List this account’s providers', response: { 200: Type.Object({ providers: Type.Array(Provider) }, { examples: [providersExample] }), ...problems() } } },
      async (req) => ({
        providers: await providers.list(principalOf(req).accountId),
      }),
    );

    app.get('/v1/providers/:id', { schema: { tags, summary: 'Read a provider', params: IdParam('prv'), response: { 200: Provider, ...problems('PROVIDER_NOT_FOUND') } } }, async (req) =>
      providers.get(principalOf(req).accountId, req.params.id),
    );

    app.delete(
      '/v1/providers/:id',
      { schema: { tags, summary: 'Remove a provider', params: IdParam('prv'), response: { 204: Type.Null(), ...problems('PROVIDER_NOT_FOUND', 'PROVIDER_IN_USE') } } },
      async (req, reply) => {
        await providers.remove(principalOf(req).accountId, req.params.id);
        return reply.code(204).send(null);
      },
    );

    const Routes = Type.Object({ routes: Type.Array(Rule, { maxItems: 100 }) }, { additionalProperties: false, examples: [routesExample] });
    const RoutesOut = Type.Object(
      { routes: Type.Array(Type.Object({ channel: Type.String(), prefix: Type.String(), provider: Type.String(), priority: Type.Integer(), weight: Type.Integer() })) },
      { examples: [storedRoutesExample] },
    );
    app.get('/v1/routes', { schema: { tags, summary: 'This account’s routing rules (empty: the server’s apply)', response: { 200: RoutesOut, ...problems() } } }, async (req) => ({
      routes: (await providers.rules(principalOf(req).accountId)) ?? [],
    }));

    app.put(
      '/v1/routes',
      {
        schema: {
          tags,
          summary: 'Replace this account’s routing rules (an empty list goes back to the server’s)',
          description:
            'A message tries the rules of its channel whose prefix its destination starts with: longest prefix first, then lower priority, then at random by weight; the next one takes over when a provider fails.',
          body: Routes,
          response: { 200: RoutesOut, ...problems('PROVIDER_NOT_FOUND') },
        },
      },
      async (req) => ({
        routes: await providers.setRoutes(
          principalOf(req).accountId,
          req.body.routes.map((r) => ({ channel: r.channel, prefix: (r.prefix ?? '').replace(/^\+/, ''), provider: r.provider, priority: r.priority ?? 1, weight: r.weight ?? 1 })),
        ),
      }),
    );
  };
}
