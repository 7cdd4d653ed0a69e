import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decideGeo, type GeoRule } from '../../src/fraud/geo.js';
import { describeOnBackends, startTestApp, type TestApp } from '../helpers/test-app.js';

const rule = (serviceId: string, channel: string, country: string, action: 'allow' | 'block'): GeoRule => ({ serviceId, channel, country, action });
const OPEN = { allowed: [], blocked: [] };

describe('geo permissions: which scope decides', () => {
  const rules = [rule('', '', '*', 'block'), rule('', '', 'GB', 'allow'), rule('', 'voice', 'GB', 'block'), rule('svc_a', '', 'BR', 'allow'), rule('svc_a', 'sms', '*', 'allow')];

  it('asks the most specific scope with an opinion: service channel, service, account channel, account, server', () => {
    expect(decideGeo(rules, OPEN, null, 'sms', 'GB')).toEqual({ allowed: true, scope: 'account', rule: 'GB' });
    expect(decideGeo(rules, OPEN, null, 'voice', 'GB')).toEqual({ allowed: false, scope: 'account_channel', rule: 'GB' });
    expect(decideGeo(rules, OPEN, null, 'sms', 'FR')).toEqual({ allowed: false, scope: 'account', rule: '*' });
    expect(decideGeo(rules, OPEN, 'svc_a', 'voice', 'BR')).toEqual({ allowed: true, scope: 'service', rule: 'BR' });
    // The service's sms default opens every country on sms, the account's blocks included.
    expect(decideGeo(rules, OPEN, 'svc_a', 'sms', 'FR')).toEqual({ allowed: true, scope: 'service_channel', rule: '*' });
    expect(decideGeo(rules, OPEN, 'svc_b', 'whatsapp', 'FR')).toEqual({ allowed: false, scope: 'account', rule: '*' });
  });

  it('falls back to the server: an allow list admits only its countries, a block list refuses its own', () => {
    expect(decideGeo([], { allowed: ['BR', 'AR'], blocked: [] }, null, 'sms', 'AR')).toEqual({ allowed: true, scope: 'server', rule: 'AR' });
    expect(decideGeo([], { allowed: ['BR', 'AR'], blocked: [] }, null, 'sms', 'US')).toEqual({ allowed: false, scope: 'server', rule: '*' });
    expect(decideGeo([], { allowed: [], blocked: ['NG'] }, null, 'sms', 'NG')).toEqual({ allowed: false, scope: 'server', rule: 'NG' });
    expect(decideGeo([], { allowed: [], blocked: ['NG'] }, null, 'sms', 'GB').allowed).toBe(true);
    // An account's own rule wins over the server's default.
    expect(decideGeo([rule('', '', 'NG', 'allow')], { allowed: [], blocked: ['NG'] }, null, 'sms', 'NG')).toEqual({ allowed: true, scope: 'account', rule: 'NG' });
  });
});

const NG = '+2348031234567';
const BR = '+5511987654321';
const GB = '+447400123456';

describeOnBackends('geo permissions', (backend) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(backend, { env: { FRAUD_GEO_BLOCK: 'NG' } });
  });
  afterAll(async () => t?.close());

  const put = async (body: object, key: Parameters<TestApp['auth']>[0]) => {
    const r = await t.app.inject({ method: 'PUT', url: '/v1/fraud/geo', headers: { authorization: t.auth(key), 'content-type': 'application/json' }, payload: JSON.stringify(body) });
    return { status: r.statusCode, body: r.json() as Record<string, unknown> };
  };
  const rows = async (table: 'verifications' | 'messages' | 'sandbox_messages', accountId: string) =>
    Number((await sql<{ n: number }>`select count(*) as n from ${sql.table(table)} where account_id = ${accountId}`.execute(t.verity.database.db)).rows[0]?.n);

  it('refuses a start to a country the server blocks, with its reason, before anything is written, and counts it', async () => {
    const { accountId, key } = await t.tenant();
    const r = await t.post('/v1/verifications', { channel: 'sms', to: NG }, key);
    expect(r.status).toBe(403);
    expect(r.body).toMatchObject({ code: 'COUNTRY_NOT_ALLOWED', country: 'NG', channel: 'sms', scope: 'server' });
    expect(JSON.stringify(r.body)).not.toContain('8031234567');
    for (const table of ['verifications', 'messages', 'sandbox_messages'] as const) expect(await rows(table, accountId)).toBe(0);
    const metrics = (await t.app.inject({ method: 'GET', url: '/metrics' })).body;
    expect(metrics).toMatch(/verity_fraud_decisions_total\{outcome="refused",reason="geo"\} [1-9]/);
  });

  it('lets an account override the server, a channel override the account, and a service override both', async () => {
    const { key } = await t.tenant();
    expect((await put({ default: 'block', countries: { GB: 'allow', NG: 'allow' } }, key)).status).toBe(200);
    expect((await t.post('/v1/verifications', { channel: 'sms', to: NG }, key)).status).toBe(201);
    expect((await t.post('/v1/verifications', { channel: 'sms', to: GB }, key)).status).toBe(201);
    const br = await t.post('/v1/verifications', { channel: 'sms', to: BR }, key);
    expect(br.status).toBe(403);
    expect(br.body).toMatchObject({ code: 'COUNTRY_NOT_ALLOWED', scope: 'account' });

    expect((await put({ channel: 'voice', countries: { GB: 'block' } }, key)).status).toBe(200);
    const voice = await t.post('/v1/verifications', { channel: 'voice', to: GB }, key);
    expect(voice.body).toMatchObject({ code: 'COUNTRY_NOT_ALLOWED', channel: 'voice', scope: 'account_channel' });

    const svc = await t.post('/v1/services', { name: 'brazil' }, key);
    expect(svc.status).toBe(201);
    expect((await put({ service: svc.body.id, countries: { BR: 'allow' } }, key)).status).toBe(200);
    expect((await t.post('/v1/verifications', { channel: 'sms', to: BR, service: svc.body.id }, key)).status).toBe(201);

    const view = await t.get('/v1/fraud/geo', key);
    expect(view.status).toBe(200);
    expect(view.body.server).toEqual({ allowed: [], blocked: ['NG'] });
    expect(view.body.scopes).toEqual(
      expect.arrayContaining([
        { service: null, channel: null, default: 'block', countries: { GB: 'allow', NG: 'allow' } },
        { service: null, channel: 'voice', default: null, countries: { GB: 'block' } },
        { service: svc.body.id, channel: null, default: null, countries: { BR: 'allow' } },
      ]),
    );
    // An empty scope is removed.
    expect((await put({ channel: 'voice' }, key)).status).toBe(200);
    expect((await t.post('/v1/verifications', { channel: 'voice', to: GB }, key)).status).toBe(201);
  });

  it('asks again on a resend to another channel', async () => {
    const { key } = await t.tenant();
    expect((await put({ channel: 'voice', countries: { BR: 'block' } }, key)).status).toBe(200);
    const v = await t.post('/v1/verifications', { channel: 'sms', to: BR }, key);
    expect(v.status).toBe(201);
    const r = await t.post(`/v1/verifications/${v.body.id}/resend`, { channel: 'voice' }, key);
    expect(r.status).toBe(403);
    expect(r.body).toMatchObject({ code: 'COUNTRY_NOT_ALLOWED', channel: 'voice' });
  });

  it('refuses a workflow whose later step goes on a blocked channel', async () => {
    const { key } = await t.tenant();
    expect((await put({ channel: 'voice', countries: { BR: 'block' } }, key)).status).toBe(200);
    const r = await t.post('/v1/verifications', { to: BR, workflow: [{ channel: 'sms', timeout_s: 60 }, { channel: 'voice' }] }, key);
    expect(r.status).toBe(403);
    expect(r.body).toMatchObject({ code: 'COUNTRY_NOT_ALLOWED', channel: 'voice' });
  });

  it('leaves the magic test numbers alone', async () => {
    const { key } = await t.tenant();
    expect((await put({ default: 'block' }, key)).status).toBe(200);
    expect((await t.post('/v1/verifications', { channel: 'sms', to: '+15005550006' }, key)).status).toBe(201);
  });

  it('keeps each account to its own rules: another account’s need an operator key; a bad body or service is refused', async () => {
    const a = await t.tenant();
    const b = await t.tenant();
    expect((await put({ account: b.accountId, default: 'block' }, a.key)).status).toBe(403);
    expect((await t.get(`/v1/fraud/geo?account=${b.accountId}`, a.key)).status).toBe(403);
    expect((await put({ account: b.accountId, countries: { BR: 'block' } }, undefined)).status).toBe(200);
    expect((await t.post('/v1/verifications', { channel: 'sms', to: BR }, b.key)).status).toBe(403);
    expect((await t.post('/v1/verifications', { channel: 'sms', to: BR }, a.key)).status).toBe(201);
    expect((await put({ countries: { Brazil: 'block' } }, a.key)).body).toMatchObject({ code: 'VALIDATION_FAILED' });
    expect((await put({ default: 'maybe' }, a.key)).body).toMatchObject({ code: 'VALIDATION_FAILED' });
    expect((await put({ service: 'svc_doesnotexist', default: 'block' }, a.key)).body).toMatchObject({ code: 'SERVICE_NOT_FOUND' });
    const anon = await t.app.inject({ method: 'GET', url: '/v1/fraud/geo' });
    expect(anon.statusCode).toBe(401);
  });
});

describeOnBackends('the safe list', (backend) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(backend, { env: { FRAUD_GEO_BLOCK: 'NG,BR' } });
  });
  afterAll(async () => t?.close());

  const del = (url: string, key: Parameters<TestApp['auth']>[0]) => t.app.inject({ method: 'DELETE', url, headers: { authorization: t.auth(key) } });

  it('lets its numbers and prefixes past geo permissions, until they are taken off', async () => {
    const { key } = await t.tenant();
    expect((await t.post('/v1/verifications', { channel: 'sms', to: NG }, key)).status).toBe(403);
    const added = await t.post('/v1/fraud/safe-list', { number: '+234 803 123 4567', note: 'the Lagos office' }, key);
    expect(added.status).toBe(201);
    expect(added.body).toMatchObject({ entry: NG, kind: 'number', note: 'the Lagos office' });
    expect((await t.post('/v1/verifications', { channel: 'sms', to: NG }, key)).status).toBe(201);
    // Another Nigerian number is still refused; a prefix opens a range.
    expect((await t.post('/v1/verifications', { channel: 'sms', to: '+2348031234568' }, key)).status).toBe(403);
    expect((await t.post('/v1/fraud/safe-list', { prefix: '5511' }, key)).body).toMatchObject({ entry: '+5511', kind: 'prefix' });
    expect((await t.post('/v1/verifications', { channel: 'sms', to: BR }, key)).status).toBe(201);
    expect((await t.post('/v1/verifications', { channel: 'sms', to: '+5521987654321' }, key)).status).toBe(403);

    const list = await t.get('/v1/fraud/safe-list', key);
    expect(list.body.entries.map((e: { entry: string }) => e.entry)).toEqual([NG, '+5511']);
    expect((await del('/v1/fraud/safe-list/%2B5511', key)).statusCode).toBe(204);
    expect((await del('/v1/fraud/safe-list/5511', key)).statusCode).toBe(404);
    expect((await t.post('/v1/verifications', { channel: 'sms', to: BR }, key)).status).toBe(403);
  });

  it('keeps each account’s list to itself and refuses what is not a number or a prefix', async () => {
    const a = await t.tenant();
    const b = await t.tenant();
    expect((await t.post('/v1/fraud/safe-list', { number: NG }, a.key)).status).toBe(201);
    expect((await t.post('/v1/verifications', { channel: 'sms', to: NG }, b.key)).status).toBe(403);
    expect((await t.post('/v1/fraud/safe-list', { account: a.accountId, number: BR }, b.key)).status).toBe(403);
    expect((await t.post('/v1/fraud/safe-list', { number: 'call me' }, a.key)).body).toMatchObject({ code: 'INVALID_PHONE_NUMBER' });
    expect((await t.post('/v1/fraud/safe-list', { prefix: '+55x' }, a.key)).body).toMatchObject({ code: 'VALIDATION_FAILED' });
    expect((await t.post('/v1/fraud/safe-list', { number: NG, prefix: '+234' }, a.key)).body).toMatchObject({ code: 'VALIDATION_FAILED' });
  });
});
