import { TAG } from '../http/reference.js';
import { Type } from 'typebox';
import type { PriceBook } from './price-book.js';
import { AppError } from '../errors/index.js';
import { requireAdmin } from './authenticate.js';
import { IdParam, problems, Timestamp } from '../http/schemas.js';
import { principalOf, type App } from '../http/types.js';
import type { PriceTable } from '../db/schema.js';
import { ChannelSchema } from '../http/schemas.js';
import type { Channel } from '../kernel/channel.js';
import type { AccountService } from './account-service.js';
import type { AccountStore } from './account-store.js';
import { accountExample, balanceExample, createdAccountExample, creditExample, issuedKeyExample, keysExample, newAccountExample, newKeyExample, pricesExample } from './examples.js';
import { accountView, MICROS } from './account-view.js';
import type { KeyService } from './key-service.js';

const toMicros = (amount: number) => Math.round(amount * MICROS);

const IssuedKey = Type.Object({ key_id: Type.String(), secret: Type.String({ description: 'Shown once; store it now' }) }, { examples: [issuedKeyExample] });
const KeyView = Type.Object({ key_id: Type.String(), name: Type.String(), created_at: Timestamp, revoked_at: Type.Union([Timestamp, Type.Null()]) });
const Price = Type.Object({
  channel: ChannelSchema,
  prefix: Type.String({ pattern: '^[0-9]{0,15}$', description: 'Country/number prefix without +; empty matches all' }),
  price: Type.Number({ minimum: 0, maximum: 1000, description: 'Per message or call, in the account’s currency' }),
});
const Balance = Type.Object(
  {
    account_id: Type.String(),
    balance: Type.Number({ description: 'In the account’s currency' }),
    currency: Type.String(),
    postpaid: Type.Boolean({ description: 'true: sends are billed later and never refused for the balance' }),
    prices: Type.Array(Price),
  },
  { examples: [balanceExample] },
);
const AccountFields = { id: Type.String(), name: Type.String(), balance: Type.Number(), currency: Type.String(), postpaid: Type.Boolean(), created_at: Timestamp };
const Account = Type.Object(AccountFields, { examples: [accountExample] });

const priceView = (p: PriceTable) => ({ channel: p.channel as Channel, prefix: p.prefix, price: p.price_micros / MICROS });

export function accountRoutes(accounts: AccountService, store: AccountStore, keys: KeyService, prices: PriceBook) {
  return async function routes(app: App): Promise<void> {
    app.get('/v1/balance', { schema: { tags: [TAG.account], summary: 'Balance and price list of the caller’s account', response: { 200: Balance, ...problems() } } }, async (req) => {
      const a = await accounts.get(principalOf(req).accountId);
      return { account_id: a.id, balance: a.balance_micros / MICROS, currency: a.currency, postpaid: a.postpaid === 1, prices: (await store.listPrices(a.id)).map(priceView) };
    });

    app.get(
      '/v1/keys',
      {
        schema: {
          tags: [TAG.account],
          summary: 'List API keys (secrets are never shown again)',
          response: { 200: Type.Object({ keys: Type.Array(KeyView) }, { examples: [keysExample] }), ...problems() },
        },
      },
      async (req) => {
        const rows = await store.listKeys(principalOf(req).accountId);
        return { keys: rows.map((k) => ({ key_id: k.id, name: k.name, created_at: new Date(k.created_at).toISOString(), revoked_at: k.revoked_at ? new Date(k.revoked_at).toISOString() : null })) };
      },
    );

    app.post(
      '/v1/keys',
      {
        schema: {
          tags: [TAG.account],
          summary: 'Create an API key',
          body: Type.Object({ name: Type.String({ minLength: 1, maxLength: 100, description: 'What the key is for' }) }, { additionalProperties: false, examples: [newKeyExample] }),
          response: { 201: IssuedKey, ...problems() },
        },
      },
      async (req, reply) => reply.code(201).send(await keys.create(principalOf(req).accountId, req.body.name)),
    );

    app.delete(
      '/v1/keys/:id',
      { schema: { tags: [TAG.account], summary: 'Revoke an API key', params: IdParam('vk'), response: { 204: Type.Null(), ...problems('API_KEY_NOT_FOUND') } } },
      async (req, reply) => {
        if (!(await keys.revoke(principalOf(req).accountId, req.params.id))) throw new AppError('API_KEY_NOT_FOUND');
        return reply.code(204).send(null);
      },
    );

    // Operator-only: the multi-tenant side (create tenants, top up, set prices).
    app.post(
      '/v1/accounts',
      {
        schema: {
          tags: [TAG.accounts],
          summary: 'Create an account with its first API key',
          description: 'The key’s secret is shown only in this answer. Operator keys only.',
          body: Type.Object(
            {
              name: Type.String({ minLength: 1, maxLength: 100 }),
              postpaid: Type.Optional(Type.Boolean({ description: 'Billed later: sends are never refused for the balance (default false)' })),
              balance: Type.Optional(Type.Number({ minimum: 0, maximum: 1e9, description: 'Opening balance, in its currency (default 0)' })),
              currency: Type.Optional(Type.String({ pattern: '^[A-Z]{3}$', description: 'ISO 4217; default USD' })),
            },
            { additionalProperties: false, examples: [newAccountExample] },
          ),
          response: { 201: Type.Object({ account: Type.Object(AccountFields), key: IssuedKey }, { examples: [createdAccountExample] }), ...problems('FORBIDDEN') },
        },
      },
      async (req, reply) => {
        requireAdmin(req);
        const b = req.body;
        const { account, key } = await accounts.create({ name: b.name, postpaid: b.postpaid ?? false, balanceMicros: toMicros(b.balance ?? 0), currency: b.currency ?? 'USD' });
        return reply.code(201).send({ account: accountView(account), key });
      },
    );

    app.get(
      '/v1/accounts/:id',
      { schema: { tags: [TAG.accounts], summary: 'Read an account', params: IdParam('acc'), response: { 200: Account, ...problems('FORBIDDEN', 'ACCOUNT_NOT_FOUND') } } },
      async (req) => {
        requireAdmin(req);
        return accountView(await accounts.get(req.params.id));
      },
    );

    app.post(
      '/v1/accounts/:id/credit',
      {
        schema: {
          tags: [TAG.accounts],
          summary: 'Add to (or, with a negative amount, take from) an account’s balance',
          params: IdParam('acc'),
          body: Type.Object({ amount: Type.Number({ minimum: -1e9, maximum: 1e9, description: 'In the account’s currency' }) }, { additionalProperties: false, examples: [creditExample] }),
          response: { 200: Account, ...problems('FORBIDDEN', 'ACCOUNT_NOT_FOUND') },
        },
      },
      async (req) => {
        requireAdmin(req);
        if ((await store.credit(req.params.id, toMicros(req.body.amount))) === undefined) throw new AppError('ACCOUNT_NOT_FOUND');
        return accountView(await accounts.get(req.params.id));
      },
    );

    app.put(
      '/v1/accounts/:id/prices',
      {
        schema: {
          tags: [TAG.accounts],
          summary: 'Replace an account’s price list (per channel and number prefix; longest prefix wins)',
          params: IdParam('acc'),
          body: Type.Object({ prices: Type.Array(Price, { maxItems: 2000 }) }, { additionalProperties: false, examples: [pricesExample] }),
          response: { 200: Type.Object({ prices: Type.Array(Price) }, { examples: [pricesExample] }), ...problems('FORBIDDEN', 'ACCOUNT_NOT_FOUND') },
        },
      },
      async (req) => {
        requireAdmin(req);
        await accounts.get(req.params.id);
        const seen = new Set<string>();
        for (const p of req.body.prices) {
          const k = `${p.channel}:${p.prefix}`;
          if (seen.has(k)) throw new AppError('VALIDATION_FAILED', `price for ${p.channel} prefix "${p.prefix}" is listed twice`);
          seen.add(k);
        }
        await store.replacePrices(
          req.params.id,
          req.body.prices.map((p) => ({ channel: p.channel, prefix: p.prefix, priceMicros: toMicros(p.price) })),
        );
        prices.invalidate(req.params.id);
        return { prices: (await store.listPrices(req.params.id)).map(priceView) };
      },
    );
  };
}
