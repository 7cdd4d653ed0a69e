import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeOnBackends, startTestApp, type TestApp } from '../helpers/test-app.js';

const signatureOf = (jwt: string): Buffer => Buffer.from(jwt.split('.')[2] ?? '', 'base64url');

/**
 * A JWT whose signature bytes differ from the original's. Rewriting the last characters is not
 * enough: the last base64url character of a 32-byte signature carries two unused bits, so some
 * spellings decode to the very same bytes and the "tampered" token stays valid.
 */
function tamperSignature(jwt: string): string {
  const dot = jwt.lastIndexOf('.');
  const signature = signatureOf(jwt);
  // A byte in the middle, so every bit of it is a significant bit of the encoding.
  signature[16] = (signature[16] ?? 0) ^ 0xff;
  return `${jwt.slice(0, dot + 1)}${signature.toString('base64url')}`;
}

describe('tampering with a token', () => {
  it('changes its decoded signature, even where the signature already ends in the characters a naive edit writes', () => {
    // "xw" and "xx" end a 43-character signature with the same bytes ('w' and 'x' differ only in the unused bits).
    const endsLikeTheEdit = `eyJhbGciOiJIUzI1NiJ9.e30.${'A'.repeat(41)}xw`;
    for (const jwt of [endsLikeTheEdit, `eyJhbGciOiJIUzI1NiJ9.e30.${'B'.repeat(41)}Bc`]) {
      const tampered = tamperSignature(jwt);
      expect(signatureOf(tampered)).toHaveLength(32);
      expect(signatureOf(tampered).equals(signatureOf(jwt))).toBe(false);
    }
  });
});

describeOnBackends('accounts, keys and tokens', (backend) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(backend, { env: { SANDBOX_BILLABLE: 'true', TOKEN_TTL_S: '60' } });
  });
  afterAll(async () => t?.close());

  const form = (body: Record<string, string>, headers: Record<string, string> = {}) =>
    t.app.inject({ method: 'POST', url: '/oauth/token', headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers }, payload: new URLSearchParams(body).toString() });

  it('bootstraps the operator account only once', async () => {
    expect(await t.verity.accounts.bootstrap()).toBeUndefined();
  });

  it('issues a Bearer token for client credentials in the Basic header, and the token authenticates', async () => {
    const r = await form({ grant_type: 'client_credentials' }, { authorization: t.auth() });
    expect(r.statusCode).toBe(200);
    expect(r.headers['cache-control']).toBe('no-store');
    const tok = r.json() as { access_token: string; token_type: string; expires_in: number };
    expect(tok).toMatchObject({ token_type: 'Bearer', expires_in: 60 });
    const b = await t.app.inject({ method: 'GET', url: '/v1/balance', headers: { authorization: `Bearer ${tok.access_token}` } });
    expect(b.statusCode).toBe(200);
  });

  it('accepts client_id and client_secret in the form body', async () => {
    const r = await form({ grant_type: 'client_credentials', client_id: t.operator.key_id, client_secret: t.operator.secret });
    expect(r.statusCode).toBe(200);
  });

  it('refuses a wrong client secret with invalid_client, and an unknown grant type', async () => {
    const bad = await form({ grant_type: 'client_credentials', client_id: t.operator.key_id, client_secret: 'vs_wrong' });
    expect(bad.statusCode).toBe(401);
    expect(bad.json()).toMatchObject({ code: 'INVALID_CLIENT', error: 'invalid_client' });
    expect(bad.body).not.toContain(t.operator.secret);
    const grant = await form({ grant_type: 'password' }, { authorization: t.auth() });
    expect(grant.statusCode).toBe(400);
    expect(grant.json()).toMatchObject({ code: 'UNSUPPORTED_GRANT_TYPE', error: 'unsupported_grant_type' });
  });

  it('rejects an expired token and a tampered one', async () => {
    const tok = (await form({ grant_type: 'client_credentials' }, { authorization: t.auth() })).json() as { access_token: string };
    const tampered = tamperSignature(tok.access_token);
    expect(signatureOf(tampered).equals(signatureOf(tok.access_token))).toBe(false);
    expect((await t.app.inject({ method: 'GET', url: '/v1/balance', headers: { authorization: `Bearer ${tampered}` } })).statusCode).toBe(401);
    t.clock.advance(61_000);
    const r = await t.app.inject({ method: 'GET', url: '/v1/balance', headers: { authorization: `Bearer ${tok.access_token}` } });
    expect(r.statusCode).toBe(401);
    expect(r.json().code).toBe('INVALID_CREDENTIALS');
  });

  it('creates, lists and revokes API keys; a revoked key and its tokens stop working', async () => {
    const created = await t.post('/v1/keys', { name: 'ci' });
    expect(created.status).toBe(201);
    const key = created.body as { key_id: string; secret: string };
    const tok = (await form({ grant_type: 'client_credentials' }, { authorization: t.auth(key) })).json() as { access_token: string };
    const list = await t.get('/v1/keys');
    expect(list.body.keys.map((k: { key_id: string }) => k.key_id)).toContain(key.key_id);
    expect(JSON.stringify(list.body)).not.toContain(key.secret);
    const del = await t.app.inject({ method: 'DELETE', url: `/v1/keys/${key.key_id}`, headers: { authorization: t.auth() } });
    expect(del.statusCode).toBe(204);
    expect((await t.get('/v1/balance', key)).status).toBe(401);
    expect((await t.app.inject({ method: 'GET', url: '/v1/balance', headers: { authorization: `Bearer ${tok.access_token}` } })).statusCode).toBe(401);
  });

  it('debits a billable send from the balance and refuses one the balance cannot cover with INSUFFICIENT_BALANCE', async () => {
    const tenant = await t.tenant({ balance: 0.05 });
    const prices = await t.app.inject({
      method: 'PUT',
      url: `/v1/accounts/${tenant.accountId}/prices`,
      headers: { authorization: t.auth(), 'content-type': 'application/json' },
      payload: {
        prices: [
          { channel: 'sms', prefix: '55', price: 0.03 },
          { channel: 'sms', prefix: '', price: 0.5 },
        ],
      },
    });
    expect(prices.statusCode).toBe(200);
    const first = await t.post('/v1/verifications', { to: '+5511970000001', channel: 'sms' }, tenant.key);
    expect(first.status).toBe(201);
    expect((await t.get('/v1/balance', tenant.key)).body.balance).toBeCloseTo(0.02, 6);
    const before = await t.verity.database.db
      .selectFrom('verifications')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('account_id', '=', tenant.accountId)
      .executeTakeFirstOrThrow();
    const second = await t.post('/v1/verifications', { to: '+5511970000002', channel: 'sms' }, tenant.key);
    expect(second.status).toBe(402);
    expect(second.body.code).toBe('INSUFFICIENT_BALANCE');
    const after = await t.verity.database.db
      .selectFrom('verifications')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('account_id', '=', tenant.accountId)
      .executeTakeFirstOrThrow();
    expect(Number(after.n)).toBe(Number(before.n));
    expect((await t.get('/v1/balance', tenant.key)).body.balance).toBeCloseTo(0.02, 6);
    // The refused send gave its destination budget back: five more sends are still allowed after a top-up.
    await t.post(`/v1/accounts/${tenant.accountId}/credit`, { amount: 1 });
    expect((await t.post('/v1/verifications', { to: '+5511970000002', channel: 'sms' }, tenant.key)).status).toBe(201);
  });

  it('lets a postpaid account go below zero', async () => {
    const tenant = await t.tenant({ balance: 0, postpaid: true });
    await t.app.inject({
      method: 'PUT',
      url: `/v1/accounts/${tenant.accountId}/prices`,
      headers: { authorization: t.auth(), 'content-type': 'application/json' },
      payload: { prices: [{ channel: 'email', prefix: '', price: 0.001 }] },
    });
    expect((await t.post('/v1/verifications', { to: 'x@example.org', channel: 'email' }, tenant.key)).status).toBe(201);
    const bal = await t.get('/v1/balance', tenant.key);
    expect(bal.body).toMatchObject({ postpaid: true });
    expect(bal.body.balance).toBeCloseTo(-0.001, 6);
  });

  it('refuses account management to a tenant key with FORBIDDEN', async () => {
    const tenant = await t.tenant();
    const r = await t.post('/v1/accounts', { name: 'x' }, tenant.key);
    expect(r.status).toBe(403);
    expect(r.body.code).toBe('FORBIDDEN');
  });

  it('two parallel sends cannot both spend the last of a balance', async () => {
    const tenant = await t.tenant({ balance: 0.03 });
    await t.app.inject({
      method: 'PUT',
      url: `/v1/accounts/${tenant.accountId}/prices`,
      headers: { authorization: t.auth(), 'content-type': 'application/json' },
      payload: { prices: [{ channel: 'sms', prefix: '', price: 0.02 }] },
    });
    const rs = await Promise.all([1, 2, 3, 4].map((i) => t.post('/v1/verifications', { to: `+551197000010${i}`, channel: 'sms' }, tenant.key)));
    expect(rs.filter((r) => r.status === 201)).toHaveLength(1);
    expect(rs.filter((r) => r.status === 402)).toHaveLength(3);
    expect((await t.get('/v1/balance', tenant.key)).body.balance).toBeCloseTo(0.01, 6);
  });
});
