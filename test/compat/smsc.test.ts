/**
 * SMSC clients move over by changing the host: the published npm client `node-smsc` asks
 * `/sys/wait_call.php` for the number to call, the virtual phone calls it, and the handler
 * URL (a real listener on loopback) receives SMSC's signed callback. Raw GET and POST requests
 * pin the four `fmt` bodies byte for byte.
 */
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callbackRequest } from '../../src/compat/smsc/callback-request.js';
import { SmscCallbackSender } from '../../src/compat/smsc/callback-sender.js';
import { DEFAULT_SMSC_SETTINGS } from '../../src/compat/smsc/settings.js';
import { listenRaw, type RawRequest } from '../helpers/raw-http-listener.js';
import { SQLITE, startTestApp, type TestApp } from '../helpers/test-app.js';

// The handler listens on loopback, which the SSRF guard refuses by default. The app passes
// its settings from config (WEBHOOK_ALLOW_PRIVATE, set below); until it does, this default.
const require = createRequire(import.meta.url);
const initSmsc = require('node-smsc') as (o: Record<string, unknown>) => { wait_call(q: Record<string, unknown>): PromiseLike<unknown> };

const POOL = '+5511955550000';
const POOL_DIGITS = '5511955550000';
const SUBSCRIBER = '+5511987654321';
const HOOK_SECRET = 'hook-secret';
const md5 = (s: string) => createHash('md5').update(s).digest('hex');
const sha1 = (s: string) => createHash('sha1').update(s).digest('hex');

/**
 * The client's handler: records what SMSC posts, header names as sent, and answers the queued
 * statuses (then 200).
 */
async function handler(): Promise<{ close: () => Promise<void>; base: string; hits: RawRequest[]; replies: number[] }> {
  const replies: number[] = [];
  const raw = await listenRaw(() => ({ status: replies.shift() ?? 200, body: 'OK' }));
  return { close: raw.close, base: raw.url, hits: raw.requests, replies };
}

async function waitFor<T>(what: () => T | undefined, ms = 8000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const v = what();
    if (v !== undefined) return v;
    if (Date.now() > until) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** node-smsc pointed at Verity, with wait_call added as SMSC's own methods are written. */
function nodeSmsc(base: string, auth: Record<string, unknown>) {
  return initSmsc({
    ...auth,
    request: `${base}/sys/`,
    apiCalls: {
      wait_call: (apiCall: (q: unknown, o: unknown, cb: unknown) => unknown) => (q: Record<string, unknown>, o: Record<string, unknown> | undefined, cb: unknown) => {
        q.fmt = 3;
        (o = o || {}).path = 'wait_call.php';
        return apiCall(q, o, cb);
      },
    },
  });
}

const rejection = async (p: PromiseLike<unknown>) => {
  try {
    await p;
  } catch (err) {
    return err as { name: string; response?: unknown };
  }
  throw new Error('expected a rejection');
};

describe('SMSC wait_call compat API', () => {
  let t: TestApp;
  let base: string;
  let login: string;
  let password: string;
  let credentialId: string;
  let hook: Awaited<ReturnType<typeof handler>>;

  const setHandler = async (url: string) => {
    const r = await t.app.inject({
      method: 'PATCH',
      url: `/v1/compat/credentials/${credentialId}`,
      headers: { authorization: t.auth(), 'content-type': 'application/json' },
      payload: JSON.stringify({ settings: { callback_url: url } }),
    });
    expect(r.statusCode).toBe(204);
  };
  const dial = async (from: string, to: string) => expect((await t.post(`/v1/sandbox/phones/${encodeURIComponent(from)}/dial`, { to })).status).toBe(200);
  const get = (query: string) => fetch(`${base}/sys/wait_call.php?${query}`);
  const auth = () => `login=${login}&psw=${password}`;

  beforeAll(async () => {
    // Verity's own limits as configured by default: a reverse call sends nothing, so the destination
    // send limit leaves it alone and only SMSC's duplicate limit answers error 9.
    t = await startTestApp(SQLITE, { env: { WEBHOOK_ALLOW_PRIVATE: 'true' } });
    base = await t.app.listen({ host: '127.0.0.1', port: 0 });
    expect((await t.post('/v1/numbers', { number: POOL, purpose: 'reverse_call' })).status).toBe(201);
    const c = await t.post('/v1/compat/credentials', { vendor: 'smsc', login: 'shop.example' });
    expect(c.status).toBe(201);
    ({ id: credentialId, login, secret: password } = c.body as { id: string; login: string; secret: string });
    hook = await handler();
    await setHandler(`${hook.base}/smsc/handler?sha1=${HOOK_SECRET}`);
  });
  afterAll(async () => {
    await t?.close();
    await hook?.close();
  });

  it('node-smsc gets the number to call; calling it approves the verification and the handler gets a signed callback', async () => {
    const smsc = nodeSmsc(base, { login, password });
    expect(await smsc.wait_call({ phone: SUBSCRIBER })).toEqual({ phone: POOL_DIGITS });
    expect(hook.hits).toHaveLength(0);
    await dial(SUBSCRIBER, `+${POOL_DIGITS}`);
    const hit = await waitFor(() => hook.hits[0]);
    expect([hit.method, hit.url, hit.headers['content-type']]).toEqual(['POST', '/smsc/handler', 'application/x-www-form-urlencoded; charset=windows-1251']);
    // Header names as HTTP writes them, which a PHP handler reading getallheaders() looks up verbatim.
    expect(hit.names).toEqual(expect.arrayContaining(['Content-Type', 'User-Agent']));
    expect(hit.head).toMatch(/^Content-Type: application\/x-www-form-urlencoded; charset=windows-1251$/m);
    expect(hit.head).toMatch(/^User-Agent: Verity-SMSC$/m);
    const fields = Object.fromEntries(new URLSearchParams(hit.body));
    expect(fields).toEqual({
      id: expect.stringMatching(/^ver_/),
      phone: '5511987654321',
      mes: 'call',
      to: POOL_DIGITS,
      sent: '01.01.2026 03:00:00',
      ts: '1767225600',
      sha1: sha1(`5511987654321:call:${POOL_DIGITS}:${HOOK_SECRET}`),
    });
    const v = await t.get(`/v1/verifications/${fields.id}`);
    expect(v.body).toMatchObject({ status: 'approved', channel: 'reverse_call', to: SUBSCRIBER, metadata: { compat: 'smsc', login } });
  });

  it('the handler URL’s fmt=3 and md5 guard give a JSON body, and a failing handler is tried again', async () => {
    hook.hits.length = 0;
    await setHandler(`${hook.base}/smsc/handler?fmt=3&md5=another&charset=utf-8`);
    hook.replies.push(500);
    try {
      const r = await get(`${auth()}&phone=${encodeURIComponent(SUBSCRIBER)}&fmt=3`);
      expect(await r.text()).toBe(`{"phone": "${POOL_DIGITS}"}`);
      await dial(SUBSCRIBER, POOL);
      const [first, second] = await waitFor(() => (hook.hits.length >= 2 ? hook.hits : undefined));
      expect(second).toEqual({ ...first, headers: expect.anything() });
      expect([second?.url, second?.headers['content-type']]).toEqual(['/smsc/handler?fmt=3&charset=utf-8', 'application/json; charset=utf-8']);
      const body = JSON.parse(second?.body ?? '') as Record<string, string>;
      expect(body).toMatchObject({ phone: '5511987654321', mes: 'call', to: POOL_DIGITS, md5: md5(`5511987654321:call:${POOL_DIGITS}:another`) });
      expect(hook.hits).toHaveLength(2);
    } finally {
      await setHandler(`${hook.base}/smsc/handler?sha1=${HOOK_SECRET}`);
    }
  });

  it('node-smsc hears error 2 for bad credentials', async () => {
    for (const creds of [
      { login, password: 'wrong-password' },
      { login: 'nobody-here', password },
      { login, psw: password.toUpperCase(), hashed: true },
    ]) {
      const err = await rejection(nodeSmsc(base, creds).wait_call({ phone: '+5511933330000' }));
      expect([err.name, err.response]).toEqual(['SmscApiError', { error: 'authorise error', error_code: 2 }]);
    }
  });

  it('node-smsc hears error 1 for bad parameters, and for a country no pool number serves', async () => {
    const smsc = nodeSmsc(base, { login, password });
    for (const q of [{ phone: 'not-a-number' }, {}, { phone: '+5511900000001,+5511900000002' }, { phone: '+4915123456789' }]) {
      const err = await rejection(smsc.wait_call(q));
      expect([err.name, err.response]).toEqual(['SmscApiError', { error: 'parameters error', error_code: 1 }]);
    }
  });

  it('after 50 identical requests within a minute, node-smsc hears error 9 until the minute has passed', async () => {
    const smsc = nodeSmsc(base, { login, password });
    for (let i = 0; i < 50; i++) expect(await smsc.wait_call({ phone: '+5511922220000' })).toEqual({ phone: POOL_DIGITS });
    const err = await rejection(smsc.wait_call({ phone: '+5511922220000' }));
    expect([err.name, err.response]).toEqual(['SmscApiError', { error: 'duplicate request, wait a minute', error_code: 9 }]);
    expect(await smsc.wait_call({ phone: '+5511922221111' })).toEqual({ phone: POOL_DIGITS });
    t.clock.advance(61_000);
    expect(await smsc.wait_call({ phone: '+5511922220000' })).toEqual({ phone: POOL_DIGITS });
  });

  it('answers fmt 0, 1, 2 and 3 byte for byte over GET and POST, in the requested charset', async () => {
    const phone = 'phone=%2B55%2011%2094444-0000';
    const cases: Array<[string, string, string]> = [
      ['', POOL_DIGITS, 'text/plain; charset=windows-1251'],
      ['&fmt=1', POOL_DIGITS, 'text/plain; charset=windows-1251'],
      ['&fmt=2', `<result>\n<phone>${POOL_DIGITS}</phone>\n</result>`, 'text/xml; charset=windows-1251'],
      ['&fmt=3&charset=utf-8', `{"phone": "${POOL_DIGITS}"}`, 'application/json; charset=utf-8'],
      ['&fmt=0&charset=koi8-r', POOL_DIGITS, 'text/plain; charset=koi8-r'],
    ];
    for (const [extra, body, type] of cases) {
      const g = await get(`${auth()}&${phone}${extra}`);
      expect([g.status, g.headers.get('content-type'), await g.text()]).toEqual([200, type, body]);
      const p = await fetch(`${base}/sys/wait_call.php`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `${auth()}&${phone}${extra}` });
      expect([p.status, p.headers.get('content-type'), await p.text()]).toEqual([200, type, body]);
    }
  });

  it('answers errors 1 and 2 in each fmt byte for byte, with HTTP 200', async () => {
    const errors: Array<[string, string[]]> = [
      [
        `login=${login}&psw=nope&phone=5511944440000`,
        ['ERROR = 2 (authorise error)', '0,-2', '<result>\n<error>authorise error</error>\n<error_code>2</error_code>\n</result>', '{"error": "authorise error", "error_code": 2}'],
      ],
      [
        `${auth()}&phone=12`,
        ['ERROR = 1 (parameters error)', '0,-1', '<result>\n<error>parameters error</error>\n<error_code>1</error_code>\n</result>', '{"error": "parameters error", "error_code": 1}'],
      ],
    ];
    for (const [query, bodies] of errors) {
      for (const [fmt, body] of bodies.entries()) {
        const r = await get(`${query}&fmt=${fmt}`);
        expect([r.status, await r.text()]).toEqual([200, body]);
        const p = await fetch(`${base}/sys/wait_call.php?fmt=${fmt}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: query });
        expect([p.status, await p.text()]).toEqual([200, body]);
      }
    }
  });

  it('accepts the password plain or as its MD5 in either case, and the apikey with or without the login', async () => {
    for (const psw of [password, md5(password), md5(password).toUpperCase()]) {
      expect(await (await get(`login=${login}&psw=${psw}&phone=5511955551234`)).text()).toBe(POOL_DIGITS);
    }
    expect(await (await get(`login=${login}&apikey=${password}&phone=5511955551234&fmt=1`)).text()).toBe(POOL_DIGITS);
    expect(await (await get(`login=${login}&apikey=${md5(password)}&phone=5511955551234&fmt=1`)).text()).toBe('0,-2');
    expect(await (await get(`apikey=${password}&phone=5511955551234&fmt=1`)).text()).toBe(POOL_DIGITS);
  });

  it('answers whatever else arrives in SMSC’s format, never Verity’s', async () => {
    const big = await fetch(`${base}/sys/wait_call.php?fmt=3`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `phone=${'1'.repeat(20_000)}` });
    expect([big.status, await big.text()]).toEqual([200, '{"error": "parameters error", "error_code": 1}']);
    const json = await fetch(`${base}/sys/wait_call.php?fmt=1`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"login": ' });
    expect([json.status, await json.text()]).toEqual([200, '0,-2']);
    const posted = await fetch(`${base}/sys/wait_call.php`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ login, psw: password, phone: '5511955554321', fmt: 2 }),
    });
    expect(await posted.text()).toBe(`<result>\n<phone>${POOL_DIGITS}</phone>\n</result>`);
    const put = await fetch(`${base}/sys/wait_call.php?fmt=0`, { method: 'PUT', body: 'x' });
    expect([put.status, await put.text()]).toEqual([200, 'ERROR = 1 (parameters error)']);
    const odd = await get('fmt=3&login=%ZZ&psw=x&phone=%E9');
    expect([odd.status, await odd.text()]).toEqual([200, '{"error": "authorise error", "error_code": 2}']);
    const nul = await fetch(`${base}/sys/wait_call.php?fmt=1`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `login=${login}%00&psw=${password}&phone=5511955554321`,
    });
    expect([nul.status, await nul.text()]).toEqual([200, '0,-2']);
    const nulUrl = await get(`fmt=1&login=${login}&psw=${password}%00&phone=5511955554321`);
    expect([nulUrl.status, await nulUrl.text()]).toEqual([200, '0,-1']);
  });
});

describe('SMSC wait_call limits from Verity', () => {
  it('answers 10 wait_call requests for one number in a row: nothing is sent to it, so no destination send limit applies', async () => {
    const t = await startTestApp(SQLITE);
    try {
      expect((await t.post('/v1/numbers', { number: POOL, purpose: 'reverse_call' })).status).toBe(201);
      const c = (await t.post('/v1/compat/credentials', { vendor: 'smsc' })).body as { login: string; secret: string };
      const ask = async (phone: string) => (await t.app.inject({ method: 'GET', url: `/sys/wait_call.php?login=${c.login}&psw=${c.secret}&phone=${phone}&fmt=1` })).body;
      const answers = [];
      for (let i = 0; i < 10; i++) answers.push(await ask('5511966660003'));
      expect(answers).toEqual(Array.from({ length: 10 }, () => POOL_DIGITS));
    } finally {
      await t.close();
    }
  });

  it('answers error 4 once the address has started too many verifications', async () => {
    const t = await startTestApp(SQLITE, { env: { LIMIT_START_PER_IP: '1/60' } });
    try {
      expect((await t.post('/v1/numbers', { number: POOL, purpose: 'reverse_call' })).status).toBe(201);
      const c = (await t.post('/v1/compat/credentials', { vendor: 'smsc' })).body as { login: string; secret: string };
      const ask = async (phone: string) => (await t.app.inject({ method: 'GET', url: `/sys/wait_call.php?login=${c.login}&psw=${c.secret}&phone=${phone}&fmt=3` })).body;
      expect(await ask('5511966660001')).toBe(`{"phone": "${POOL_DIGITS}"}`);
      expect(await ask('5511966660002')).toBe('{"error": "IP is blocked", "error_code": 4}');
    } finally {
      await t.close();
    }
  });
});

describe('SMSC handler callback', () => {
  const settings = { ...DEFAULT_SMSC_SETTINGS, allowPrivate: false, callbackBackoffMs: 10 };

  it('signs as SMSC clients check it (the smscru gem’s vector) and writes crc32 and XML as configured', () => {
    const facts = { id: 'ver_1', phone: '123', to: '234', at: Date.parse('2026-03-04T05:06:07Z') };
    const r = callbackRequest('https://shop.example/h?sha1=zxc', facts, { ...settings, callbackMessage: 'text' });
    expect(r?.url).toBe('https://shop.example/h');
    expect(new URLSearchParams(r?.body).get('sha1')).toBe('b6f768ce7614d7858cc4a6116f8ffd0dc236a3cd');
    expect(new URLSearchParams(r?.body).get('sent')).toBe('04.03.2026 08:06:07');
    const crc = callbackRequest('https://shop.example/h?crc32=zxc&x=1', facts, { ...settings, callbackMessage: 'text' });
    expect([crc?.url, new URLSearchParams(crc?.body).get('crc32')]).toEqual(['https://shop.example/h?x=1', '2071336081']);
    const hex = callbackRequest('https://shop.example/h?crc32=zxc&fmt=2', facts, { ...settings, callbackMessage: 'text', crc32Format: 'hex' });
    expect(hex?.body).toBe('<result>\n<id>ver_1</id>\n<phone>123</phone>\n<mes>text</mes>\n<to>234</to>\n<sent>04.03.2026 08:06:07</sent>\n<ts>1772600767</ts>\n<crc32>7b761491</crc32>\n</result>');
    expect(callbackRequest('ftp://shop.example/h', facts, settings)).toBeUndefined();
  });

  it('does not call a handler on a private address unless allowed', async () => {
    const hook = await handler();
    const warnings: Array<Record<string, unknown>> = [];
    const cred = { id: 'vcr_1', accountId: 'acc_1', vendor: 'smsc' as const, login: 'shop', secret: 's', settings: { callback_url: `${hook.base}/h` }, createdAt: 0 };
    const sender = new SmscCallbackSender(
      { credentials: { find: async () => cred }, clock: { now: () => 0 }, log: { warn: (o: object) => void warnings.push(o as Record<string, unknown>) } as never },
      settings,
    );
    try {
      sender.handle({ type: 'verification.approved', accountId: 'acc_1', serviceId: null, data: { id: 'ver_1', to: SUBSCRIBER, metadata: { compat: 'smsc', login: 'shop' } } });
      const w = await waitFor(() => warnings[0]);
      expect(w).toMatchObject({ error: 'ADDRESS_NOT_ALLOWED', attempt: 1 });
      expect(hook.hits).toHaveLength(0);
    } finally {
      await sender.close();
      await hook.close();
    }
  });
});
