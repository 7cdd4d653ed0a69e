/**
 * Message Central VerifyNow clients move over by changing the host: the vendor's own curl and
 * Python samples run against a Verity server on loopback, and read their codes from the sandbox
 * inbox. Below them, the parts of the protocol the samples do not reach, the settings, and the
 * verificationId store on every backend.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CompatDeps } from '../../src/compat/compat-deps.js';
import { messageCentralRoutes, MemoryVerificationNumbers, SqlVerificationNumbers, type MessageCentralOptions, type VerificationNumbers } from '../../src/compat/messagecentral/index.js';
import type { App } from '../../src/http/types.js';
import { describeOnBackends, lastCode, openTestDatabase, SQLITE, startTestApp, type Backend, type TestApp, type TestDatabase } from '../helpers/test-app.js';
import { createHttp } from '../../src/http/kernel.js';

const run = promisify(execFile);
const CLIENTS = join(import.meta.dirname, 'clients');
const VENDOR_HOST = 'https://cpaas.messagecentral.com';

interface Sample {
  customerId?: string;
  key?: string;
  token?: string;
  mobile?: string;
  id?: string;
  code?: string;
}

type Body = { responseCode: number; message: string; data: Record<string, unknown> | null };

describe('Message Central VerifyNow compat API', () => {
  let t: TestApp;
  let base: string;
  let customerId: string;
  let password: string;
  let n = 0;
  const dir = mkdtempSync(join(tmpdir(), 'verity-messagecentral-'));
  // A fresh Indian mobile number per use, so no test meets another's pending verification or limit.
  const mobile = () => `98765${String(++n).padStart(5, '0')}`;
  const key = () => Buffer.from(password).toString('base64');

  beforeAll(async () => {
    t = await startTestApp(SQLITE, { env: { LIMIT_SEND_PER_DESTINATION: '2/600' } });
    base = await t.app.listen({ host: '127.0.0.1', port: 0 });
    const c = await t.post('/v1/compat/credentials', { vendor: 'messagecentral' });
    expect(c.status).toBe(201);
    ({ login: customerId, secret: password } = c.body as { login: string; secret: string });
  });
  afterAll(async () => t?.close());

  /** The sample with the host and the placeholders filled in, as a user would edit it. */
  function sample(file: string, v: Sample): string {
    let text = readFileSync(join(CLIENTS, file), 'utf8').replaceAll(VENDOR_HOST, base);
    if (v.customerId !== undefined) text = text.replace('%3CCustomerId%3E', v.customerId).replace('<CustomerId>', v.customerId);
    if (v.key !== undefined) text = text.replace('%3CBase64%20Encrypted%20password%3E', v.key).replace('<Base64 Encrypted password>', v.key);
    if (v.token !== undefined) text = text.replace(/eyJhbGciOiJIUzUxMiJ9\.[\w-]+/, v.token);
    if (v.mobile !== undefined) text = text.replace('mobileNumber=9999999999', `mobileNumber=${v.mobile}`);
    if (v.id !== undefined) text = text.replace('verificationId=2949', `verificationId=${v.id}`);
    if (v.code !== undefined) text = text.replace('code=1476', `code=${v.code}`);
    const path = join(dir, `${n}-${file}`);
    writeFileSync(path, text);
    return path;
  }

  /** Runs a sample with its real interpreter and parses what it prints. */
  async function client<T = Body>(file: string, v: Sample = {}): Promise<T> {
    const { stdout } = await run(file.endsWith('.py') ? 'python3' : 'bash', [sample(file, v)]);
    return JSON.parse(stdout) as T;
  }

  const token = async () => (await client<{ status: number; token: string }>('messagecentral-token.sh', { customerId, key: key() })).token;

  async function codeFor(to: string): Promise<string> {
    await t.verity.worker.drain();
    return lastCode(t, to);
  }

  const api = (path: string, init: RequestInit = {}) => fetch(`${base}${path}`, init);

  it('the curl samples take a token, send an SMS and validate the code the phone received', async () => {
    const issued = await client<{ status: number; token: string }>('messagecentral-token.sh', { customerId, key: key() });
    expect(issued.status).toBe(200);
    const [head, payload] = issued.token.split('.').map((p) => Buffer.from(p, 'base64url').toString());
    expect(head).toBe('{"alg":"HS512"}');
    const claims = JSON.parse(payload ?? '') as { sub: string; iat: number; exp: number };
    expect(Object.keys(claims)).toEqual(['sub', 'iat', 'exp']);
    expect([claims.sub, claims.iat, claims.exp - claims.iat]).toEqual([customerId, t.clock.now() / 1000, 1825 * 86_400]);

    const number = mobile();
    const sent = await client('messagecentral-send.sh', { token: issued.token, mobile: number });
    expect(sent).toMatchObject({ responseCode: 200, message: 'SUCCESS', data: { mobileNumber: number, responseCode: '200', errorMessage: null, timeout: '60', smCLI: null } });
    const id = String(sent.data?.verificationId);
    expect(id).toMatch(/^[1-9]\d{11}$/);
    const code = await codeFor(`+91${number}`);
    expect(code).toMatch(/^\d{4}$/);

    const ok = await client('messagecentral-validate.sh', { token: issued.token, id, code });
    expect(ok).toEqual({
      responseCode: 200,
      message: 'SUCCESS',
      data: {
        verficationId: id,
        verificationId: id,
        mobileNumber: number,
        responseCode: '200',
        errorMessage: null,
        verificationStatus: 'VERIFICATION_COMPLETED',
        authToken: null,
        transactionId: sent.data?.transactionId,
      },
    });
    const again = await client('messagecentral-validate.sh', { token: issued.token, id, code });
    expect([again.responseCode, again.message]).toEqual([703, 'ALREADY_VERIFIED']);
  });

  it('the Python samples take a token and send; wrong codes answer 702, and 700 once the attempts are used up', async () => {
    const issued = await client<{ status: number; token: string }>('messagecentral-token.py', { customerId, key: key() });
    const number = mobile();
    const sent = await client('messagecentral-send.py', { token: issued.token, mobile: number });
    expect(sent.responseCode).toBe(200);
    const id = String(sent.data?.verificationId);
    const wrong = (await codeFor(`+91${number}`)) === '0000' ? '1111' : '0000';
    const first = await client('messagecentral-validate.sh', { token: issued.token, id, code: wrong });
    expect(first).toMatchObject({ responseCode: 702, message: 'WRONG_OTP_PROVIDED', data: { verficationId: id, responseCode: '702', errorMessage: 'WRONG_OTP_PROVIDED', verificationStatus: null } });
    for (let i = 2; i <= 4; i++) expect((await client('messagecentral-validate.sh', { token: issued.token, id, code: wrong })).responseCode).toBe(702);
    const last = await client('messagecentral-validate.sh', { token: issued.token, id, code: wrong });
    expect([last.responseCode, last.data?.verificationStatus]).toEqual([702, 'VERIFICATION_FAILED']);
    const after = await client('messagecentral-validate.sh', { token: issued.token, id, code: await lastCode(t, `+91${number}`) });
    expect([after.responseCode, after.message, after.data?.verificationStatus]).toEqual([700, 'VERIFICATION_FAILED', 'VERIFICATION_FAILED']);
  });

  it('a code validated after the verification expired answers 705', async () => {
    const tok = await token();
    const number = mobile();
    const sent = await client('messagecentral-send.sh', { token: tok, mobile: number });
    const code = await codeFor(`+91${number}`);
    t.clock.advance(601_000);
    const late = await client('messagecentral-validate.sh', { token: tok, id: String(sent.data?.verificationId), code });
    expect(late).toMatchObject({ responseCode: 705, message: 'VERIFICATION_EXPIRED', data: { verificationStatus: 'VERIFICATION_EXPIRED' } });
  });

  it('the samples’ own verificationId is unknown (505) and their own token is refused with 401', async () => {
    const unknown = await client('messagecentral-validate.sh', { token: await token(), code: '1476' });
    expect(unknown).toMatchObject({ responseCode: 505, message: 'INVALID_VERIFICATION_ID', data: { verficationId: '2949' } });
    for (const file of ['messagecentral-send.sh', 'messagecentral-send.py', 'messagecentral-validate.sh']) {
      expect(await client(file, { mobile: mobile() }), file).toMatchObject({ status: 401, error: 'Unauthorized', path: expect.stringMatching(/^\/verification\/v3\//) });
    }
  });

  it('a wrong password or an unknown customerId gets no token, in the vendor’s body with HTTP 200', async () => {
    const wrongKey = Buffer.from(`${password}x`).toString('base64');
    for (const file of ['messagecentral-token.sh', 'messagecentral-token.py']) {
      expect(await client(file, { customerId, key: wrongKey }), file).toEqual({ status: 400, error: 'customerId is invalid' });
      expect(await client(file, { customerId: 'C-0000000000000000', key: key() }), file).toEqual({ status: 400, error: 'customerId is invalid' });
    }
    const r = await api(`/auth/v1/authentication/token?customerId=${customerId}&scope=NEW`);
    expect([r.status, await r.json()]).toEqual([200, { status: 400, error: 'key is required' }]);
  });

  it('a second send to a number still pending within the window answers 506 with the same verificationId', async () => {
    const tok = await token();
    const number = mobile();
    const first = await client('messagecentral-send.sh', { token: tok, mobile: number });
    t.clock.advance(30_000);
    const second = await client('messagecentral-send.sh', { token: tok, mobile: number });
    expect(second).toMatchObject({
      responseCode: 506,
      message: 'REQUEST_ALREADY_EXISTS',
      data: { verificationId: first.data?.verificationId, responseCode: '506', timeout: '30', transactionId: first.data?.transactionId },
    });
    const ok = await client('messagecentral-validate.sh', { token: tok, id: String(second.data?.verificationId), code: await codeFor(`+91${number}`) });
    expect(ok.responseCode).toBe(200);
    // Approved, it no longer blocks a new send.
    const third = await client('messagecentral-send.sh', { token: tok, mobile: number });
    expect(third.responseCode).toBe(200);
    expect(third.data?.verificationId).not.toBe(first.data?.verificationId);
  });

  it('Verity’s per-destination send limit answers 800 MAXIMUM_LIMIT_REACHED with Retry-After', async () => {
    const tok = await token();
    const number = mobile();
    const send = () => api(`/verification/v3/send?countryCode=91&flowType=SMS&mobileNumber=${number}`, { method: 'POST', headers: { authToken: tok } });
    expect(((await (await send()).json()) as Body).responseCode).toBe(200);
    t.clock.advance(61_000);
    expect(((await (await send()).json()) as Body).responseCode).toBe(200);
    t.clock.advance(61_000);
    const limited = await send();
    expect([limited.status, ((await limited.json()) as Body).message]).toEqual([400, 'MAXIMUM_LIMIT_REACHED']);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  describe('what the samples do not show', () => {
    let tok: string;
    beforeAll(async () => {
      tok = await token();
    });
    const send = (query: string, init: RequestInit = {}) => api(`/verification/v3/send?${query}`, { method: 'POST', ...init, headers: { authToken: tok, ...init.headers } });
    const body = async (r: Response) => [r.status, (await r.json()) as Body] as const;

    it('reads parameters from a JSON body, and validates by POST, with a trailing slash and the vendor’s spelling', async () => {
      const number = mobile();
      const [status, sent] = await body(
        await send('', { headers: { 'content-type': 'application/json' }, body: JSON.stringify({ countryCode: '91', flowType: 'whatsapp', mobileNumber: number, otpLength: 6 }) }),
      );
      expect([status, sent.responseCode]).toEqual([200, 200]);
      const code = await codeFor(`+91${number}`);
      expect(code).toMatch(/^\d{6}$/);
      const r = await api('/verification/v3/validateOtp/', {
        method: 'POST',
        headers: { authtoken: tok, 'content-type': 'application/x-www-form-urlencoded' },
        body: `verficationId=${String(sent.data?.verificationId)}&code=${code}`,
      });
      expect(((await r.json()) as Body).data?.verificationStatus).toBe('VERIFICATION_COMPLETED');
    });

    it('maps AUDIO to a voice call and EMAIL to an email, with the code length asked for', async () => {
      const number = mobile();
      const [, audio] = await body(await send(`countryCode=91&flowType=AUDIO&mobileNumber=${number}&otpLength=8`));
      expect(audio.responseCode).toBe(200);
      expect((await t.get(`/v1/verifications/${String(audio.data?.transactionId)}`)).body).toMatchObject({ channel: 'voice', metadata: { compat: 'messagecentral', flowType: 'AUDIO' } });
      expect(await codeFor(`+91${number}`)).toMatch(/^\d{8}$/);
      const [, email] = await body(await send('flowType=EMAIL&email=User%40Example.com'));
      expect([email.responseCode, email.data?.mobileNumber]).toEqual([200, null]);
      expect(await codeFor('user@example.com')).toMatch(/^\d{4}$/);
    });

    it('SAUTH: the device opens authUrl over its mobile data, and validateOtp answers the network’s verdict without a code', async () => {
      const number = mobile();
      // The test's "device" reaches the server from 127.0.0.1: that is its address on the simulated operator.
      expect((await t.post(`/v1/sandbox/phones/%2B91${number}/online`, { ip: '127.0.0.1' })).status).toBe(204);
      const [status, sent] = await body(await send(`countryCode=91&flowType=SAUTH&mobileNumber=${number}`));
      expect([status, sent.responseCode]).toEqual([200, 200]);
      const authUrl = String(sent.data?.authUrl);
      const validate = async () => body(await api(`/verification/v3/validateOtp?verificationId=${String(sent.data?.verificationId)}`, { headers: { authToken: tok } }));
      expect((await validate())[1]).toMatchObject({ responseCode: 700, data: { errorMessage: 'VERIFICATION_PENDING' } });
      const device = await fetch(authUrl.replace(/^https?:\/\/[^/]+/, base));
      expect(await device.json()).toMatchObject({ status: 'approved' });
      expect((await validate())[1]).toMatchObject({ responseCode: 200, data: { verificationStatus: 'VERIFICATION_COMPLETED' } });
    });

    it('answers the vendor’s codes for what it refuses, at HTTP 400, in the same envelope', async () => {
      const number = mobile();
      const cases: Array<[string, number, string | null]> = [
        [`countryCode=91&flowType=SMS&mobileNumber=${number}&customerId=C-SOMEONEELSE`, 501, 'INVALID_CUSTOMER_ID'],
        [`countryCode=999&flowType=SMS&mobileNumber=${number}`, 511, 'INVALID_COUNTRY_CODE'],
        [`countryCode=91&flowType=SMS&mobileNumber=${number}&otpLength=9`, 400, 'otpLength must be between 4 and 8'],
        [`countryCode=91&flowType=FAX&mobileNumber=${number}`, 400, 'flowType FAX is not supported'],
        [`countryCode=91&mobileNumber=${number}`, 400, 'flowType is required'],
        ['countryCode=91&flowType=SMS&mobileNumber=12', 400, 'mobileNumber must be the national number in digits'],
        ['countryCode=91&flowType=SMS&mobileNumber=5555555555', 400, 'countryCode and mobileNumber are not a valid phone number'],
        ['countryCode=91&flowType=SMS&mobileNumber=1123456789', 400, 'this flowType needs a mobile number'],
      ];
      for (const [query, code, errorMessage] of cases) {
        const r = await send(query);
        expect(r.headers.get('content-type'), query).toBe('application/json; charset=utf-8');
        const [status, b] = await body(r);
        expect([status, b.responseCode, b.data?.responseCode, b.data?.errorMessage], query).toEqual([400, code, String(code), errorMessage]);
      }
      const [, own] = await body(await send(`countryCode=91&flowType=SMS&mobileNumber=${number}&customerId=${customerId}`));
      expect(own.responseCode).toBe(200);
      const validate = async (q: string) => (await body(await api(`/verification/v3/validateOtp?${q}`, { headers: { authToken: tok } })))[1];
      expect((await validate('code=1234')).data?.errorMessage).toBe('verificationId is required');
      expect((await validate(`verificationId=${String(own.data?.verificationId)}`)).data?.errorMessage).toBe('code is required');
      expect((await validate('verificationId=abc&code=1234')).responseCode).toBe(505);
      // A code that cannot be one is a wrong code.
      expect((await validate(`verificationId=${String(own.data?.verificationId)}&code=12ab`)).responseCode).toBe(702);
    });

    it('refuses a missing or forged authToken with the gateway’s 401, naming no number', async () => {
      const r = await api('/verification/v3/send?countryCode=91&flowType=SMS&mobileNumber=9876543210', { method: 'POST' });
      expect([r.status, await r.json()]).toEqual([
        401,
        { timestamp: expect.stringMatching(/^2026-01-01T\d\d:\d\d:\d\d\.\d{3}\+00:00$/), status: 401, error: 'Unauthorized', path: '/verification/v3/send' },
      ]);
      const forged = `${tok.slice(0, tok.lastIndexOf('.'))}.${Buffer.alloc(64).toString('base64url')}`;
      expect((await send('countryCode=91&flowType=SMS&mobileNumber=9876543210', { headers: { authToken: forged } })).status).toBe(401);
    });

    it('a credential deleted stops its tokens at once', async () => {
      const c = await t.post('/v1/compat/credentials', { vendor: 'messagecentral' });
      const { id, login, secret } = c.body as { id: string; login: string; secret: string };
      const issued = (await (await api(`/auth/v1/authentication/token?customerId=${login}&key=${encodeURIComponent(Buffer.from(secret).toString('base64'))}`)).json()) as { token: string };
      const q = `countryCode=91&flowType=SMS&mobileNumber=${mobile()}`;
      expect((await api(`/verification/v3/send?${q}`, { method: 'POST', headers: { authToken: issued.token } })).status).toBe(200);
      expect((await t.app.inject({ method: 'DELETE', url: `/v1/compat/credentials/${id}`, headers: { authorization: t.auth() } })).statusCode).toBe(204);
      expect((await api(`/verification/v3/send?${q}`, { method: 'POST', headers: { authToken: issued.token } })).status).toBe(401);
    });

    it('a request it cannot read (an oversized body, NUL in the URL) still answers in the envelope', async () => {
      const r = await send('countryCode=91', { headers: { 'content-type': 'text/plain' }, body: 'x'.repeat(20_000) });
      expect([r.status, ((await r.json()) as Body).responseCode]).toEqual([400, 400]);
      const nul = await api('/verification/v3/validateOtp?verificationId=1&code=%00', { headers: { authToken: tok } });
      expect([nul.status, nul.headers.get('content-type'), await nul.json()]).toEqual([
        400,
        'application/json; charset=utf-8',
        { responseCode: 400, message: 'BAD_REQUEST', data: { responseCode: '400', errorMessage: 'the URL may not contain the NUL character' } },
      ]);
    });
  });

  describe('settings', () => {
    let other: App;
    const signingKey = randomBytes(64);
    beforeAll(async () => {
      other = await createHttp();
      await other.register(messageCentralRoutes(depsOf(t), { errorHttpStatus: 200, tokenErrorHttpStatus: 401, resendWindowS: 0, signingKey, flows: { SMS: 'sms', SAUTH: 'sms' } }));
    });
    afterAll(async () => other?.close());
    const inject = async (method: 'GET' | 'POST', url: string, tok?: string) => {
      const r = await other.inject({ method, url, headers: tok ? { authtoken: tok } : {} });
      return [r.statusCode, JSON.parse(r.body) as Body & { token?: string; error?: string }] as const;
    };

    it('answer business errors at the HTTP status asked for, and sign with the server key', async () => {
      expect(await inject('GET', `/auth/v1/authentication/token?customerId=${customerId}&key=AAAA`)).toEqual([401, { status: 400, error: 'customerId is invalid' }]);
      const [, issued] = await inject('GET', `/auth/v1/authentication/token?customerId=${customerId}&key=${key()}`);
      const tok = issued.token ?? '';
      // Keys differ, so neither server takes the other's tokens.
      expect((await inject('POST', '/verification/v3/send?countryCode=91&flowType=SMS&mobileNumber=9876500999', await token()))[0]).toBe(401);
      expect((await api('/verification/v3/send?countryCode=91&flowType=SMS&mobileNumber=9876500999', { method: 'POST', headers: { authToken: tok } })).status).toBe(401);
      const number = mobile();
      const [, sent] = await inject('POST', `/verification/v3/send?countryCode=91&flowType=SAUTH&mobileNumber=${number}`, tok);
      expect([sent.responseCode, sent.data?.timeout]).toEqual([200, '0']);
      // No resend window: a second send starts a second verification.
      const [, again] = await inject('POST', `/verification/v3/send?countryCode=91&flowType=SMS&mobileNumber=${number}`, tok);
      expect(again.data?.verificationId).not.toBe(sent.data?.verificationId);
      expect(await inject('GET', `/verification/v3/validateOtp?&verificationId=${String(sent.data?.verificationId)}&code=12ab`, tok)).toMatchObject([200, { responseCode: 702 }]);
      expect((await inject('POST', `/verification/v3/send?countryCode=91&flowType=AUDIO&mobileNumber=${number}`, tok))[1].data?.errorMessage).toBe('flowType AUDIO is not supported');
    });

    it('refuse to start with settings that cannot work, naming each', () => {
      const bad = { errorHttpStatus: 500, flows: { SAUTH: 'silently' } } as unknown as MessageCentralOptions;
      expect(() => messageCentralRoutes(depsOf(t), bad)).toThrow(/errorHttpStatus must be an HTTP status from 200 to 499; flows must map flowTypes to channels/);
    });
  });
});

/** What the server hands a vendor's routes, from a test app's parts. */
function depsOf(t: TestApp): CompatDeps {
  const v = t.verity;
  return {
    credentials: v.vendorCredentials,
    verifications: v.verifications,
    accounts: v.accounts,
    sounds: t.app.parts.sounds,
    events: { subscribe: () => undefined },
    clock: t.clock,
    log: pino({ level: 'silent' }),
  };
}

/** The same verificationId contract in memory and on every database; `backend` undefined is the memory one. */
function verificationIdsContract(backend: Backend | undefined): void {
  let numbers: VerificationNumbers;
  let db: TestDatabase | undefined;
  const T0 = 1_800_000_000_000;

  beforeAll(async () => {
    if (!backend) {
      numbers = new MemoryVerificationNumbers(() => T0 + 60_000);
      return;
    }
    db = await openTestDatabase(backend);
    numbers = new SqlVerificationNumbers(db.handle);
  });
  afterAll(async () => {
    await db?.close();
  });

  it('finds a verification by its number only in its own account', async () => {
    const number = await numbers.add('acc_a', { verificationId: 'ver_1', to: '+919876543210', createdAt: T0 });
    expect(number).toMatch(/^[1-9]\d{11}$/);
    expect(await numbers.find('acc_a', number)).toEqual({ number, verificationId: 'ver_1', to: '+919876543210', createdAt: T0 });
    expect(await numbers.find('acc_b', number)).toBeUndefined();
    expect(await numbers.find('acc_a', '2949')).toBeUndefined();
  });

  it('gives the newest verification of a destination within the window', async () => {
    await numbers.add('acc_c', { verificationId: 'ver_old', to: '+919876500000', createdAt: T0 });
    const newer = await numbers.add('acc_c', { verificationId: 'ver_new', to: '+919876500000', createdAt: T0 + 10_000 });
    expect(await numbers.latest('acc_c', '+919876500000', T0)).toMatchObject({ number: newer, verificationId: 'ver_new' });
    expect(await numbers.latest('acc_c', '+919876500000', T0 + 10_001)).toBeUndefined();
    expect(await numbers.latest('acc_d', '+919876500000', T0)).toBeUndefined();
  });

  it('forgets what was numbered before the purge', async () => {
    const old = await numbers.add('acc_e', { verificationId: 'ver_e', to: 'e@example.com', createdAt: T0 - 1 });
    expect(await numbers.purge(T0)).toBeGreaterThanOrEqual(1);
    expect(await numbers.find('acc_e', old)).toBeUndefined();
    expect(await numbers.latest('acc_e', 'e@example.com', 0)).toBeUndefined();
  });
}

describe('Message Central verificationIds on memory', () => verificationIdsContract(undefined));
describeOnBackends('Message Central verificationIds', verificationIdsContract);
