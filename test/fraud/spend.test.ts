import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { WebhookEvent } from '../../src/events/webhook-events.js';
import { startJsonGateway, type JsonGateway } from '../fakes/http-gateway/json-gateway.js';
import { listen, type Listener } from '../helpers/http-listener.js';
import { describeOnBackends, startTestApp, type TestApp } from '../helpers/test-app.js';

type Key = Awaited<ReturnType<TestApp['tenant']>>['key'];

describeOnBackends('spend caps', (backend) => {
  let t: TestApp;
  let gw: JsonGateway;
  let hook: Listener;
  const heard: WebhookEvent[] = [];
  let n = 0;

  beforeAll(async () => {
    gw = await startJsonGateway(200);
    hook = await listen(() => ({ status: 200, body: 'ok' }), []);
    t = await startTestApp(backend, {
      env: {
        OUTBOUND_ALLOW_PRIVATE: 'true',
        PROVIDERS: JSON.stringify([{ name: 'gw', type: 'http', url: gw.url, body: { to: '{to}', text: '{text}' }, messageIdPath: 'id', timeoutMs: 2000 }]),
        ROUTES: JSON.stringify([{ channel: 'sms', prefix: '', provider: 'gw', priority: 1 }]),
        ...(process.env.TEST_REDIS_URL ? { REDIS_URL: process.env.TEST_REDIS_URL, LIMITS_STORE: 'redis' } : {}),
      },
    });
    t.app.parts.events.subscribe((e) => {
      if (e.type === 'spend.threshold') heard.push(e);
    });
  });
  afterAll(async () => {
    await t?.close();
    await gw?.close();
    await hook?.close();
  });

  /** A postpaid tenant paying 0.05 per Brazilian and 0.07 per British SMS. */
  const tenant = async () => {
    const tn = await t.tenant({ postpaid: true });
    const r = await t.app.inject({
      method: 'PUT',
      url: `/v1/accounts/${tn.accountId}/prices`,
      headers: { authorization: t.auth(), 'content-type': 'application/json' },
      payload: JSON.stringify({
        prices: [
          { channel: 'sms', prefix: '55', price: 0.05 },
          { channel: 'sms', prefix: '44', price: 0.07 },
        ],
      }),
    });
    expect(r.statusCode).toBe(200);
    return tn;
  };
  const settings = async (key: Key, caps: object, app = t.app) => {
    const r = await app.inject({ method: 'PUT', url: '/v1/fraud/settings', headers: { authorization: t.auth(key), 'content-type': 'application/json' }, payload: JSON.stringify({ caps }) });
    expect(r.statusCode, r.body).toBe(200);
    return r.json();
  };
  const br = () => `+55119${String(70_000_000 + ++n * 7919).padStart(8, '0')}`;
  const gb = () => `+447400${String(100_000 + ++n * 7).padStart(6, '0')}`;
  const start = (key: Key, to: string, app = t.app) =>
    app.inject({ method: 'POST', url: '/v1/verifications', headers: { authorization: t.auth(key), 'content-type': 'application/json' }, payload: JSON.stringify({ channel: 'sms', to }) });
  const verifications = async (accountId: string) =>
    Number((await sql<{ n: number }>`select count(*) as n from verifications where account_id = ${accountId}`.execute(t.verity.database.db)).rows[0]?.n);

  it('refuses the send that would pass a cap, with when it resets, before anything is written; the next period takes sends again', async () => {
    const { accountId, key } = await tenant();
    const view = await settings(key, { hourly: 0.12 });
    expect(view.caps).toMatchObject({ hourly: 0.12, daily: null, monthly: null, country_daily: null, soft_percent: 80 });
    expect((await start(key, br())).statusCode).toBe(201);
    expect((await start(key, br())).statusCode).toBe(201);
    const refused = await start(key, br());
    expect(refused.statusCode).toBe(429);
    expect(refused.json()).toMatchObject({ code: 'SPEND_CAP_REACHED', period: 'hour', cap: 0.12, currency: 'USD', resets_at: '2026-01-01T01:00:00.000Z' });
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expect(await verifications(accountId)).toBe(2);
    const standing = await t.get('/v1/fraud/spend', key);
    expect(standing.body.periods[0]).toMatchObject({ period: 'hour', spent: 0.1, cap: 0.12 });
    expect(standing.body.countries).toEqual([{ country: 'BR', spent: 0.1, cap: null }]);

    t.clock.advance(3_600_000);
    expect((await start(key, br())).statusCode).toBe(201);
    // Raising the cap lets sends through at once.
    expect((await start(key, br())).statusCode).toBe(201);
    expect((await start(key, br())).statusCode).toBe(429);
    await settings(key, { hourly: 1 });
    expect((await start(key, br())).statusCode).toBe(201);
    // null: back to the server's default, which is none.
    expect((await settings(key, { hourly: null })).caps.hourly).toBeNull();
  });

  it('holds each country to its own daily cap, and "*" to any other', async () => {
    const { key } = await tenant();
    await settings(key, { country_daily: { BR: 0.05, '*': 0.14 } });
    expect((await start(key, br())).statusCode).toBe(201);
    const r = await start(key, br());
    expect(r.json()).toMatchObject({ code: 'SPEND_CAP_REACHED', period: 'country_day', country: 'BR', cap: 0.05 });
    expect((await start(key, gb())).statusCode).toBe(201);
    expect((await start(key, gb())).statusCode).toBe(201);
    expect((await start(key, gb())).json()).toMatchObject({ code: 'SPEND_CAP_REACHED', country: 'GB', cap: 0.14 });
    const standing = await t.get('/v1/fraud/spend', key);
    expect(standing.body.countries).toEqual([
      { country: 'GB', spent: 0.14, cap: 0.14 },
      { country: 'BR', spent: 0.05, cap: 0.05 },
    ]);
  });

  it('announces the soft threshold once per period, after the send that reaches it', async () => {
    const { accountId, key } = await tenant();
    await settings(key, { daily: 0.25, soft_percent: 60 });
    heard.length = 0;
    for (let i = 0; i < 3; i++) expect((await start(key, br())).statusCode).toBe(201);
    const mine = () => heard.filter((e) => e.accountId === accountId);
    expect(mine()).toHaveLength(1);
    expect(mine()[0]?.data).toMatchObject({ period: 'day', threshold_percent: 60, cap: 0.25, spent: 0.15, currency: 'USD', period_start: '2026-01-01T00:00:00.000Z' });
    for (let i = 0; i < 2; i++) expect((await start(key, br())).statusCode).toBe(201);
    expect((await start(key, br())).statusCode).toBe(429);
    expect(mine()).toHaveLength(1);
  });

  it('delivers spend.threshold to the account’s endpoints that subscribe to it', async () => {
    const { key } = await tenant();
    const endpoint = await t.post('/v1/webhooks', { url: hook.url, events: ['spend.threshold'] }, key);
    expect(endpoint.status, JSON.stringify(endpoint.body)).toBe(201);
    await settings(key, { monthly: 0.1, soft_percent: 50 });
    expect((await start(key, br())).statusCode).toBe(201);
    await t.verity.webhooks.flush();
    await t.verity.webhookSender.drain();
    const got = hook.requests.map((r) => JSON.parse(r.body) as { type: string; data: Record<string, unknown> }).filter((b) => b.type === 'spend.threshold');
    expect(got).toHaveLength(1);
    expect(got[0]?.data).toMatchObject({ period: 'month', cap: 0.1, spent: 0.05, threshold_percent: 50, period_end: '2026-02-01T00:00:00.000Z' });
    expect(hook.requests.at(-1)?.headers['webhook-signature']).toMatch(/^v1,/);
  });

  it('leaves free sends alone and keeps accounts apart: another’s caps need an operator key', async () => {
    const a = await tenant();
    const b = await tenant();
    await settings(a.key, { hourly: 0 });
    // The sandbox's magic numbers cost nothing.
    expect((await start(a.key, '+15005550006')).statusCode).toBe(201);
    expect((await start(a.key, br())).statusCode).toBe(429);
    expect((await start(b.key, br())).statusCode).toBe(201);
    const put = await t.app.inject({
      method: 'PUT',
      url: '/v1/fraud/settings',
      headers: { authorization: t.auth(a.key), 'content-type': 'application/json' },
      payload: JSON.stringify({ account: b.accountId, caps: { hourly: 0 } }),
    });
    expect(put.statusCode).toBe(403);
    expect((await t.get(`/v1/fraud/spend?account=${b.accountId}`, a.key)).status).toBe(403);
    expect((await t.get(`/v1/fraud/settings?account=${b.accountId}`)).status).toBe(200);
    const bad = await t.app.inject({
      method: 'PUT',
      url: '/v1/fraud/settings',
      headers: { authorization: t.auth(a.key), 'content-type': 'application/json' },
      payload: JSON.stringify({ caps: { daily: -1 } }),
    });
    expect(bad.json()).toMatchObject({ code: 'VALIDATION_FAILED' });
  });

  it(`holds a cap under concurrent sends${backend.name === 'postgres' ? ' from two instances' : ' (one writer: group commits)'}`, async () => {
    // On PostgreSQL a second instance on the same database; SQLite has one writing process.
    const other = backend.name === 'postgres' ? await t.sibling() : t.app;
    const { accountId, key } = await tenant();
    await settings(key, { daily: 0.5 });
    const results = await Promise.all(Array.from({ length: 30 }, (_, i) => start(key, br(), i % 2 ? other : t.app)));
    const codes = results.map((r) => r.statusCode);
    expect(codes.filter((c) => c === 201)).toHaveLength(10);
    expect(codes.filter((c) => c === 429)).toHaveLength(20);
    expect(await verifications(accountId)).toBe(10);
    const standing = await t.get('/v1/fraud/spend', key);
    expect(standing.body.periods[1]).toMatchObject({ period: 'day', spent: 0.5, cap: 0.5 });
  });
});
