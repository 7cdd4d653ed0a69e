import { SignJWT } from 'jose';
import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { IssuedKey } from '../../src/accounts/key-service.js';
import { ERROR_CODES, type ErrorCode } from '../../src/errors/error-codes.js';
import { describeOnBackends, startTestApp, type Res, type TestApp } from '../helpers/test-app.js';

/**
 * Requests a client can get wrong, one test each, named by what the server answers. Every
 * refusal must be a problem+json document with the stable code, a refused start must leave no
 * verification behind, and no answer may ever carry an API secret or a code.
 */

const START = '/v1/verifications';
const PROBLEM_TYPE = /^application\/problem\+json/;

let n = 0;
/** A fresh Brazilian mobile number per use, so per-destination limits never interfere. */
function freshMobile(): string {
  n += 1;
  return `+55119${String(70000000 + n * 7919).padStart(8, '0')}`;
}

function basic(id: string, secret: string): string {
  return `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;
}

describeOnBackends('bad input', (backend) => {
  let t: TestApp;
  let tenant: { accountId: string; key: IssuedKey };
  /** Every raw answer this suite received, for the leak check at the end. */
  const seen: { route: string; status: number; body: string }[] = [];

  beforeAll(async () => {
    t = await startTestApp(backend);
    tenant = await t.tenant();
  });
  afterAll(async () => t?.close());

  /** Any request, recorded for the leak check. */
  async function send(opts: { method: string; url: string; headers?: Record<string, string>; payload?: string }): Promise<Res> {
    const r = await t.app.inject({ method: opts.method as 'GET', url: opts.url, headers: opts.headers ?? {}, ...(opts.payload !== undefined ? { payload: opts.payload } : {}) });
    seen.push({ route: opts.url, status: r.statusCode, body: r.body });
    let body: unknown = r.body;
    try {
      body = r.body ? JSON.parse(r.body) : undefined;
    } catch {
      /* keep the text: the assertions below will say what was wrong */
    }
    return { status: r.statusCode, body, headers: r.headers };
  }

  /** A JSON request with the operator's key unless told otherwise (`null`: no Authorization). */
  function json(method: string, url: string, body?: unknown, key: IssuedKey | null = t.operator, headers: Record<string, string> = {}): Promise<Res> {
    return send({
      method,
      url,
      headers: { ...(key ? { authorization: t.auth(key) } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
      ...(body !== undefined ? { payload: JSON.stringify(body) } : {}),
    });
  }

  async function countVerifications(): Promise<number> {
    const row = await t.verity.database.db.selectFrom('verifications').select(sql<number | string>`count(*)`.as('n')).executeTakeFirstOrThrow();
    return Number(row.n);
  }

  /** Runs a request that must not create a verification, and returns its answer. */
  async function withoutStart(request: () => Promise<Res>): Promise<Res> {
    const before = await countVerifications();
    const r = await request();
    expect(await countVerifications(), 'a refused request must not create a verification').toBe(before);
    return r;
  }

  function expectProblem(r: Res, status: number, code: ErrorCode): void {
    expect({ status: r.status, code: r.body?.code }, JSON.stringify(r.body)).toEqual({ status, code });
    expect(ERROR_CODES[code].status).toBe(status);
    expect(String(r.headers['content-type'])).toMatch(PROBLEM_TYPE);
    expect(r.body).toMatchObject({ type: expect.any(String), title: ERROR_CODES[code].title, status, code, detail: expect.any(String), request_id: expect.any(String) });
  }

  /** A pending verification owned by the operator. */
  async function startOne(): Promise<{ id: string; to: string }> {
    const to = freshMobile();
    const r = await json('POST', START, { to, channel: 'sms' });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    return { id: r.body.id as string, to };
  }

  // ---- the body is not a JSON object ---------------------------------------------------

  it('malformed JSON answers 400 MALFORMED_JSON', async () => {
    const r = await withoutStart(() => send({ method: 'POST', url: START, headers: { authorization: t.auth(), 'content-type': 'application/json' }, payload: '{"to": "+5511987654321", "channel": ' }));
    expectProblem(r, 400, 'MALFORMED_JSON');
  });

  it('an empty body declared as JSON answers 400 MALFORMED_JSON', async () => {
    const r = await withoutStart(() => send({ method: 'POST', url: START, headers: { authorization: t.auth(), 'content-type': 'application/json' }, payload: '' }));
    expectProblem(r, 400, 'MALFORMED_JSON');
  });

  it.each([
    ['a JSON array', [{ to: '+5511987654321', channel: 'sms' }]],
    ['a JSON string', '+5511987654321'],
    ['a JSON number', 5511987654321],
    ['JSON null', null],
  ])('%s as the body answers 400 VALIDATION_FAILED', async (_what, body) => {
    const r = await withoutStart(() => json('POST', START, body));
    expectProblem(r, 400, 'VALIDATION_FAILED');
    expect(r.body.errors).toEqual([expect.objectContaining({ path: '/' })]);
  });

  // ---- wrong types, missing and unknown members --------------------------------------------

  it('a number as `to` is not coerced to a string: 400 VALIDATION_FAILED naming /to', async () => {
    const r = await withoutStart(() => json('POST', START, { to: 5511987654321, channel: 'sms' }));
    expectProblem(r, 400, 'VALIDATION_FAILED');
    expect(r.body.errors).toEqual([expect.objectContaining({ path: '/to' })]);
  });

  it('a boolean as `to` answers 400 VALIDATION_FAILED naming /to', async () => {
    const r = await withoutStart(() => json('POST', START, { to: true, channel: 'sms' }));
    expectProblem(r, 400, 'VALIDATION_FAILED');
  });

  it.each([
    ['an object as `to`', { to: { number: '+5511987654321' }, channel: 'sms' }, '/to'],
    ['an array of two channels', { to: '+5511987654321', channel: ['sms', 'voice'] }, '/channel'],
    ['a word as `code_length`', { to: '+5511987654321', channel: 'sms', code_length: 'six' }, '/code_length'],
    ['a `code_length` of 11', { to: '+5511987654321', channel: 'sms', code_length: 11 }, '/code_length'],
    ['a string as `metadata`', { to: '+5511987654321', channel: 'sms', metadata: 'x' }, '/metadata'],
    ['a `code` with letters', { to: '+5511987654321', channel: 'sms', code: '12ab56' }, '/code'],
  ])('%s answers 400 VALIDATION_FAILED naming the member', async (_what, body, path) => {
    const r = await withoutStart(() => json('POST', START, body));
    expectProblem(r, 400, 'VALIDATION_FAILED');
    expect(r.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ path })]));
  });

  it('a start without `to` answers 400 VALIDATION_FAILED', async () => {
    const r = await withoutStart(() => json('POST', START, { channel: 'sms' }));
    expectProblem(r, 400, 'VALIDATION_FAILED');
    expect(r.body.detail).toContain('to');
  });

  it('an unknown channel (fax) answers 400 VALIDATION_FAILED with an errors list naming /channel', async () => {
    const r = await withoutStart(() => json('POST', START, { to: '+5511987654321', channel: 'fax' }));
    expectProblem(r, 400, 'VALIDATION_FAILED');
    expect(r.body.errors).toEqual([expect.objectContaining({ path: '/channel', message: expect.stringContaining('sms') })]);
  });

  it('an unknown extra property answers 400 VALIDATION_FAILED', async () => {
    const r = await withoutStart(() => json('POST', START, { to: '+5511987654321', channel: 'sms', callback_url: 'https://example.com' }));
    expectProblem(r, 400, 'VALIDATION_FAILED');
  });

  // ---- destinations -----------------------------------------------------------------------

  it.each([
    ['too short (+1234)', '+1234'],
    ['without the leading + (5511987654321)', '5511987654321'],
    ['in no country (+999999999999)', '+999999999999'],
    ['made of letters (+abcdefghij)', '+abcdefghij'],
  ])('a phone number %s answers 400 INVALID_PHONE_NUMBER', async (_what, to) => {
    const r = await withoutStart(() => json('POST', START, { to, channel: 'sms' }));
    expectProblem(r, 400, 'INVALID_PHONE_NUMBER');
  });

  it('a fixed line for sms answers 400 NOT_A_MOBILE_NUMBER', async () => {
    const r = await withoutStart(() => json('POST', START, { to: '+551133334444', channel: 'sms' }));
    expectProblem(r, 400, 'NOT_A_MOBILE_NUMBER');
  });

  it('the same fixed line for voice answers 201', async () => {
    const before = await countVerifications();
    const r = await json('POST', START, { to: '+551133334444', channel: 'voice' });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    expect(r.body).toMatchObject({ to: '+551133334444', channel: 'voice', line_type: 'fixed', status: 'pending' });
    expect(await countVerifications()).toBe(before + 1);
  });

  it('an email address for sms answers 400 CHANNEL_MISMATCH', async () => {
    const r = await withoutStart(() => json('POST', START, { to: 'ana@example.com', channel: 'sms' }));
    expectProblem(r, 400, 'CHANNEL_MISMATCH');
  });

  it('a phone number for email answers 400 CHANNEL_MISMATCH', async () => {
    const r = await withoutStart(() => json('POST', START, { to: '+5511987654321', channel: 'email' }));
    expectProblem(r, 400, 'CHANNEL_MISMATCH');
  });

  it.each([['not-an-email'], ['ana@'], ['@example.com'], ['ana@example'], ['ana @example.com']])('an invalid email address (%s) answers 400 INVALID_EMAIL', async (to) => {
    const r = await withoutStart(() => json('POST', START, { to, channel: 'email' }));
    expectProblem(r, 400, 'INVALID_EMAIL');
  });

  // ---- sizes ------------------------------------------------------------------------------

  it('a `to` of 300 characters answers 400 VALIDATION_FAILED', async () => {
    const r = await withoutStart(() => json('POST', START, { to: `+${'1'.repeat(299)}`, channel: 'sms' }));
    expectProblem(r, 400, 'VALIDATION_FAILED');
    expect(r.body.errors).toEqual([expect.objectContaining({ path: '/to' })]);
  });

  it('a metadata key of 65 characters answers 400 VALIDATION_FAILED', async () => {
    const r = await withoutStart(() => json('POST', START, { to: freshMobile(), channel: 'sms', metadata: { ['k'.repeat(65)]: 'v' } }));
    expectProblem(r, 400, 'VALIDATION_FAILED');
  });

  it('metadata with 21 keys answers 400 VALIDATION_FAILED', async () => {
    const metadata = Object.fromEntries(Array.from({ length: 21 }, (_, i) => [`k${i}`, i]));
    const r = await withoutStart(() => json('POST', START, { to: freshMobile(), channel: 'sms', metadata }));
    expectProblem(r, 400, 'VALIDATION_FAILED');
    expect(r.body.errors).toEqual([expect.objectContaining({ path: '/metadata' })]);
  });

  it('a sender of 1,000 characters answers 400 VALIDATION_FAILED', async () => {
    const r = await withoutStart(() => json('POST', START, { to: freshMobile(), channel: 'sms', sender: 's'.repeat(1000) }));
    expectProblem(r, 400, 'VALIDATION_FAILED');
    expect(r.body.errors).toEqual([expect.objectContaining({ path: '/sender' })]);
  });

  it('a body over 128 KiB answers 413 BODY_TOO_LARGE', async () => {
    const r = await withoutStart(() => json('POST', START, { to: freshMobile(), channel: 'sms', metadata: { note: 'x'.repeat(130 * 1024) } }));
    expectProblem(r, 413, 'BODY_TOO_LARGE');
  });

  // ---- content types and routes ---------------------------------------------------------

  it('a text/plain body on a JSON route answers 415 UNSUPPORTED_MEDIA_TYPE', async () => {
    const r = await withoutStart(() =>
      send({ method: 'POST', url: START, headers: { authorization: t.auth(), 'content-type': 'text/plain' }, payload: JSON.stringify({ to: freshMobile(), channel: 'sms' }) }),
    );
    expectProblem(r, 415, 'UNSUPPORTED_MEDIA_TYPE');
  });

  it.each([
    ['text/plain', { 'content-type': 'text/plain' }, 'a body of type text/plain'],
    ['no content type', {}, 'a body without a content type'],
    // What `curl -d` sends unless told otherwise.
    ['a form', { 'content-type': 'application/x-www-form-urlencoded' }, 'a body of type application/x-www-form-urlencoded'],
    ['multipart', { 'content-type': 'multipart/form-data; boundary=x' }, 'a body of type multipart/form-data'],
  ])('a JSON body sent as %s answers 415 UNSUPPORTED_MEDIA_TYPE saying to send content-type: application/json', async (_name, headers, said) => {
    const r = await withoutStart(() => send({ method: 'POST', url: START, headers: { authorization: t.auth(), ...headers }, payload: JSON.stringify({ to: freshMobile(), channel: 'sms' }) }));
    expectProblem(r, 415, 'UNSUPPORTED_MEDIA_TYPE');
    expect(r.body.detail).toBe(`${said} is not accepted here: send content-type: application/json`);
  });

  it('a text/plain body on /oauth/token answers 415 naming both types the route takes; a form is still accepted there', async () => {
    const r = await send({ method: 'POST', url: '/oauth/token', headers: { authorization: t.auth(), 'content-type': 'text/plain' }, payload: 'grant_type=client_credentials' });
    expectProblem(r, 415, 'UNSUPPORTED_MEDIA_TYPE');
    expect(r.body.detail).toBe('a body of type text/plain is not accepted here: send content-type: application/json or application/x-www-form-urlencoded');
    const form = await send({
      method: 'POST',
      url: '/oauth/token',
      headers: { authorization: t.auth(), 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'grant_type=client_credentials',
    });
    expect(form.status).toBe(200);
  });

  it('a text body on the sound upload answers 415 naming the audio types the route declares', async () => {
    const r = await send({ method: 'POST', url: '/v1/sounds?name=x', headers: { authorization: t.auth(), 'content-type': 'text/plain' }, payload: 'hello' });
    expectProblem(r, 415, 'UNSUPPORTED_MEDIA_TYPE');
    expect(r.body.detail).toMatch(/^a body of type text\/plain is not accepted here: send content-type: audio\/wav or .*audio\/mpeg/);
  });

  it('an unusual content type is not echoed back', async () => {
    const odd = `text/${'x'.repeat(300)}`;
    const r = await send({ method: 'POST', url: START, headers: { authorization: t.auth(), 'content-type': odd }, payload: '{}' });
    expectProblem(r, 415, 'UNSUPPORTED_MEDIA_TYPE');
    expect(r.body.detail).toBe('a body of another type is not accepted here: send content-type: application/json');
  });

  it('an XML body answers 415 UNSUPPORTED_MEDIA_TYPE', async () => {
    const r = await withoutStart(() =>
      send({ method: 'POST', url: START, headers: { authorization: t.auth(), 'content-type': 'application/xml' }, payload: '<start><to>+5511987654321</to></start>' }),
    );
    expectProblem(r, 415, 'UNSUPPORTED_MEDIA_TYPE');
  });

  it.each([
    ['GET', '/v1/nope', true],
    ['GET', '/v1/nope', false],
    ['POST', '/v1/verification', true],
    ['DELETE', '/v1/verifications', true],
  ])('an unknown route (%s %s, auth %s) answers 404 NOT_FOUND', async (method, url, withAuth) => {
    const r = await withoutStart(() => json(method, url, undefined, withAuth ? t.operator : null));
    expectProblem(r, 404, 'NOT_FOUND');
  });

  // ---- codes ------------------------------------------------------------------------------

  it.each([
    ['abc', 'INVALID_CODE_FORMAT'],
    ['12', 'INVALID_CODE_FORMAT'],
    ['12345678901', 'INVALID_CODE_FORMAT'],
    [' 123456', 'INVALID_CODE_FORMAT'],
    ['', 'VALIDATION_FAILED'],
    ['1'.repeat(65), 'VALIDATION_FAILED'],
  ] as const)('a malformed code (%j) on check answers 400 %s and does not count an attempt', async (code, expected) => {
    const v = await startOne();
    const r = await json('POST', `${START}/${v.id}/check`, { code });
    expectProblem(r, 400, expected);
    const after = await json('GET', `${START}/${v.id}`);
    expect(after.body).toMatchObject({ status: 'pending', attempts: 0 });
  });

  it('a check without a code answers 400 VALIDATION_FAILED', async () => {
    const v = await startOne();
    expectProblem(await json('POST', `${START}/${v.id}/check`, {}), 400, 'VALIDATION_FAILED');
  });

  // ---- credentials ------------------------------------------------------------------------

  it('a start without Authorization answers 401 UNAUTHORIZED', async () => {
    const r = await withoutStart(() => json('POST', START, { to: freshMobile(), channel: 'sms' }, null));
    expectProblem(r, 401, 'UNAUTHORIZED');
  });

  it('a read without Authorization answers 401 UNAUTHORIZED', async () => {
    expectProblem(await json('GET', '/v1/balance', undefined, null), 401, 'UNAUTHORIZED');
  });

  /** A well-formed access token for the operator's key, signed with a key the server does not have. */
  async function foreignToken(): Promise<string> {
    const now = Math.floor(t.clock.now() / 1000);
    return new SignJWT({ acc: 'acc_1111111111111111111' })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setIssuer('verity')
      .setAudience('verity-api')
      .setSubject(t.operator.key_id)
      .setIssuedAt(now)
      .setExpirationTime(now + 600)
      .sign(new TextEncoder().encode('another-signing-key-0123456789abcdef0123'));
  }

  it.each([
    ['the wrong secret for a real key', async () => basic(t.operator.key_id, 'vs_not-the-secret')],
    ['an unknown key id', async () => basic('vk_1111111111111111111', t.operator.secret)],
    ['garbage after Basic', async () => 'Basic !!!not base64!!!'],
    ['Basic without a colon', async () => `Basic ${Buffer.from('just-a-key-id').toString('base64')}`],
    ['a scheme that is neither Basic nor Bearer', async () => `Token ${t.operator.secret}`],
    ['a Bearer token that is not a JWT', async () => 'Bearer not-a-token'],
    ['a Bearer token signed with another key', async () => `Bearer ${await foreignToken()}`],
  ])('%s answers 401 INVALID_CREDENTIALS', async (_what, header) => {
    const authorization = await header();
    const r = await withoutStart(() =>
      send({ method: 'POST', url: START, headers: { authorization, 'content-type': 'application/json' }, payload: JSON.stringify({ to: freshMobile(), channel: 'sms' }) }),
    );
    expectProblem(r, 401, 'INVALID_CREDENTIALS');
  });

  it('a client_id that is not valid percent-encoding answers 401 INVALID_CLIENT on /oauth/token', async () => {
    const r = await send({
      method: 'POST',
      url: '/oauth/token',
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({ grant_type: 'client_credentials', client_id: '%', client_secret: 'vs_whatever' }),
    });
    expectProblem(r, 401, 'INVALID_CLIENT');
  });

  it('an unsupported grant type answers 400 UNSUPPORTED_GRANT_TYPE', async () => {
    const r = await send({ method: 'POST', url: '/oauth/token', headers: { authorization: t.auth(), 'content-type': 'application/json' }, payload: JSON.stringify({ grant_type: 'password' }) });
    expectProblem(r, 400, 'UNSUPPORTED_GRANT_TYPE');
  });

  // ---- ids in the path and tenant isolation ---------------------------------------------

  it.each([
    ['GET', ''],
    ['POST', '/check'],
    ['POST', '/resend'],
    ['POST', '/cancel'],
  ])('a malformed verification id in the path (%s /v1/verifications/nope%s) answers 400 VALIDATION_FAILED', async (method, suffix) => {
    const body = suffix === '/check' ? { code: '123456' } : suffix === '/resend' ? {} : undefined;
    const r = await json(method, `${START}/nope${suffix}`, body);
    expectProblem(r, 400, 'VALIDATION_FAILED');
    expect(r.body.errors).toEqual([expect.objectContaining({ path: '/id' })]);
  });

  it('a path with broken percent-encoding answers 400 VALIDATION_FAILED as problem+json', async () => {
    expectProblem(await json('GET', `${START}/%zz`), 400, 'VALIDATION_FAILED');
  });

  it('a well-formed verification id that does not exist answers 404 VERIFICATION_NOT_FOUND', async () => {
    expectProblem(await json('GET', `${START}/ver_1111111111111111111`), 404, 'VERIFICATION_NOT_FOUND');
  });

  it.each([
    ['get', 'GET', '', undefined],
    ['check', 'POST', '/check', { code: '123456' }],
    ['resend', 'POST', '/resend', {}],
    ['cancel', 'POST', '/cancel', undefined],
  ])("another account's verification answers 404 VERIFICATION_NOT_FOUND on %s and stays untouched", async (_op, method, suffix, body) => {
    const v = await startOne();
    t.clock.advance(60_000); // past the resend cooldown, so only isolation can refuse the resend
    const r = await json(method, `${START}/${v.id}${suffix}`, body, tenant.key);
    expectProblem(r, 404, 'VERIFICATION_NOT_FOUND');
    const mine = await json('GET', `${START}/${v.id}`);
    expect(mine.body).toMatchObject({ status: 'pending', attempts: 0, sends: 1 });
  });

  // ---- permissions ------------------------------------------------------------------------

  it('a tenant (non-operator) calling POST /v1/accounts answers 403 FORBIDDEN and creates nothing', async () => {
    const count = async () => Number((await t.verity.database.db.selectFrom('accounts').select(sql<number | string>`count(*)`.as('n')).executeTakeFirstOrThrow()).n);
    const before = await count();
    expectProblem(await json('POST', '/v1/accounts', { name: 'sneaky' }, tenant.key), 403, 'FORBIDDEN');
    expect(await count()).toBe(before);
  });

  it.each([
    ['GET', '/v1/accounts/:id', undefined],
    ['POST', '/v1/accounts/:id/credit', { amount: 1000 }],
    ['PUT', '/v1/accounts/:id/prices', { prices: [] }],
  ])('a tenant calling the operator route %s %s answers 403 FORBIDDEN', async (method, route, body) => {
    expectProblem(await json(method, route.replace(':id', tenant.accountId), body, tenant.key), 403, 'FORBIDDEN');
  });

  // ---- odd characters and numbers --------------------------------------------------------

  it.each([
    ['POST', '/v1/services', () => ({ name: 'a\u0000b' })],
    ['POST', '/v1/keys', () => ({ name: 'a\u0000b' })],
    ['POST', '/v1/templates', () => ({ name: 'a\u0000b', channel: 'sms', locale: 'en', body: 'Code {code}' })],
    ['POST', '/v1/accounts', () => ({ name: 'a\u0000b' })],
    ['POST', START, () => ({ to: freshMobile(), channel: 'sms', sender: 'a\u0000b' })],
    ['POST', START, () => ({ to: freshMobile(), channel: 'sms', service: 'svc_\u0000' })],
    ['POST', START, () => ({ to: freshMobile(), channel: 'sms', template: 'tpl_\u0000' })],
    ['GET', '/v1/sandbox/messages?to=%00', () => undefined],
  ])('a NUL character in a text field (%s %s) never answers 5xx', async (method, url, body) => {
    const r = await json(method, url, body());
    expect(r.status, JSON.stringify(r.body)).toBeLessThan(500);
    if (r.status >= 400) expect(String(r.headers['content-type'])).toMatch(PROBLEM_TYPE);
  });

  // ajv coerces numeric strings, and "Infinity" or "1e309" become Infinity: the range must still hold.
  it.each([
    ['the sandbox limit Infinity', 'GET', '/v1/sandbox/messages?limit=Infinity', undefined, '/limit'],
    ['the sandbox limit 1e309', 'GET', '/v1/sandbox/messages?limit=1e309', undefined, '/limit'],
    ['the sandbox limit -Infinity', 'GET', '/v1/sandbox/messages?limit=-Infinity', undefined, '/limit'],
    ['a start code_length of "Infinity"', 'POST', START, { to: '+5511987654321', channel: 'sms', code_length: 'Infinity' }, '/code_length'],
    ['a service ttl_s of "Infinity"', 'POST', '/v1/services', { name: 'inf', ttl_s: 'Infinity' }, '/ttl_s'],
    ['a service max_attempts of "-Infinity"', 'POST', '/v1/services', { name: 'inf', max_attempts: '-Infinity' }, '/max_attempts'],
    ['an account balance of "1e309"', 'POST', '/v1/accounts', { name: 'inf', balance: '1e309' }, '/balance'],
    ['a credit of "Infinity"', 'POST', '/v1/accounts/:tenant/credit', { amount: 'Infinity' }, '/amount'],
    ['a credit of "-Infinity"', 'POST', '/v1/accounts/:tenant/credit', { amount: '-Infinity' }, '/amount'],
    ['a price of "Infinity"', 'PUT', '/v1/accounts/:tenant/prices', { prices: [{ channel: 'sms', prefix: '', price: 'Infinity' }] }, '/prices/0/price'],
  ])('%s answers 400 VALIDATION_FAILED and changes nothing', async (_what, method, route, body, path) => {
    const url = route.replace(':tenant', tenant.accountId);
    const account = async () => (await json('GET', '/v1/balance', undefined, tenant.key)).body;
    const before = await account();
    const r = await withoutStart(() => json(method, url, body));
    expectProblem(r, 400, 'VALIDATION_FAILED');
    expect(JSON.stringify(r.body), 'the problem names the member').toContain(path.split('/').pop());
    expect(await account()).toEqual(before);
  });

  it('a service with an infinite setting is refused and does not break GET /v1/services', async () => {
    const r = await json('POST', '/v1/services', { name: 'poison', max_attempts: '1e309' });
    expectProblem(r, 400, 'VALIDATION_FAILED');
    const list = await json('GET', '/v1/services');
    expect(list.status, JSON.stringify(list.body)).toBe(200);
    expect(list.body.services.map((s: { name: string }) => s.name)).not.toContain('poison');
  });

  // ---- leaks --------------------------------------------------------------------------------

  it('no response body contained an API secret or a verification code', async () => {
    expect(seen.length).toBeGreaterThan(50);
    const codes = (await t.verity.database.db.selectFrom('sandbox_messages').select('code').execute()).map((m) => m.code);
    expect(codes.length).toBeGreaterThan(0);
    for (const r of seen) {
      expect(r.body, `${r.route} answered ${r.status} with a secret`).not.toContain(t.operator.secret);
      expect(r.body).not.toContain(tenant.key.secret);
      for (const code of codes) {
        // Delimited by non-digits: a code may appear by chance inside a phone number's digits.
        expect(r.body, `${r.route} answered ${r.status} with a code`).not.toMatch(new RegExp(`(?<![0-9])${code}(?![0-9])`));
      }
    }
  });
});
