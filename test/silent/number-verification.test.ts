import { createHash } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeOnBackends, startTestApp, type TestApp } from '../helpers/test-app.js';

const MSISDN = '+5511987651234';
const DEVICE_IP = '201.20.3.4';
const T = Date.parse('2026-01-01T00:00:00Z');

describeOnBackends('CAMARA Number Verification', (backend) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(backend);
    const accountId = (await t.get('/v1/balance')).body.account_id as string;
    await t.verity.operatorStore.setRanges(accountId, ['201.20.0.0/16'], T);
    t.verity.silent.invalidate();
    await t.verity.operatorStore.recordSessions(accountId, [{ status: 'start', sessionId: 'nv-1', msisdn: MSISDN, ip: DEVICE_IP, at: T - 60_000 }]);
  });
  afterAll(async () => t?.close());

  /** The device opens the authorize URL over its mobile data connection. */
  const authorize = async (from: string, query: Record<string, string> = {}) => {
    const qs = new URLSearchParams({ response_type: 'code', client_id: t.operator.key_id, redirect_uri: 'https://app.example/callback', state: 's-1', ...query });
    const r = await t.app.inject({ method: 'GET', url: `/number-verification/v2/authorize?${qs}`, remoteAddress: from });
    expect(r.statusCode).toBe(302);
    return new URL(String(r.headers.location));
  };
  const token = async (code: string, auth = t.auth()) =>
    t.app.inject({
      method: 'POST',
      url: '/number-verification/v2/token',
      headers: { authorization: auth, 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ grant_type: 'authorization_code', code }).toString(),
    });
  const accessToken = async (scope?: string) => {
    const code = (await authorize(DEVICE_IP, scope ? { scope } : {})).searchParams.get('code') as string;
    return JSON.parse((await token(code)).body).access_token as string;
  };
  const verify = (access: string, body: unknown, headers: Record<string, string> = {}) =>
    t.app.inject({
      method: 'POST',
      url: '/number-verification/v2/verify',
      headers: { authorization: `Bearer ${access}`, 'content-type': 'application/json', ...headers },
      payload: JSON.stringify(body),
    });

  it('verifies the number of the device that authenticated over the mobile network', async () => {
    const back = await authorize(DEVICE_IP);
    expect(back.origin + back.pathname).toBe('https://app.example/callback');
    expect(back.searchParams.get('state')).toBe('s-1');
    const code = back.searchParams.get('code') as string;
    const tok = await token(code);
    expect(tok.statusCode).toBe(200);
    expect(JSON.parse(tok.body)).toMatchObject({ token_type: 'Bearer', expires_in: 300, scope: 'number-verification:verify' });
    const r = await verify(JSON.parse(tok.body).access_token, { phoneNumber: MSISDN }, { 'x-correlator': 'abc-123' });
    expect(r.statusCode).toBe(200);
    expect(JSON.parse(r.body)).toEqual({ devicePhoneNumberVerified: true });
    expect(r.headers['x-correlator']).toBe('abc-123');
  });

  it('answers false for another number, and compares SHA-256 hashed numbers', async () => {
    expect(JSON.parse((await verify(await accessToken(), { phoneNumber: '+5511900000000' })).body)).toEqual({ devicePhoneNumberVerified: false });
    const hashed = createHash('sha256').update(MSISDN).digest('hex');
    expect(JSON.parse((await verify(await accessToken(), { hashedPhoneNumber: hashed.toUpperCase() })).body)).toEqual({ devicePhoneNumberVerified: true });
  });

  it('lets a token and a code be used once only', async () => {
    const access = await accessToken();
    expect((await verify(access, { phoneNumber: MSISDN })).statusCode).toBe(200);
    const again = await verify(access, { phoneNumber: MSISDN });
    expect(again.statusCode).toBe(401);
    expect(JSON.parse(again.body)).toMatchObject({ status: 401, code: 'UNAUTHENTICATED' });
    const code = (await authorize(DEVICE_IP)).searchParams.get('code') as string;
    expect((await token(code)).statusCode).toBe(200);
    expect(JSON.parse((await token(code)).body)).toMatchObject({ status: 400, code: 'INVALID_ARGUMENT' });
  });

  it('gives no code to a device that is not on the operator’s mobile data network', async () => {
    const back = await authorize('8.8.8.8');
    expect(back.searchParams.get('code')).toBeNull();
    expect(back.searchParams.get('error')).toBe('access_denied');
  });

  it('refuses an ordinary API token and an unauthenticated token request', async () => {
    const api = JSON.parse(
      (await t.app.inject({ method: 'POST', url: '/oauth/token', headers: { authorization: t.auth(), 'content-type': 'application/x-www-form-urlencoded' }, payload: 'grant_type=client_credentials' }))
        .body,
    ).access_token as string;
    expect(JSON.parse((await verify(api, { phoneNumber: MSISDN })).body)).toMatchObject({ status: 401, code: 'UNAUTHENTICATED' });
    const code = (await authorize(DEVICE_IP)).searchParams.get('code') as string;
    expect(JSON.parse((await token(code, 'Basic bm9wZTpub3Bl')).body)).toMatchObject({ status: 401, code: 'UNAUTHENTICATED' });
  });

  it('answers INVALID_ARGUMENT, not a server error, for an empty or broken JSON body', async () => {
    const bearer = `Bearer ${await accessToken()}`;
    for (const payload of ['', '{"phoneNumber":']) {
      const r = await t.app.inject({ method: 'POST', url: '/number-verification/v2/verify', headers: { authorization: bearer, 'content-type': 'application/json' }, payload });
      expect([r.statusCode, JSON.parse(r.body).code], JSON.stringify(payload)).toEqual([400, 'INVALID_ARGUMENT']);
    }
  });

  it('answers INVALID_ARGUMENT for a body with both, neither or unknown fields', async () => {
    for (const body of [{ phoneNumber: MSISDN, hashedPhoneNumber: 'a'.repeat(64) }, {}, { phoneNumber: MSISDN, extra: 1 }, { phoneNumber: '5511987651234' }]) {
      const r = await verify(await accessToken(), body);
      expect(r.statusCode, JSON.stringify(body)).toBe(400);
      expect(JSON.parse(r.body)).toMatchObject({ status: 400, code: 'INVALID_ARGUMENT' });
    }
  });

  it('shares the device’s number only with that scope, and refuses verify without its scope', async () => {
    const share = await accessToken('number-verification:device-phone-number:read');
    const r = await t.app.inject({ method: 'GET', url: '/number-verification/v2/device-phone-number', headers: { authorization: `Bearer ${share}` } });
    expect(JSON.parse(r.body)).toEqual({ devicePhoneNumber: MSISDN });
    const denied = await verify(await accessToken('number-verification:device-phone-number:read'), { phoneNumber: MSISDN });
    expect(JSON.parse(denied.body)).toMatchObject({ status: 403, code: 'PERMISSION_DENIED' });
  });
});
