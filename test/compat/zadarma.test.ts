/**
 * Zadarma clients move over by changing the base URL: the published npm client `zadarma`
 * (gravitymir 1.1.2) runs unchanged against a Verity server on loopback, the official TypeScript
 * SDK's signing (ported below, since the package is not installable here) is accepted, and PHP
 * SDK style multipart uploads work. call_button results reach a real HTTP listener as Zadarma's
 * NOTIFY_END with a valid Signature.
 */
import { createHash, createHmac } from 'node:crypto';
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeOnBackends, lastCode, startTestApp, type TestApp } from '../helpers/test-app.js';
import { checkNotifyUrl } from '../../src/compat/zadarma/index.js';
import { notification, zadarmaTime } from '../../src/compat/zadarma/notify-payload.js';
import { newId } from '../../src/lib/ids.js';
import { fromRequestId, toRequestId } from '../../src/compat/zadarma/request-id.js';
import { buildParamsStr, signatureMatches, zadarmaSignature } from '../../src/compat/zadarma/signature.js';
import { silentWav as wav } from '../helpers/audio.js';
import { listenRaw, type RawRequest } from '../helpers/raw-http-listener.js';

interface ApiCall {
  baseURL?: string;
  api_method: string;
  params?: Record<string, string>;
  http_method?: 'GET' | 'POST' | 'PUT' | 'DELETE';
  api_user_key?: string;
  api_secret_key?: string;
}
// The published client, as its README imports it.
const { api } = createRequire(import.meta.url)('zadarma') as { api: (o: ApiCall) => Promise<Record<string, unknown>> };

const MOBILE = '+5511987654321';
const FIXED = '+551133334444';
const DOC_SECRET = 'secret_code_from_user_panel';
const enc = encodeURIComponent;

/** base64 of the hex HMAC-SHA1, as Zadarma's PHP examples and docs compute it. */
const hexB64 = (secret: string, text: string) => Buffer.from(createHmac('sha1', secret).update(text).digest('hex')).toString('base64');

/**
 * The official TypeScript SDK's `Client.call` (zadarma-api 1.0.4, src/Client.ts), ported: it adds
 * format=json, signs the sorted non-object params encoded by URLSearchParams (which leaves `*`
 * bare where PHP writes %2A) and sends them unsorted.
 */
async function tsSdkCall(base: string, key: string, secret: string, method: string, params: Record<string, string>, type = 'POST') {
  params.format = 'json';
  const query = (p: Record<string, string>) => new URLSearchParams(p).toString().replace(/%20/g, '+');
  const sorted = Object.fromEntries(
    Object.keys(params)
      .sort()
      .map((k) => [k, params[k] as string]),
  );
  const paramsString = query(sorted);
  const md5 = createHash('md5').update(paramsString).digest('hex');
  const signature = hexB64(secret, method + paramsString + md5);
  const headers: Record<string, string> = { Authorization: `${key}:${signature}` };
  let url = `${base}${method}`;
  const init: RequestInit = { method: type, headers };
  if (type === 'GET') url = `${url}?${query(params)}`;
  else {
    init.body = query(params);
    headers['Content-Type'] = 'application/x-www-form-urlencoded';
  }
  const res = await fetch(url, init);
  return { status: res.status, headers: res.headers, body: (await res.json()) as Record<string, unknown> };
}

/** A sound upload as the PHP SDK sends a CURLFile: multipart, only `format` and `name` signed. */
async function phpUpload(base: string, key: string, secret: string, name: string, file: Buffer) {
  const method = '/v1/pbx/ivr/sounds/upload';
  const paramsStr = `format=json&name=${enc(name)}`;
  const signature = hexB64(secret, method + paramsStr + createHash('md5').update(paramsStr).digest('hex'));
  const form = new FormData();
  form.append('name', name);
  form.append('file', new Blob([file], { type: 'audio/wav' }), name);
  form.append('format', 'json');
  const res = await fetch(`${base}${method}`, { method: 'POST', headers: { Authorization: `${key}:${signature}` }, body: form });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

/**
 * The client's notification handler: echoes zd_echo as Zadarma's PHP example does, records every
 * request with its header names as sent (PHP's getallheaders() is case-sensitive on them).
 */
async function listener(): Promise<{ close: () => Promise<void>; url: string; heard: RawRequest[] }> {
  const raw = await listenRaw((req) => {
    const echo = new URL(req.url, 'http://x').searchParams.get('zd_echo');
    return { status: 200, body: req.url.startsWith('/mute') ? 'nope' : (echo ?? 'ok') };
  });
  return { close: raw.close, url: raw.url, heard: raw.requests };
}

async function until<T>(read: () => T | undefined, ms = 5000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = read();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('Zadarma signatures, request ids and notifications', () => {
  it('signs the three documented vectors exactly as the official clients', () => {
    expect(zadarmaSignature(DOC_SECRET, '/v1/verify/', 'channel=sms&format=json&to=%2B35193999999')).toBe('MzI3YzBmNTYxYWIxYWYyZWYwZmFlYmNkZGIyYWZiMjlmNDAzNmFhZQ==');
    expect(zadarmaSignature(DOC_SECRET, '/v1/verify/check', 'code=956305&format=json&request_id=N2QreWpjS25mR3EvOW8rdGNHdFF2aVE9')).toBe('MTQxZTI1ZDM4YmFhNmM0OTk2MWRlNmUzNDk4ZDZmNzg1ZmEyM2JmZA==');
    expect(zadarmaSignature(DOC_SECRET, '/v1/info/balance/', 'format=json')).toBe('ODgxNjAwOTlmZmY2ZjAyMzIxODQxNjdmNGM5OTU3ZmEyYjVjZWM0ZQ==');
  });

  it('builds the sorted RFC 1738 string PHP signs', () => {
    expect(
      buildParamsStr([
        ['to', '+35193999999'],
        ['format', 'json'],
        ['channel', 'sms'],
      ]),
    ).toBe('channel=sms&format=json&to=%2B35193999999');
    expect(buildParamsStr([['s', 'a b*~']])).toBe('s=a+b%2A%7E');
  });

  it('accepts each SDK’s own encoding from the raw pairs, and PHP’s as the fallback; refuses a wrong secret', () => {
    const path = '/v1/verify/';
    const fields = [
      ['channel', 'sms'],
      ['caller_id', 'Shop*1~'],
      ['format', 'json'],
    ] as const;
    // URLSearchParams (TS SDK) leaves * bare; gravitymir leaves ~ bare; both sent in wire order.
    const tsWire = ['channel=sms', 'caller_id=Shop*1%7E', 'format=json'];
    const gmWire = ['caller_id=Shop%2A1~', 'channel=sms', 'format=json'];
    const raw = (w: string[]) => w.map((text) => ({ key: text.split('=')[0] as string, text }));
    const sig = (s: string, w: string[]) => zadarmaSignature(s, path, [...w].sort().join('&'));
    expect(signatureMatches(DOC_SECRET, { path, raw: raw(tsWire), fields }, sig(DOC_SECRET, tsWire))).toBe(true);
    expect(signatureMatches(DOC_SECRET, { path, raw: raw(gmWire), fields }, sig(DOC_SECRET, gmWire))).toBe(true);
    const php = zadarmaSignature(DOC_SECRET, path, 'caller_id=Shop%2A1%7E&channel=sms&format=json');
    expect(signatureMatches(DOC_SECRET, { path, raw: undefined, fields }, php)).toBe(true);
    expect(signatureMatches('another_secret_000000', { path, raw: raw(tsWire), fields }, sig(DOC_SECRET, tsWire))).toBe(false);
    expect(signatureMatches(DOC_SECRET, { path: '/v1/verify', raw: raw(tsWire), fields }, sig(DOC_SECRET, tsWire))).toBe(false);
  });

  it('maps verification ids to 32-character request ids like Zadarma’s and back; anything else is unknown', () => {
    const id = 'ver_2bQx9Lm4zzzzzzzzzzzzzz';
    const rid = toRequestId(id);
    expect(rid).toMatch(/^[A-Za-z0-9+/]{32}$/);
    expect(Buffer.from(rid, 'base64').toString()).toMatch(/^[A-Za-z0-9+/]{22}[A-Za-z0-9+/]=$/);
    expect(fromRequestId(rid)).toBe(id);
    for (let i = 0; i < 50; i++) {
      const real = newId('ver');
      expect(fromRequestId(toRequestId(real))).toBe(real);
    }
    expect(fromRequestId('N2QreWpjS25mR3EvOW8rdGNHdFF2aVE9')).toBeUndefined();
    expect(fromRequestId('not-an-id')).toBeUndefined();
    expect(fromRequestId(rid.slice(0, 31))).toBeUndefined();
  });

  it('signs the seed’s NOTIFY_END sample as Zadarma does', () => {
    const start = Date.parse('2024-10-23T16:00:47Z');
    expect(zadarmaTime(start, 'UTC')).toBe('2024-10-23 16:00:47');
    expect(zadarmaTime(start, 'Europe/Kyiv')).toBe('2024-10-23 19:00:47');
    const n = notification(
      'NOTIFY_END',
      { verificationId: 'ver_x', to: '0999999999', from: undefined, startedAt: start, endedAt: start + 3000, dtmf: '1', disposition: 'answered', statusCode: 16 },
      DOC_SECRET,
      { timeZone: 'UTC', internal: '100' },
    );
    expect(n.signature).toBe('YmI4OGM3MWJhOGQ5MzllZTE0MTE0MGY0Y2YwOGE1MWU3MWNhZTg3Nw==');
    expect(Object.fromEntries(n.fields)).toMatchObject({
      event: 'NOTIFY_END',
      call_start: '2024-10-23 16:00:47',
      caller_id: '0999999999',
      called_did: '0',
      duration: '3',
      callback_dtmf: '1',
      disposition: 'answered',
      status_code: '16',
    });
    expect(n.body).toContain('call_start=2024-10-23+16%3A00%3A47');
  });
});

describeOnBackends('Zadarma compat API through the npm client', (backend) => {
  describe('every route', () => {
    let t: TestApp;
    let base: string;
    let key: string;
    let secret: string;
    let credId: string;
    let hook: Awaited<ReturnType<typeof listener>>;
    const call = (api_method: string, params: Record<string, string> = {}, http_method: ApiCall['http_method'] = 'POST', s = secret, k = key) =>
      api({ baseURL: base, api_method, params, http_method, api_user_key: k, api_secret_key: s });
    const issue = async (settings?: Record<string, string>) => {
      const c = await t.post('/v1/compat/credentials', { vendor: 'zadarma', ...(settings ? { settings } : {}) });
      expect(c.status).toBe(201);
      return c.body as { id: string; login: string; secret: string };
    };

    beforeAll(async () => {
      // The notify URL is a listener on loopback, which only WEBHOOK_ALLOW_PRIVATE lets Verity call.
      t = await startTestApp(backend, { env: { LIMIT_SEND_PER_DESTINATION: '0/600', LIMIT_GUESS_PER_DESTINATION: '0/600', WEBHOOK_ALLOW_PRIVATE: 'true' } });
      base = await t.app.listen({ host: '127.0.0.1', port: 0 });
      hook = await listener();
      ({ id: credId, login: key, secret } = await issue({ notify_url: `${hook.url}/zadarma` }));
      expect([key.length, secret.length]).toEqual([20, 20]);
    });
    afterAll(async () => {
      await t?.close();
      await hook?.close();
    });

    it('sms: start answers a request_id, the code from the inbox is correct once, then the id is gone', async () => {
      const started = await call('/v1/verify/', { channel: 'sms', to: MOBILE });
      expect(started).toEqual({ status: 'success', request_id: expect.stringMatching(/^[A-Za-z0-9+/]{32}$/) });
      await t.verity.worker.drain();
      const code = await lastCode(t, MOBILE);
      const request_id = started.request_id as string;
      expect(await call('/v1/verify/check', { request_id, code })).toEqual({ status: 'success', message: 'Code is correct' });
      expect(await call('/v1/verify/check', { request_id, code })).toEqual({ status: 'error', message: 'No such request id' });
    });

    it('sms: a wrong code is invalid, five of them use the request up', async () => {
      const { request_id } = (await call('/v1/verify/', { channel: 'sms', to: MOBILE, code: '482913', language: 'ru', caller_id: 'Teamsale' })) as { request_id: string };
      expect((await t.get(`/v1/sandbox/messages?to=${enc(MOBILE)}&limit=1`)).body.messages[0]).toMatchObject({ code: '482913' });
      for (let i = 0; i < 5; i++) expect(await call('/v1/verify/check', { request_id, code: '000000' })).toEqual({ status: 'error', message: 'Invalid verification code' });
      expect(await call('/v1/verify/check', { request_id, code: '482913' })).toEqual({ status: 'error', message: 'No such request id' });
    });

    it('sms: after ten minutes the request id is gone', async () => {
      const { request_id } = (await call('/v1/verify/', { channel: 'sms', to: MOBILE })) as { request_id: string };
      const code = await lastCode(t, MOBILE);
      t.clock.advance(10 * 60_000 + 1000);
      expect(await call('/v1/verify/check', { request_id, code })).toEqual({ status: 'error', message: 'No such request id' });
    });

    it('an unknown or malformed request_id is "No such request id"; missing params are named', async () => {
      expect(await call('/v1/verify/check', { request_id: toRequestId('ver_2bQx9Lm4zzzzzzzzzzzzzz'), code: '123456' })).toEqual({ status: 'error', message: 'No such request id' });
      expect(await call('/v1/verify/check', { request_id: 'N2QreWpjS25mR3EvOW8rdGNHdFF2aVE9', code: '123456' })).toEqual({ status: 'error', message: 'No such request id' });
      expect(await call('/v1/verify/check', { request_id: 'N2QreWpjS25mR3EvOW8rdGNHdFF2aVE9' })).toEqual({ status: 'error', message: '"code" param is required' });
      expect(await call('/v1/verify/', { channel: 'sms' })).toEqual({ status: 'error', message: '"to" param is required' });
      expect(await call('/v1/verify/', { to: MOBILE })).toEqual({ status: 'error', message: '"channel" param is required' });
      expect(await call('/v1/verify/', { channel: 'telegram', to: MOBILE })).toEqual({ status: 'error', message: 'Wrong channel' });
      expect(await call('/v1/verify/', { channel: 'sms', to: 'not a number' })).toEqual({ status: 'error', message: '"to" param is invalid' });
      expect(await call('/v1/verify/', { channel: 'sms', to: MOBILE, template_id: '7' })).toEqual({ status: 'error', message: 'Template not found' });
    });

    it('a wrong secret or no signature is HTTP 401 "Not authorized"', async () => {
      expect(await call('/v1/info/balance/', {}, 'GET', 'abcdefghij0123456789')).toEqual({ status: 'error', message: 'Not authorized' });
      expect(await call('/v1/info/balance/', {}, 'GET', secret, 'ffffffffffffffffffff')).toEqual({ status: 'error', message: 'Not authorized' });
      const bare = await fetch(`${base}/v1/info/balance/`);
      expect([bare.status, bare.headers.get('content-type'), await bare.json()]).toEqual([401, 'application/json; charset=utf-8', { status: 'error', message: 'Not authorized' }]);
      const wrong = await tsSdkCall(base, key, 'abcdefghij0123456789', '/v1/verify/', { channel: 'sms', to: MOBILE });
      expect([wrong.status, wrong.body]).toEqual([401, { status: 'error', message: 'Not authorized' }]);
    });

    it('balance: the account’s balance and currency', async () => {
      const own = (await t.get('/v1/balance')).body as { balance: number; currency: string };
      expect(await call('/v1/info/balance/', {}, 'GET')).toEqual({ status: 'success', balance: own.balance, currency: own.currency });
    });

    it('a key gets 100 requests a minute, then HTTP 429 with the envelope, then a new minute', async () => {
      const c = await issue();
      for (let i = 0; i < 100; i++) expect((await call('/v1/info/balance/', {}, 'GET', c.secret, c.login)).status).toBe('success');
      expect(await call('/v1/info/balance/', {}, 'GET', c.secret, c.login)).toEqual({ status: 'error', message: 'Rate limit exceeded' });
      const r = await tsSdkCall(base, c.login, c.secret, '/v1/info/balance/', {}, 'GET');
      expect([r.status, r.headers.get('x-ratelimit-limit'), r.headers.get('x-ratelimit-remaining'), r.body]).toEqual([429, '100', '0', { status: 'error', message: 'Rate limit exceeded' }]);
      expect(Number(r.headers.get('retry-after'))).toBeGreaterThan(0);
      t.clock.advance(60_000);
      expect((await call('/v1/info/balance/', {}, 'GET', c.secret, c.login)).status).toBe('success');
    });

    it('the official TypeScript SDK’s signing (URLSearchParams, * bare) starts and checks an email verification', async () => {
      const to = 'user@example.com';
      const started = await tsSdkCall(base, key, secret, '/v1/verify/', { channel: 'email', to, email_subject: 'Your *code*', email_body: 'Code: {#code#} ~ thanks' });
      expect([started.status, started.headers.get('content-type'), started.body]).toEqual([200, 'application/json; charset=utf-8', { status: 'success', request_id: expect.any(String) }]);
      await t.verity.worker.drain();
      const code = await lastCode(t, to);
      // The email is the one the request wrote: its subject, and its body with the code in place of {#code#}.
      const inbox = (await t.get(`/v1/sandbox/messages?to=${encodeURIComponent(to)}&limit=1`)).body.messages[0] as { subject: string; text: string };
      expect([inbox.subject, inbox.text]).toEqual(['Your *code*', `Code: ${code} ~ thanks`]);
      const checked = await tsSdkCall(base, key, secret, '/v1/verify/check', { request_id: started.body.request_id as string, code });
      expect(checked.body).toEqual({ status: 'success', message: 'Code is correct' });
      const noPlaceholder = await tsSdkCall(base, key, secret, '/v1/verify/', { channel: 'email', to, email_body: 'no code here' });
      expect(noPlaceholder.body).toEqual({ status: 'error', message: '"email_body" param is invalid' });
    });

    it('call_code: the phone hears the code read out in the asked language, and the code checks', async () => {
      const { request_id } = (await call('/v1/verify/', { channel: 'call_code', to: FIXED, language: 'es', from: '+442037691881' })) as { request_id: string };
      const phone = (await t.get(`/v1/sandbox/phones/${enc(FIXED)}`)).body as { calls: Array<{ id: string; status: string }> };
      const ringing = phone.calls.find((c) => c.status === 'ringing');
      const answered = await t.post(`/v1/sandbox/phones/${enc(FIXED)}/calls/${ringing?.id}/answer`);
      const code = await lastCode(t, FIXED);
      expect(answered.body.heard[0]).toMatchObject({ say: expect.stringContaining([...code].join(', ')), locale: 'es' });
      expect(await call('/v1/verify/check', { request_id, code })).toEqual({ status: 'success', message: 'Code is correct' });
    });

    describe('call_button and its sounds', () => {
      const sounds: Record<string, string> = {};

      beforeAll(async () => {
        for (const name of ['greeting.wav', 'thanks.wav', 'sorry.wav']) expect((await phpUpload(base, key, secret, name, wav(300))).body).toEqual({ status: 'success' });
        const list = await call('/v1/pbx/ivr/sounds/list', {}, 'GET');
        expect(list).toMatchObject({ status: 'success', pbx_id: expect.any(Number) });
        for (const s of list.sounds as Array<{ id: string; name: string }>) sounds[s.name] = s.id;
        expect(Object.keys(sounds).sort()).toEqual(['greeting.wav', 'sorry.wav', 'thanks.wav']);
      });

      const press = async (digits: string) => {
        const before = hook.heard.length;
        const started = await call('/v1/verify/', {
          channel: 'call_button',
          to: MOBILE,
          greeting_sound_id: sounds['greeting.wav']!,
          button_1_sound_id: sounds['thanks.wav']!,
          fallback_sound_id: sounds['sorry.wav']!,
        });
        expect(started).toEqual({ status: 'success' });
        const phone = (await t.get(`/v1/sandbox/phones/${enc(MOBILE)}`)).body as { calls: Array<{ id: string; status: string; channel: string }> };
        const ringing = phone.calls.find((c) => c.status === 'ringing' && c.channel === 'ivr');
        if (digits === 'decline') {
          await t.post(`/v1/sandbox/phones/${enc(MOBILE)}/calls/${ringing?.id}/hangup`);
          return { heard: [], post: await until(() => hook.heard.slice(before).find((h) => h.method === 'POST')) };
        }
        const answered = await t.post(`/v1/sandbox/phones/${enc(MOBILE)}/calls/${ringing?.id}/answer`);
        expect(answered.body.heard[0].gather.prompt[0].play).toContain(`/v1/sounds/${sounds['greeting.wav']}/audio`);
        const pressed = await t.post(`/v1/sandbox/phones/${enc(MOBILE)}/calls/${ringing?.id}/keys`, { digits });
        const post = await until(() => hook.heard.slice(before).find((h) => h.method === 'POST'));
        return { heard: pressed.body.heard as Array<{ play?: string }>, post, seen: hook.heard.slice(before) };
      };

      it('pressing 1 plays button_1 and POSTs NOTIFY_END, signed, to the notify URL after its zd_echo check', async () => {
        const { heard, post, seen = [] } = await press('1');
        expect(heard[0]?.play).toContain(`/v1/sounds/${sounds['thanks.wav']}/audio`);
        // The notifier's own check, before its first POST (the one made when the URL was saved came earlier).
        const echo = seen.find((h) => h.method === 'GET');
        expect(echo?.url).toMatch(/^\/zadarma\?zd_echo=[0-9a-f]+$/);
        expect(seen.indexOf(echo!)).toBeLessThan(seen.indexOf(post));
        expect(post.url).toBe('/zadarma');
        expect(post.headers['content-type']).toBe('application/x-www-form-urlencoded');
        const f = Object.fromEntries(new URLSearchParams(post.body));
        expect(f).toEqual({
          event: 'NOTIFY_END',
          call_start: expect.stringMatching(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/),
          pbx_call_id: expect.stringMatching(/^out_[0-9a-f]{40}$/),
          caller_id: MOBILE.slice(1),
          called_did: '0',
          internal: '100',
          last_internal: '100',
          duration: expect.stringMatching(/^\d+$/),
          status_code: '16',
          is_recorded: '0',
          calltype: 'callback_leg1',
          callback_dtmf: '1',
          disposition: 'answered',
        });
        expect(post.headers.signature).toBe(hexB64(secret, `${f.caller_id}${f.called_did}${f.call_start}`));
        // Spelled as Zadarma sends them: the PHP SDK reads getallheaders()['Signature'], case-sensitive.
        expect(post.names).toEqual(expect.arrayContaining(['Signature', 'Content-Type']));
        expect(post.names).not.toContain('signature');
        expect(post.head).toMatch(/^Signature: [A-Za-z0-9+/]+=*$/m);
      });

      it('a declined call is NOTIFY_END with disposition cancel and no key', async () => {
        const { post } = await press('decline');
        expect(Object.fromEntries(new URLSearchParams(post.body))).toMatchObject({ event: 'NOTIFY_END', caller_id: MOBILE.slice(1), callback_dtmf: '', disposition: 'cancel', duration: '0' });
      });

      it('another key plays the fallback and the notification has no callback_dtmf 1; NOTIFY_OUT_END on request', async () => {
        const { heard, post } = await press('2');
        expect(heard[0]?.play).toContain(`/v1/sounds/${sounds['sorry.wav']}/audio`);
        expect(Object.fromEntries(new URLSearchParams(post.body))).toMatchObject({ event: 'NOTIFY_END', callback_dtmf: '', disposition: 'answered' });
        expect(
          (
            await t.app.inject({
              method: 'PATCH',
              url: `/v1/compat/credentials/${credId}`,
              headers: { authorization: t.auth() },
              payload: { settings: { notify_url: `${hook.url}/zadarma`, notify_event: 'NOTIFY_OUT_END' } },
            })
          ).statusCode,
        ).toBe(204);
        const out = (await press('1')).post;
        const f = Object.fromEntries(new URLSearchParams(out.body));
        expect(f).toMatchObject({ event: 'NOTIFY_OUT_END', destination: MOBILE.slice(1), internal: '100', callback_dtmf: '1', disposition: 'answered' });
        expect(out.headers.signature).toBe(hexB64(secret, `${f.internal}${f.destination}${f.call_start}`));
        expect(out.head).toMatch(/^Signature: /m);
      });

      it('an unknown sound id or a missing one is refused before anything rings', async () => {
        expect(
          await call('/v1/verify/', {
            channel: 'call_button',
            to: MOBILE,
            greeting_sound_id: 'snd_0000000000000000000',
            button_1_sound_id: sounds['thanks.wav']!,
            fallback_sound_id: sounds['sorry.wav']!,
          }),
        ).toEqual({ status: 'error', message: 'Sound not found' });
        expect(await call('/v1/verify/', { channel: 'call_button', to: MOBILE, greeting_sound_id: '657c2c822fb364c1d201f685', button_1_sound_id: 'x', fallback_sound_id: 'y' })).toEqual({
          status: 'error',
          message: 'Sound not found',
        });
        expect(await call('/v1/verify/', { channel: 'call_button', to: MOBILE, greeting_sound_id: sounds['greeting.wav']! })).toEqual({
          status: 'error',
          message: '"button_1_sound_id" param is required',
        });
      });

      it('a file that is not audio is refused; delete removes a sound once', async () => {
        expect((await phpUpload(base, key, secret, 'notes.wav', Buffer.from('not audio at all'))).body).toEqual({ status: 'error', message: expect.stringMatching(/^Wrong file format/) });
        expect(await call('/v1/pbx/ivr/sounds/delete', { id: sounds['sorry.wav']! }, 'DELETE')).toEqual({ status: 'success' });
        expect(await call('/v1/pbx/ivr/sounds/delete', { id: sounds['sorry.wav']! }, 'DELETE')).toEqual({ status: 'error', message: 'Sound not found' });
        const names = ((await call('/v1/pbx/ivr/sounds/list', {}, 'GET')).sounds as Array<{ name: string }>).map((s) => s.name);
        expect(names.sort()).toEqual(['greeting.wav', 'thanks.wav']);
      });
    });

    it('the zd_echo check passes only a URL that echoes the value back', async () => {
      expect(await checkNotifyUrl(`${hook.url}/zadarma`, 5000, true)).toEqual({ ok: true });
      expect(await checkNotifyUrl(`${hook.url}/mute`, 5000, true)).toEqual({ ok: false, problem: 'notify_url did not echo zd_echo back' });
      // Without WEBHOOK_ALLOW_PRIVATE an account's URL may not reach this server's own network.
      expect(await checkNotifyUrl(`${hook.url}/zadarma`)).toEqual({ ok: false, problem: 'notify_url must resolve to a public address' });
      expect((await checkNotifyUrl('ftp://example.com/')).ok).toBe(false);
    });

    it('a wrong method or an unreadable body answers in Zadarma’s envelope', async () => {
      const put = await fetch(`${base}/v1/verify/`, { method: 'PUT' });
      expect([put.status, await put.json()]).toEqual([404, { status: 'error', message: 'Wrong request method' }]);
      const bad = await fetch(`${base}/v1/pbx/ivr/sounds/upload`, { method: 'POST', headers: { 'content-type': 'multipart/form-data; boundary=xyz', authorization: `${key}:x` }, body: 'garbage' });
      expect([bad.status, await bad.json()]).toEqual([400, { status: 'error', message: 'Bad request' }]);
    });
  });
});
