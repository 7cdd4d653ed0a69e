import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeOnBackends, lastCode, startTestApp, type TestApp } from '../helpers/test-app.js';

type Key = Awaited<ReturnType<TestApp['tenant']>>['key'];

/** Real users in São Paulo who read their code and type it, one every `gap` ms. */
async function users(t: TestApp, key: Key, n: number, gap: number, first: number) {
  const statuses: number[] = [];
  for (let i = 0; i < n; i++) {
    const to = `+55119${String(first + i * 7_919_3).padStart(8, '0')}`;
    const r = await t.post('/v1/verifications', { channel: 'sms', to }, key, { 'x-forwarded-for': `10.1.${i}.7` });
    statuses.push(r.status);
    if (r.status === 201) expect((await t.post(`/v1/verifications/${r.body.id}/check`, { code: await lastCode(t, to, key) }, key)).body.status).toBe('approved');
    t.clock.advance(gap);
  }
  return statuses;
}

/** A burst into one Nigerian range from a new address each time, 20 a second. */
async function burst(t: TestApp, key: Key, n: number, range = '+23480312') {
  const out: Array<{ status: number; body: Record<string, unknown> }> = [];
  for (let i = 0; i < n; i++) {
    const r = await t.post('/v1/verifications', { channel: 'sms', to: `${range}${String(10_000 + i * 37).padStart(5, '0')}` }, key, {
      'x-forwarded-for': `172.16.${i % 250}.${1 + Math.floor(i / 250)}`,
    });
    out.push({ status: r.status, body: r.body });
    t.clock.advance(50);
  }
  return out;
}

const verifications = async (t: TestApp, accountId: string, status = 'pending') =>
  Number((await sql<{ n: number }>`select count(*) as n from verifications where account_id = ${accountId} and status = ${status}`.execute(t.verity.database.db)).rows[0]?.n);
const messages = async (t: TestApp, accountId: string) =>
  Number((await sql<{ n: number }>`select count(*) as n from messages where account_id = ${accountId}`.execute(t.verity.database.db)).rows[0]?.n);
const metric = async (t: TestApp, outcome: string) => {
  const text = (await t.app.inject({ method: 'GET', url: '/metrics' })).body;
  return [...text.matchAll(new RegExp(`verity_fraud_decisions_total\\{outcome="${outcome}",reason="[a-z_]+"\\} (\\d+)`, 'g'))].reduce((s, m) => s + Number(m[1]), 0);
};

describeOnBackends('the pumping rules', (backend) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(backend, { env: { FRAUD_MODE: 'enforce', TRUST_PROXY: 'true', LIMIT_START_PER_ACCOUNT: '60/60' } });
  });
  afterAll(async () => t?.close());

  it('refuse a burst into a country the account never converted in, sending nothing and spending none of the account’s start budget', async () => {
    const { accountId, key } = await t.tenant();
    const answers = await burst(t, key, 80);
    const refused = answers.filter((a) => a.status === 403);
    expect(refused.length).toBeGreaterThanOrEqual(60);
    expect(refused[0]?.body).toMatchObject({ code: 'FRAUD_SUSPECTED', signals: expect.arrayContaining(['new_country', 'volume']) });
    expect(refused[0]?.body.score).toBeGreaterThanOrEqual(60);
    expect(JSON.stringify(refused)).not.toMatch(/80312\d{5}/);
    // Each refused start is a blocked verification with its reasons; only the others sent.
    expect(await verifications(t, accountId)).toBe(answers.length - refused.length);
    expect(await verifications(t, accountId, 'blocked')).toBe(refused.length);
    expect(await messages(t, accountId)).toBe(answers.length - refused.length);
    const blocked = await t.get(`/v1/verifications/${refused[0]?.body.verification_id}`, key);
    expect(blocked.body).toMatchObject({ status: 'blocked', failure_reason: 'fraud_suspected' });
    const events = (await t.get(`/v1/verifications/${refused[0]?.body.verification_id}/events`, key)).body.events;
    expect(events.map((e: { type: string }) => e.type)).toEqual(['blocked']);
    expect(events[0].data).toMatchObject({ action: 'start', channel: 'sms', fraud: { outcome: 'refused', mode: 'enforce', decision_id: refused[0]?.body.decision_id } });
    // The account's start budget (60 a minute here) is still there for its real users.
    expect(await users(t, key, 5, 2_000, 70_000_000)).toEqual([201, 201, 201, 201, 201]);
    expect(await metric(t, 'refused')).toBeGreaterThanOrEqual(refused.length);
  });

  it('let real users through, in a new account too, and the safe list past them', async () => {
    const { key } = await t.tenant();
    expect(await users(t, key, 25, 1_000, 71_000_000)).toEqual(Array(25).fill(201));
    const list = await t.get('/v1/verifications?limit=1', key);
    const started = (await t.get(`/v1/verifications/${list.body.verifications[0].id}/events`, key)).body.events[0];
    expect(started.data.fraud).toMatchObject({ mode: 'enforce', threshold: 60 });
    expect(started.data.fraud.score).toBeLessThan(60);
    const other = await t.tenant();
    expect((await t.post('/v1/fraud/safe-list', { prefix: '+23480312' }, other.key)).status).toBe(201);
    expect((await burst(t, other.key, 30)).every((a) => a.status === 201)).toBe(true);
  });
});

describeOnBackends('the pumping rules, per account', (backend) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(backend, { env: { FRAUD_MODE: 'enforce', TRUST_PROXY: 'true' } });
  });
  afterAll(async () => t?.close());

  const settings = (key: Key, body: object) =>
    t.app.inject({ method: 'PUT', url: '/v1/fraud/settings', headers: { authorization: t.auth(key), 'content-type': 'application/json' }, payload: JSON.stringify(body) });

  it('follow the account’s own mode and threshold, and the server’s again when it sets them to null', async () => {
    const { key } = await t.tenant();
    const shadow = await settings(key, { mode: 'shadow' });
    expect(shadow.json()).toMatchObject({ mode: 'shadow', threshold: 60, server: { mode: 'enforce', threshold: 60 } });
    expect((await burst(t, key, 60, '+23470398')).every((a) => a.status === 201)).toBe(true);
    expect((await settings(key, { mode: null, threshold: 100 })).json()).toMatchObject({ mode: 'enforce', threshold: 100 });
    // Nothing in this burst reaches 100.
    expect((await burst(t, key, 20, '+23470399')).every((a) => a.status === 201)).toBe(true);
    expect((await settings(key, { threshold: null })).json()).toMatchObject({ threshold: 60 });
    expect((await burst(t, key, 20, '+23470397')).some((a) => a.status === 403)).toBe(true);
    expect((await settings(key, { mode: 'sometimes' })).json()).toMatchObject({ code: 'VALIDATION_FAILED' });
  });
});

describeOnBackends('the pumping rules in shadow mode', (backend) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(backend, { env: { FRAUD_MODE: 'shadow', TRUST_PROXY: 'true' } });
  });
  afterAll(async () => t?.close());

  it('refuse nothing and count what they would have refused', async () => {
    const { key } = await t.tenant();
    const answers = await burst(t, key, 80);
    expect(answers.every((a) => a.status === 201)).toBe(true);
    expect(await metric(t, 'shadow_refused')).toBeGreaterThanOrEqual(60);
    expect(await metric(t, 'refused')).toBe(0);
    // Each start's timeline shows how it was judged: the last would have been refused.
    const last = answers.at(-1)?.body.id as string;
    const started = (await t.get(`/v1/verifications/${last}/events`, key)).body.events[0];
    expect(started.data.fraud).toMatchObject({ mode: 'shadow', threshold: 60 });
    expect(started.data.fraud.score).toBeGreaterThanOrEqual(60);
    expect(started.data.fraud.signals.map((x: { signal: string }) => x.signal)).toEqual(expect.arrayContaining(['new_country', 'volume']));
    expect(JSON.stringify(started)).not.toMatch(/80312\d{5}|172\.16/);
  });
});

describeOnBackends('the pumping rules turned off', (backend) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(backend, { env: { FRAUD_MODE: 'off', TRUST_PROXY: 'true' } });
  });
  afterAll(async () => t?.close());

  it('score nothing', async () => {
    const { key } = await t.tenant();
    expect((await burst(t, key, 40)).every((a) => a.status === 201)).toBe(true);
    expect((await metric(t, 'allowed')) + (await metric(t, 'shadow_refused'))).toBe(0);
  });
});
