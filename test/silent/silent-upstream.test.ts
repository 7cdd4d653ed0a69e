/**
 * The upstream silent-verification clients against loopback fakes of Claro's SMV API and of an
 * operator's CAMARA Number Verification v2, each checking the wire format its vendor documents.
 */
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { request } from 'undici';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/lib/clock.js';
import { camaraResolver, type CamaraOptions } from '../../src/silent/camara/index.js';
import { claroSmvResolver, type ClaroSmvOptions } from '../../src/silent/claro-smv/index.js';
import { SilentStateError, type SilentResolverContext } from '../../src/silent/definition.js';
import type { SilentRequest, SilentResolver, SilentResult } from '../../src/silent/silent-resolver.js';
import { camaraError, startCamaraFake, type CamaraFake } from '../fakes/camara/number-verification-fake.js';
import { startClaroSmvFake, type ClaroSmvFake } from '../fakes/claro-smv/smv-fake.js';
import { refusedUrl } from '../fakes/fake-server.js';
import { OutboundGuard } from '../../src/outbound/outbound-guard.js';

const MSISDN = '+5511987654321';
const DIGITS = '5511987654321';

/** A resolver context whose log lines are kept, so tests can show what never reaches them. */
function context(clock: ManualClock, callbackUrl?: string): SilentResolverContext & { lines: string[] } {
  const lines: string[] = [];
  const sink = new Writable({ write: (chunk: Buffer, _enc, done) => (lines.push(chunk.toString()), done()) });
  // The fakes listen on loopback, which only a guard that allows private addresses reaches.
  return { name: 'upstream-test', log: pino({ level: 'debug' }, sink), clock, callbackUrl, outbound: new OutboundGuard(true), lines };
}

describe('claro smv client', () => {
  const KEY = 'claroConsumerKey7QxR2m';
  const SECRET = 'claroConsumerSecret93kf';
  const IP = '177.79.10.20';
  const PORT = 40123;
  let fake: ClaroSmvFake;
  let clock: ManualClock;
  let ctx: ReturnType<typeof context>;
  let claro: SilentResolver;

  const make = (extra: Partial<ClaroSmvOptions> = {}) => claroSmvResolver.create({ key: KEY, secret: SECRET, baseUrl: fake.url, timeoutMs: 2000, ...extra }, ctx);
  const ask = (device: SilentRequest['device'] = { ip: IP, port: PORT, at: clock.now() }, resolver = claro) =>
    resolver.resolve({ verificationId: 'ver_claro1', accountId: 'acc_1', msisdn: MSISDN, device });
  const session = (online: boolean, msisdn = DIGITS) => fake.sessions.push({ msisdn, ip: IP, port: PORT, at: Math.floor(clock.now() / 1000), online });

  /** An error whose detail, and every log line, leave out the number and the credentials. */
  function expectSafeError(r: SilentResult): string {
    expect(r).toMatchObject({ outcome: 'error' });
    const detail = 'detail' in r ? String(r.detail) : '';
    for (const text of [detail, ...ctx.lines]) {
      for (const secret of [DIGITS, KEY, SECRET, Buffer.from(`${KEY}:${SECRET}`).toString('base64')]) expect(text).not.toContain(secret);
    }
    return detail;
  }

  beforeEach(async () => {
    fake = await startClaroSmvFake(KEY, SECRET);
    clock = new ManualClock(1_760_000_000_000);
    ctx = context(clock);
    claro = make();
  });
  afterEach(async () => {
    expect(fake.violations).toEqual([]);
    await fake.close();
  });

  it('verifies a number whose data session holds the address, sending Claro’s documented requests', async () => {
    session(true);
    expect(await ask()).toEqual({ outcome: 'verified_online' });
    const [tokenReq, smvReq] = fake.requests;
    expect(tokenReq?.path).toBe('/oauth2/v1/token');
    expect(tokenReq?.headers['x-client-auth']).toBe(`Basic ${Buffer.from(`${KEY}:${SECRET}`).toString('base64')}`);
    expect(tokenReq?.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(tokenReq?.body).toBe('grant_type=client_credentials');
    expect(smvReq?.path).toBe('/identity/v1/mobileidentities/smvs');
    expect(smvReq?.headers['x-client-auth']).toMatch(/^Bearer [A-Za-z0-9_-]{28}$/);
    expect(smvReq?.headers['x-customerid']).toBe('claro');
    expect(smvReq?.headers['cache-control']).toBe('no-cache');
    expect(JSON.parse(smvReq?.body ?? '')).toEqual({ data: { msisdn: DIGITS, ip: IP, port: PORT, timestamp: 1_760_000_000 } });
    // Each header name spelled as Claro's samples write it.
    expect(tokenReq?.names).toEqual(expect.arrayContaining(['Content-Type', 'cache-control', 'x-client-auth']));
    expect(smvReq?.names).toEqual(expect.arrayContaining(['Content-Type', 'cache-control', 'x-client-auth', 'X-CustomerID']));
  });

  it('reports a number that held the address but is now off the network as verified offline (202)', async () => {
    session(false);
    expect(await ask()).toEqual({ outcome: 'verified_offline' });
  });

  it('reports no match (404) when the address belonged to another number', async () => {
    session(true, '5521912345678');
    expect(await ask()).toEqual({ outcome: 'no_match' });
  });

  it('reports an address outside Claro’s ranges (418)', async () => {
    expect(await ask({ ip: '203.0.113.9', port: PORT, at: clock.now() })).toEqual({ outcome: 'outside_ranges' });
  });

  it('asks for one token and reuses it until shortly before it expires', async () => {
    session(true);
    for (let i = 0; i < 3; i++) expect(await ask()).toEqual({ outcome: 'verified_online' });
    expect(fake.tokenRequests).toBe(1);
    clock.advance(3_500_000); // 3500 s of a 3599 s token: still more than a minute left
    expect(await ask({ ip: IP, port: PORT, at: clock.now() - 3_500_000 })).toEqual({ outcome: 'verified_online' });
    expect(fake.tokenRequests).toBe(1);
    clock.advance(60_000); // now less than a minute left: renewed before use
    expect(await ask({ ip: IP, port: PORT, at: clock.now() - 3_560_000 })).toEqual({ outcome: 'verified_online' });
    expect(fake.tokenRequests).toBe(2);
  });

  it('shares one token request among verifications that start together', async () => {
    session(true);
    const results = await Promise.all(Array.from({ length: 6 }, () => ask()));
    expect(results).toEqual(Array(6).fill({ outcome: 'verified_online' }));
    expect(fake.tokenRequests).toBe(1);
    expect(new Set(fake.smvRequests.map((r) => r.headers['x-client-auth'])).size).toBe(1);
  });

  it('replaces a token Claro no longer accepts (401) and asks again once', async () => {
    session(true);
    await ask();
    fake.revokeTokens();
    expect(await ask()).toEqual({ outcome: 'verified_online' });
    expect(fake.tokenRequests).toBe(2);
    const [, refused, retried] = fake.smvRequests;
    expect(refused?.headers['x-client-auth']).not.toBe(retried?.headers['x-client-auth']);
    expect(fake.smvRequests).toHaveLength(3);
  });

  it('gives up after one retry when even a fresh token is refused', async () => {
    fake.rejectEveryToken = true;
    expect(expectSafeError(await ask())).toBe('Claro SMV answered HTTP 401');
    expect(fake.tokenRequests).toBe(2);
    expect(fake.smvRequests).toHaveLength(2);
  });

  it('turns a server failure (500) into an error that names only the status', async () => {
    fake.replyNextSmv({ status: 500, body: { fault: { faultstring: `backend failed for ${DIGITS}` } } });
    expect(expectSafeError(await ask())).toBe('Claro SMV answered HTTP 500');
  });

  it('turns a refusal for an unknown customer id (403) into an error', async () => {
    claro = make({ customerId: 'acme' });
    expect(expectSafeError(await ask())).toBe('Claro SMV answered HTTP 403');
  });

  it('turns a bad request (400) into an error', async () => {
    fake.replyNextSmv({ status: 400 });
    expect(expectSafeError(await ask())).toBe('Claro SMV answered HTTP 400');
  });

  it('gives up on an API that does not answer within the timeout', async () => {
    claro = make({ timeoutMs: 300 });
    fake.replyNextSmv('hang');
    expect(expectSafeError(await ask())).toBe('Claro SMV did not answer within 300 ms');
  });

  it('reports an unreachable API as an error', async () => {
    claro = make({ baseUrl: await refusedUrl() });
    expect(expectSafeError(await ask())).toBe('could not reach Claro SMV');
  });

  it('reports refused credentials without echoing them', async () => {
    claro = make({ secret: 'wrong-secret-value' });
    const detail = expectSafeError(await ask());
    expect(detail).toBe('Claro SMV refused the token request (HTTP 401)');
    expect(detail).not.toContain('wrong-secret-value');
  });

  it('retries the token request on the next verification after a failed one', async () => {
    session(true);
    fake.replyNextToken({ status: 503 });
    expectSafeError(await ask());
    expect(await ask()).toEqual({ outcome: 'verified_online' });
    expect(fake.tokenRequests).toBe(2);
  });

  it('answers without calling Claro when the device sent no address', async () => {
    expect(await claro.resolve({ verificationId: 'ver_claro1', accountId: 'acc_1', msisdn: MSISDN, device: undefined })).toEqual({ outcome: 'error', detail: 'no device address' });
    expect(fake.requests).toHaveLength(0);
  });
});

describe('camara number verification client', () => {
  const CLIENT_ID = 'verity-nv-client';
  const CLIENT_SECRET = 'nv-client-secret-5d1c9e';
  const REDIRECT = 'https://verity.example.com/v1/silent/camara/callback';
  const STATE_KEY = 'camara-state-key-0123456789abcdefghij';
  let fake: CamaraFake;
  let clock: ManualClock;
  let ctx: ReturnType<typeof context>;
  let camara: SilentResolver;

  const make = (extra: Partial<CamaraOptions> = {}) =>
    camaraResolver.create(
      {
        authorizeUrl: `${fake.url}/authorize`,
        tokenUrl: `${fake.url}/token`,
        baseUrl: fake.url,
        clientId: CLIENT_ID,
        clientSecret: CLIENT_SECRET,
        redirectUri: REDIRECT,
        stateKey: STATE_KEY,
        timeoutMs: 2000,
        ...extra,
      },
      ctx,
    );
  const start = async (resolver = camara): Promise<string> => {
    const r = await resolver.resolve({ verificationId: 'ver_camara1', accountId: 'acc_1', msisdn: MSISDN, device: undefined });
    if (!('redirect' in r)) throw new Error('expected a redirect');
    return r.redirect;
  };
  /** What the device does: open the URL over mobile data and come back with the operator's answer. */
  const follow = async (url: string): Promise<Record<string, string>> => {
    const res = await request(url);
    await res.body.dump();
    expect(res.statusCode).toBe(302);
    const back = new URL(String(res.headers.location));
    expect(`${back.origin}${back.pathname}`).toBe(REDIRECT);
    return Object.fromEntries(back.searchParams);
  };
  const complete = (resolver: SilentResolver, query: Record<string, string>) => {
    if (!resolver.complete) throw new Error('camara must complete');
    return resolver.complete(query);
  };

  beforeEach(async () => {
    fake = await startCamaraFake(CLIENT_ID, CLIENT_SECRET, REDIRECT);
    fake.deviceNumber = MSISDN;
    clock = new ManualClock(1_760_000_000_000);
    ctx = context(clock);
    camara = make();
  });
  afterEach(async () => {
    expect(fake.violations).toEqual([]);
    for (const line of ctx.lines) for (const secret of [DIGITS, CLIENT_SECRET, STATE_KEY]) expect(line).not.toContain(secret);
    await fake.close();
  });

  it('verifies the device’s number through the operator: redirect, code, token, verify true', async () => {
    const url = await start();
    expect(fake.requests).toHaveLength(0); // resolve only builds the URL
    const q = new URL(url).searchParams;
    expect(url.startsWith(`${fake.url}/authorize?`)).toBe(true);
    expect(q.get('response_type')).toBe('code');
    expect(q.get('client_id')).toBe(CLIENT_ID);
    expect(q.get('redirect_uri')).toBe(REDIRECT);
    expect(q.get('scope')).toBe('openid dpv:FraudPreventionAndDetection number-verification:verify');
    expect(url).toContain('scope=openid%20dpv%3AFraudPreventionAndDetection%20number-verification%3Averify');
    const state = q.get('state') ?? '';
    expect(state).toMatch(/^[A-Za-z0-9_-]{40,400}$/);
    expect(Buffer.from(state, 'base64url').toString('latin1')).not.toContain(DIGITS);

    expect(await complete(camara, await follow(url))).toEqual({ verificationId: 'ver_camara1', outcome: 'verified_online' });
    const tokenReq = fake.tokenRequests[0];
    expect(tokenReq?.headers.authorization).toBe(`Basic ${Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString('base64')}`);
    const form = new URLSearchParams(tokenReq?.body);
    expect([...form.keys()].sort()).toEqual(['code', 'grant_type', 'redirect_uri']);
    const verifyReq = fake.verifyRequests[0];
    expect(verifyReq?.headers.authorization).toMatch(/^Bearer [A-Za-z0-9_-]{32}$/);
    expect(verifyReq?.headers['x-correlator']).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(JSON.parse(verifyReq?.body ?? '')).toEqual({ phoneNumber: MSISDN });
  });

  it('reports no match when the device that authenticated has another number (verify false)', async () => {
    fake.deviceNumber = '+5521912345678';
    expect(await complete(camara, await follow(await start()))).toEqual({ verificationId: 'ver_camara1', outcome: 'no_match' });
  });

  it('accepts the redirect back up to ten minutes after the start', async () => {
    const query = await follow(await start());
    clock.advance(10 * 60_000 - 1);
    expect(await complete(camara, query)).toMatchObject({ outcome: 'verified_online' });
  });

  it('refuses a redirect back whose state was altered, before calling the operator', async () => {
    const query = await follow(await start());
    const s = query.state ?? '';
    const i = Math.floor(s.length / 2);
    const tampered = `${s.slice(0, i)}${s[i] === 'A' ? 'B' : 'A'}${s.slice(i + 1)}`;
    await expect(complete(camara, { ...query, state: tampered })).rejects.toBeInstanceOf(SilentStateError);
    await expect(complete(camara, { ...query, state: '' })).rejects.toThrow('missing or malformed state');
    expect(fake.tokenRequests).toHaveLength(0);
  });

  it('refuses a redirect back after the state expired', async () => {
    const query = await follow(await start());
    clock.advance(10 * 60_000);
    await expect(complete(camara, query)).rejects.toThrow('the state has expired; start the verification again');
    expect(fake.tokenRequests).toHaveLength(0);
  });

  it('refuses a state sealed under another key', async () => {
    const other = make({ stateKey: 'another-state-key-abcdefghijklmnopqrstu' });
    const query = await follow(await start(other));
    await expect(complete(camara, query)).rejects.toThrow('the state was not issued by this server or was altered');
  });

  it('reports an error when the operator denies the authorization (access_denied)', async () => {
    fake.denyNextAuthorization('access_denied');
    const query = await follow(await start());
    expect(query.error).toBe('access_denied');
    expect(await complete(camara, query)).toEqual({ verificationId: 'ver_camara1', outcome: 'error' });
    expect(fake.tokenRequests).toHaveLength(0);
  });

  it('reports an error when the token endpoint refuses the code (400)', async () => {
    fake.replyNextToken({ status: 400, body: { error: 'invalid_grant', error_description: 'code expired' } });
    expect(await complete(camara, await follow(await start()))).toEqual({ verificationId: 'ver_camara1', outcome: 'error' });
    expect(fake.verifyRequests).toHaveLength(0);
    expect(ctx.lines.join()).toContain('token endpoint answered HTTP 400 invalid_grant');
  });

  it('reports an error when verify refuses the token (403 PERMISSION_DENIED)', async () => {
    fake.replyNextVerify(camaraError(403, 'PERMISSION_DENIED', 'Client does not have sufficient permissions to perform this action.'));
    expect(await complete(camara, await follow(await start()))).toEqual({ verificationId: 'ver_camara1', outcome: 'error' });
    expect(ctx.lines.join()).toContain('verify answered HTTP 403 PERMISSION_DENIED');
  });

  it('reports an error when the redirect back carries neither a code nor an error', async () => {
    const { state = '' } = await follow(await start());
    expect(await complete(camara, { state })).toEqual({ verificationId: 'ver_camara1', outcome: 'error' });
    expect(fake.tokenRequests).toHaveLength(0);
  });

  it('sends the device back to the server’s callback URL when none is configured', async () => {
    ctx = context(clock, REDIRECT);
    const resolver = make({ redirectUri: undefined });
    expect(new URL(await start(resolver)).searchParams.get('redirect_uri')).toBe(REDIRECT);
    ctx = context(clock);
    expect(() => make({ redirectUri: undefined })).toThrow('camara: set redirectUri');
    expect(() => make({ baseUrl: undefined })).toThrow('camara: set baseUrl or verifyUrl');
  });
});
