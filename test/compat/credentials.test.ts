/** Vendor-form credentials: issued per account in each vendor's shape, secrets sealed and shown once. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeOnBackends, SQLITE, startTestApp, type TestApp } from '../helpers/test-app.js';

describeOnBackends('vendor credentials', (backend) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(backend);
  });
  afterAll(async () => t?.close());

  it('issues each vendor’s form: Zadarma 20-character key and secret, a Message Central customer id', async () => {
    const z = await t.post('/v1/compat/credentials', { vendor: 'zadarma' });
    expect(z.status).toBe(201);
    expect(z.body.login).toMatch(/^[0-9a-f]{20}$/);
    expect(z.body.secret).toHaveLength(20);
    const m = await t.post('/v1/compat/credentials', { vendor: 'messagecentral' });
    expect(m.body.login).toMatch(/^C-[0-9A-F]{16}$/);
    const c = await t.post('/v1/compat/credentials', { vendor: 'claro' });
    expect(c.body.login).toMatch(/^[A-Za-z0-9]{32}$/);
  });

  it('never shows a secret again, and keeps it sealed at rest', async () => {
    // A public address written as a literal: a name would be looked up when the setting is saved.
    const s = await t.post('/v1/compat/credentials', { vendor: 'smsc', login: 'acme-smsc', settings: { callback_url: 'https://93.184.215.14/smsc' } });
    expect(s.status).toBe(201);
    const listed = (await t.get('/v1/compat/credentials')).body.credentials as Array<Record<string, unknown>>;
    const mine = listed.find((c) => c.id === s.body.id);
    expect(mine).toMatchObject({ vendor: 'smsc', login: 'acme-smsc', settings: { callback_url: 'https://93.184.215.14/smsc' } });
    expect(JSON.stringify(listed)).not.toContain(s.body.secret as string);
    const row = await t.verity.database.db
      .selectFrom('vendor_credentials')
      .selectAll()
      .where('id', '=', s.body.id as string)
      .executeTakeFirstOrThrow();
    expect(row.secret_sealed).not.toContain(s.body.secret as string);
    expect((await t.verity.vendorCredentials.find('smsc', 'acme-smsc'))?.secret).toBe(s.body.secret);
  });

  it('refuses a chosen login that is taken, and a chosen key where the vendor generates them', async () => {
    await t.post('/v1/compat/credentials', { vendor: 'smsc', login: 'taken-login' });
    const again = await t.post('/v1/compat/credentials', { vendor: 'smsc', login: 'taken-login' });
    expect([again.status, again.body.code]).toEqual([409, 'CONFLICT']);
    const chosen = await t.post('/v1/compat/credentials', { vendor: 'zadarma', login: 'my-own-key' });
    expect([chosen.status, chosen.body.code]).toEqual([400, 'VALIDATION_FAILED']);
  });

  it('refuses an SMSC callback_url on this server’s own network when it is saved, and one whose host does not resolve', async () => {
    const problem = async (method: 'POST' | 'PATCH', url: string, callback_url: string) => {
      const r = await t.app.inject({
        method,
        url,
        headers: { authorization: t.auth(), 'content-type': 'application/json' },
        payload: JSON.stringify(method === 'POST' ? { vendor: 'smsc', settings: { callback_url } } : { settings: { callback_url } }),
      });
      const body = r.json<{ code?: string; detail?: string }>();
      return [r.statusCode, body.code, body.detail];
    };
    for (const callback of ['http://127.0.0.1:9/h', 'http://localhost/h', 'http://2130706433/h', 'http://[::ffff:127.0.0.1]/h', 'http://169.254.169.254/latest/meta-data', 'http://10.0.0.7/h']) {
      expect(await problem('POST', '/v1/compat/credentials', callback), callback).toEqual([400, 'VALIDATION_FAILED', 'callback_url must resolve to a public address']);
    }
    expect(await problem('POST', '/v1/compat/credentials', `https://${'a'.repeat(64)}.invalid/h`)).toEqual([400, 'VALIDATION_FAILED', 'the host of callback_url does not resolve']);
    expect(await problem('POST', '/v1/compat/credentials', 'ftp://93.184.215.14/h')).toEqual([400, 'VALIDATION_FAILED', 'callback_url must be an http or https URL']);
    // Changing the setting later is checked the same way.
    const ok = await t.post('/v1/compat/credentials', { vendor: 'smsc', settings: { callback_url: 'https://93.184.215.14/h' } });
    expect(ok.status).toBe(201);
    expect(await problem('PATCH', `/v1/compat/credentials/${ok.body.id as string}`, 'http://0x7f000001/h')).toEqual([400, 'VALIDATION_FAILED', 'callback_url must resolve to a public address']);
    expect((await t.verity.vendorCredentials.find('smsc', ok.body.login as string))?.settings.callback_url).toBe('https://93.184.215.14/h');
  });

  it('keeps each account to its own credentials', async () => {
    const other = await t.tenant();
    const mine = await t.post('/v1/compat/credentials', { vendor: 'claro' });
    const as = (method: 'PATCH' | 'DELETE', body?: unknown) =>
      t.app.inject({
        method,
        url: `/v1/compat/credentials/${mine.body.id as string}`,
        headers: { authorization: t.auth(other.key), ...(body ? { 'content-type': 'application/json' } : {}) },
        ...(body ? { payload: JSON.stringify(body) } : {}),
      });
    expect((await as('PATCH', { settings: { a: 1 } })).statusCode).toBe(404);
    expect((await as('DELETE')).statusCode).toBe(404);
    const theirs = await t.app.inject({ method: 'GET', url: '/v1/compat/credentials', headers: { authorization: t.auth(other.key) } });
    expect(theirs.json()).toEqual({ credentials: [] });
    const gone = await t.app.inject({ method: 'DELETE', url: `/v1/compat/credentials/${mine.body.id as string}`, headers: { authorization: t.auth() } });
    expect(gone.statusCode).toBe(204);
    expect(await t.verity.vendorCredentials.find('claro', mine.body.login as string)).toBeUndefined();
  });
});

describe('COMPAT_VENDORS', () => {
  it('serves only the vendors it names', async () => {
    const t = await startTestApp(SQLITE, { env: { COMPAT_VENDORS: 'claro' } });
    try {
      expect(t.app.hasRoute({ method: 'POST', url: '/oauth2/v1/token' })).toBe(true);
      for (const [method, url] of [
        ['POST', '/v1/verify/'],
        ['GET', '/sys/wait_call.php'],
        ['POST', '/verification/v3/send'],
      ] as const) {
        expect(t.app.hasRoute({ method, url }), url).toBe(false);
        expect((await t.app.inject({ method, url })).statusCode, url).toBe(404);
      }
    } finally {
      await t.close();
    }
  });

  it('refuses a vendor it does not know, and a vendor setting with a typo, at boot', async () => {
    await expect(startTestApp(SQLITE, { env: { COMPAT_VENDORS: 'claro,twilio' } })).rejects.toThrow(/COMPAT_VENDORS: unknown vendor "twilio"/);
    await expect(startTestApp(SQLITE, { env: { COMPAT_SMSC: '{"duplicateLimt": 5}' } })).rejects.toThrow(/COMPAT_SMSC: unknown key "duplicateLimt"/);
    await expect(startTestApp(SQLITE, { env: { COMPAT_ZADARMA: '{"rateLimitPerMin": "100"}' } })).rejects.toThrow(/COMPAT_ZADARMA.rateLimitPerMin must be a number/);
  });
});

describe('a Zadarma notify_url without the echo check', () => {
  it('is still refused on this server’s own network when it is saved', async () => {
    const t = await startTestApp(SQLITE, { env: { COMPAT_ZADARMA: '{"notifyEchoCheck": false}' } });
    try {
      const r = await t.post('/v1/compat/credentials', { vendor: 'zadarma', settings: { notify_url: 'http://[::ffff:127.0.0.1]:9/notify' } });
      expect([r.status, r.body.code, r.body.detail]).toEqual([400, 'VALIDATION_FAILED', 'notify_url must resolve to a public address']);
      // No echo is asked for, so a public address that nothing answers on is taken.
      expect((await t.post('/v1/compat/credentials', { vendor: 'zadarma', settings: { notify_url: 'https://93.184.215.14/notify' } })).status).toBe(201);
    } finally {
      await t.close();
    }
  });
});

describe("a vendor's own allowPrivate", () => {
  it('lets an account save a URL on this server’s own network, as the vendor will call it', async () => {
    const t = await startTestApp(SQLITE, { env: { COMPAT_SMSC: '{"allowPrivate": true}', COMPAT_ZADARMA: '{"allowPrivate": true, "notifyEchoCheck": false}' } });
    try {
      expect((await t.post('/v1/compat/credentials', { vendor: 'smsc', settings: { callback_url: 'http://127.0.0.1:9/smsc' } })).status).toBe(201);
      expect((await t.post('/v1/compat/credentials', { vendor: 'zadarma', settings: { notify_url: 'http://127.0.0.1:9/notify' } })).status).toBe(201);
    } finally {
      await t.close();
    }
  });
});
