import { request } from 'undici';
import { afterAll, afterEach, beforeAll, beforeEach, expect, it } from 'vitest';
import { ConfigError } from '../../src/config/config.js';
import { describeOnBackends, dropSchema, startTestApp, testSchema, type TestApp } from '../helpers/test-app.js';
import { startCamaraFake, type CamaraFake } from '../fakes/camara/number-verification-fake.js';
import { startClaroSmvFake, type ClaroSmvFake } from '../fakes/claro-smv/smv-fake.js';

const PUBLIC_URL = 'https://verity.example.com';
const CALLBACK = `${PUBLIC_URL}/v1/silent/op-camara/callback`;
const BR = '+5511987654321';
const ES = '+34612345678';
const DE = '+4915123456789';
const CLARO_IP = '177.79.10.20';
const PORT = 40123;
// The test app's clock starts at 2026-01-01T00:00:00Z; the device had its address 29.25 s earlier.
const NOW_S = 1_767_225_600;
const DEVICE_AT = '2025-12-31T23:59:30.750Z';
const CLARO = { key: 'claroConsumerKey7QxR2m', secret: 'claroConsumerSecret93kf' };
const NV = { clientId: 'verity-nv-client', clientSecret: 'nv-client-secret-5d1c9e', stateKey: 'camara-state-key-0123456789abcdefghij' };
const LIMITS = { LIMIT_SEND_PER_DESTINATION: '0/600', LIMIT_GUESS_PER_DESTINATION: '0/600' };

describeOnBackends('silent channel through upstream operators', (backend) => {
  let t: TestApp;
  let claro: ClaroSmvFake;
  let camara: CamaraFake;

  beforeAll(async () => {
    claro = await startClaroSmvFake(CLARO.key, CLARO.secret);
    camara = await startCamaraFake(NV.clientId, NV.clientSecret, CALLBACK);
    // No redirectUri: the CAMARA route must derive its callback from PUBLIC_URL and its own name.
    const routes = [
      { name: 'claro-br', prefix: '55', type: 'claro-smv', ...CLARO, baseUrl: claro.url, timeoutMs: 500 },
      { name: 'op-camara', prefix: '+34', type: 'camara', authorizeUrl: `${camara.url}/authorize`, tokenUrl: `${camara.url}/token`, baseUrl: camara.url, ...NV, timeoutMs: 2000 },
    ];
    t = await startTestApp(backend, { env: { ...LIMITS, PUBLIC_URL, SILENT_ROUTES: JSON.stringify(routes) } });
  });
  afterAll(async () => {
    await t?.close();
    await claro?.close();
    await camara?.close();
  });
  beforeEach(() => {
    claro.sessions.length = 0;
    claro.requests.length = 0;
    claro.smvRequests.length = 0;
    claro.violations.length = 0;
    camara.deviceNumber = ES;
    camara.requests.length = 0;
    camara.violations.length = 0;
    camara.tokenRequests.length = 0;
    camara.verifyRequests.length = 0;
  });
  afterEach(() => {
    expect(claro.violations).toEqual([]);
    expect(camara.violations).toEqual([]);
  });

  const start = async (body: Record<string, unknown>) => {
    const r = await t.post('/v1/verifications', body);
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    return r.body as { id: string; status: string; channel: string; redirect_url: string | null };
  };
  const view = async (id: string) => (await t.get(`/v1/verifications/${id}`)).body as Record<string, unknown>;
  const smsFor = async (id: string, to: string) => {
    const r = await t.get(`/v1/sandbox/messages?to=${encodeURIComponent(to)}`);
    return (r.body.messages as Array<{ verification_id: string; channel: string; code: string }>).filter((m) => m.verification_id === id);
  };
  const claroSession = (online: boolean, at = NOW_S - 30) => claro.sessions.push({ msisdn: BR.slice(1), ip: CLARO_IP, port: PORT, at, online });
  const claroData = (i = 0) => (JSON.parse(claro.smvRequests[i]?.body ?? '{}') as { data?: unknown }).data;

  /** A silent step, then sms: the sms must be in the inbox and its code must approve. */
  async function expectFellToSms(v: { id: string; status: string; channel: string }, to: string) {
    expect(v).toMatchObject({ status: 'pending', channel: 'sms' });
    const [sms] = await smsFor(v.id, to);
    expect(sms?.channel).toBe('sms');
    expect((await t.post(`/v1/verifications/${v.id}/check`, { code: sms?.code })).body).toMatchObject({ valid: true, status: 'approved' });
  }

  it('claro: a number whose data session holds the device’s address is approved at once (200), asked in Claro’s form', async () => {
    claroSession(true);
    const v = await start({ to: BR, channel: 'silent', device: { ip: CLARO_IP, port: PORT, timestamp: DEVICE_AT } });
    expect(v).toMatchObject({ status: 'approved', redirect_url: null });
    expect(claroData()).toEqual({ msisdn: '5511987654321', ip: CLARO_IP, port: PORT, timestamp: NOW_S - 30 });
    expect((await view(v.id)).status).toBe('approved');
  });

  it('claro: a number known on that address but now offline is approved too (202); no timestamp means now', async () => {
    claroSession(false, NOW_S);
    const v = await start({ to: BR, channel: 'silent', device: { ip: CLARO_IP, port: PORT } });
    expect(v.status).toBe('approved');
    expect(claroData()).toEqual({ msisdn: '5511987654321', ip: CLARO_IP, port: PORT, timestamp: NOW_S });
  });

  it('claro: no match (404) moves the workflow on to sms, whose code approves', async () => {
    const v = await start({ to: BR, workflow: [{ channel: 'silent' }, { channel: 'sms' }], device: { ip: CLARO_IP, port: PORT, timestamp: DEVICE_AT } });
    expect(claro.smvRequests).toHaveLength(1);
    await expectFellToSms(v, BR);
  });

  it('claro: an address outside Claro’s ranges (418) fails a silent-only verification', async () => {
    const v = await start({ to: BR, channel: 'silent', device: { ip: '198.51.100.7', port: PORT, timestamp: DEVICE_AT } });
    expect(claro.smvRequests).toHaveLength(1);
    expect(v.status).toBe('failed');
    expect(await smsFor(v.id, BR)).toEqual([]);
  });

  it('claro: a server failure (500) or no answer in time falls through to sms like no match', async () => {
    claroSession(true);
    const device = { ip: CLARO_IP, port: PORT, timestamp: DEVICE_AT };
    claro.replyNextSmv({ status: 500 });
    await expectFellToSms(await start({ to: BR, workflow: [{ channel: 'silent' }, { channel: 'sms' }], device }), BR);
    claro.replyNextSmv('hang');
    const began = Date.now();
    await expectFellToSms(await start({ to: BR, workflow: [{ channel: 'silent' }, { channel: 'sms' }], device }), BR);
    expect(Date.now() - began).toBeGreaterThanOrEqual(450);
    expect(claro.smvRequests).toHaveLength(2);
  });

  it('a number outside every prefix never reaches Claro: the local engine answers outside_ranges', async () => {
    const v = await start({ to: DE, channel: 'silent', device: { ip: CLARO_IP, port: PORT, timestamp: DEVICE_AT } });
    expect(v.status).toBe('failed');
    expect(claro.requests).toHaveLength(0);
    expect(camara.requests).toHaveLength(0);
  });

  /** What the device does: open the URL over mobile data; the operator sends it back to Verity. */
  async function follow(url: string): Promise<string> {
    const res = await request(url);
    await res.body.dump();
    expect(res.statusCode).toBe(302);
    const back = new URL(String(res.headers.location));
    expect(`${back.origin}${back.pathname}`).toBe(CALLBACK);
    return `${back.pathname}${back.search}`;
  }
  const callback = async (url: string) => {
    const r = await t.app.inject({ method: 'GET', url });
    return { status: r.statusCode, type: String(r.headers['content-type']), body: r.json() as Record<string, unknown> };
  };
  const startCamara = async (body: Record<string, unknown> = { channel: 'silent' }) => {
    const v = await start({ to: ES, device: { ip: '203.0.113.9', port: PORT }, ...body });
    expect(v).toMatchObject({ status: 'pending', channel: 'silent' });
    expect(v.redirect_url?.startsWith(`${camara.url}/authorize?`)).toBe(true);
    expect(new URL(v.redirect_url ?? '').searchParams.get('redirect_uri')).toBe(CALLBACK);
    return v as typeof v & { redirect_url: string };
  };

  it('camara: the device’s round trip through the operator approves; a replayed redirect changes nothing', async () => {
    const v = await startCamara();
    expect(camara.tokenRequests).toHaveLength(0);
    const back = await follow(v.redirect_url);
    expect(await callback(back)).toMatchObject({ status: 200, body: { verification_id: v.id, status: 'approved' } });
    expect(JSON.parse(camara.verifyRequests[0]?.body ?? '')).toEqual({ phoneNumber: ES });
    const approved = await view(v.id);
    expect(approved).toMatchObject({ status: 'approved', redirect_url: null });

    t.clock.advance(1000);
    expect(await callback(back)).toMatchObject({ status: 200, body: { verification_id: v.id, status: 'approved' } });
    expect(await view(v.id)).toEqual(approved);
    expect(camara.verifyRequests).toHaveLength(1);
  });

  it('camara: a device holding another number (verified false) falls through: to sms, or failed when silent was alone', async () => {
    camara.deviceNumber = '+34612345679';
    const alone = await startCamara();
    expect(await callback(await follow(alone.redirect_url))).toMatchObject({ status: 200, body: { verification_id: alone.id, status: 'failed' } });
    expect(await view(alone.id)).toMatchObject({ status: 'failed', redirect_url: null });

    const stepped = await startCamara({ workflow: [{ channel: 'silent' }, { channel: 'sms' }] });
    expect(await callback(await follow(stepped.redirect_url))).toMatchObject({ status: 200, body: { status: 'pending' } });
    await expectFellToSms((await view(stepped.id)) as { id: string; status: string; channel: string }, ES);
  });

  it('camara: a redirect back with an altered state is refused (400 INVALID_CALLBACK) before the operator is asked', async () => {
    const v = await startCamara();
    const back = new URL(await follow(v.redirect_url), PUBLIC_URL);
    const state = back.searchParams.get('state') ?? '';
    const i = Math.floor(state.length / 2);
    back.searchParams.set('state', `${state.slice(0, i)}${state[i] === 'A' ? 'B' : 'A'}${state.slice(i + 1)}`);
    const r = await callback(`${back.pathname}${back.search}`);
    expect([r.status, r.body.code, r.type]).toEqual([400, 'INVALID_CALLBACK', expect.stringContaining('application/problem+json')]);
    expect(camara.tokenRequests).toHaveLength(0);
    expect((await view(v.id)).status).toBe('pending');
  });

  it('a redirect back to a route that does not exist, or that takes none, is 404 PROVIDER_NOT_FOUND', async () => {
    for (const name of ['op-nowhere', 'claro-br']) {
      const r = await callback(`/v1/silent/${name}/callback?code=abc&state=def`);
      expect([r.status, r.body.code]).toEqual([404, 'PROVIDER_NOT_FOUND']);
    }
  });
});

describeOnBackends('SILENT_ROUTES errors', (backend) => {
  const SECRET = 'claroConsumerSecret-never-printed';
  const STATE_KEY = 'state-key-never-printed-0123456789abcdef';

  async function configError(routes: unknown[]): Promise<string> {
    // buildApp creates and migrates the schema before it reads SILENT_ROUTES, and a failed build
    // leaves it behind, so on PostgreSQL the suite names the schema and drops it itself.
    const schema = testSchema(backend);
    const started = startTestApp(backend, { env: { SILENT_ROUTES: JSON.stringify(routes) }, ...(schema ? { build: { schema } } : {}) });
    try {
      await expect(started).rejects.toBeInstanceOf(ConfigError);
      return ((await started.catch((e: unknown) => e)) as ConfigError).message;
    } finally {
      await dropSchema(backend, schema);
    }
  }

  it('refuses an unknown type, naming the entry', async () => {
    const message = await configError([{ name: 'claro-br', prefix: '55', type: 'claro', key: 'k', secret: SECRET }]);
    expect(message).toContain('SILENT_ROUTES[0] (claro-br): type must be local or one of claro-smv, camara');
    expect(message).not.toContain(SECRET);
  });

  it('refuses a missing required option, naming the entry and never printing the secrets', async () => {
    const claroMessage = await configError([{ name: 'claro-br', prefix: '55', type: 'claro-smv', secret: SECRET }]);
    expect(claroMessage).toMatch(/SILENT_ROUTES\[0\] \(claro-br\): .*key/);
    expect(claroMessage).not.toContain(SECRET);
    const camaraMessage = await configError([
      { name: 'op-camara', type: 'camara', authorizeUrl: 'https://op.example/authorize', tokenUrl: 'https://op.example/token', clientId: 'c', clientSecret: SECRET, stateKey: STATE_KEY },
    ]);
    expect(camaraMessage).toContain('SILENT_ROUTES[0] (op-camara): camara: set baseUrl or verifyUrl');
    for (const secret of [SECRET, STATE_KEY]) expect(camaraMessage).not.toContain(secret);
  });
});
