/**
 * The Vonage voice adapter against a loopback fake of the Voice API that checks Vonage's
 * documented wire format, including the RS256 JWT (verified with the public half of a key pair
 * made here); webhooks are signed here the way Vonage documents signed webhooks.
 */
import { createHash, createHmac, generateKeyPairSync, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallbackRequest } from '../../src/kernel/message.js';
import type { CallProvider, CallStep, OutboundCall } from '../../src/calls/call-provider.js';
import { vonageVoiceProvider, type VonageVoiceOptions } from '../../src/vendors/vonage/voice/index.js';
import { providerContext, refusedUrl } from '../fakes/fake-server.js';
import { startVonageVoiceFake, vonageProblem, type VonageVoiceFake } from '../fakes/vonage/voice-fake.js';
import { refusal } from '../helpers/refusal.js';

const APP_ID = 'aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee';
const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const PRIVATE_PEM = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
const SIG_SECRET = 'vonage-voice-signature-secret-0a9b8c7d';
const FROM = '447700900001';
const TO = '+447700900123';
const CALLBACK = 'https://verity.example.com/v1/providers/vonage-voice-main/callback';

function make(baseUrl: string, extra: Partial<VonageVoiceOptions> = {}): CallProvider {
  return vonageVoiceProvider.create(
    { applicationId: APP_ID, privateKey: PRIVATE_PEM, from: FROM, signatureSecret: SIG_SECRET, baseUrl, timeoutMs: 2000, ...extra },
    providerContext('vonage-voice-main'),
  );
}

function call(script: CallStep[], extra: Partial<OutboundCall> = {}): OutboundCall {
  return { id: 'cal_01HZX4VONAGE', accountId: 'acc_1', verificationId: 'ver_1', to: TO, from: null, script, ringTimeoutS: 30, ...extra };
}

describe('vonage voice calls', () => {
  let fake: VonageVoiceFake;
  let provider: CallProvider;
  const lastBody = () => JSON.parse(fake.requests.at(-1)?.body ?? '{}') as Record<string, unknown>;
  beforeAll(async () => {
    fake = await startVonageVoiceFake(APP_ID, publicKey);
    provider = make(fake.url);
  });
  afterAll(() => fake.close());

  it('places a call that says the code twice, digit by digit, authenticated by a JWT signed with the application key', async () => {
    const text = 'Your Acme code is 4, 8, 2, 9, 1, 3.';
    const placed = await provider.placeCall(call([{ say: text, locale: 'en' }, { say: `Again: ${text}`, locale: 'en' }, { hangup: true }]));
    expect(placed.providerCallId).toBe(fake.placed.at(-1)?.uuid);
    const req = fake.requests.at(-1);
    expect([req?.method, req?.path, req?.headers['content-type']]).toEqual(['POST', '/v1/calls', 'application/json']);
    expect(lastBody()).toEqual({
      to: [{ type: 'phone', number: '447700900123' }],
      from: { type: 'phone', number: FROM },
      ncco: [
        { action: 'talk', text, language: 'en-US' },
        { action: 'talk', text: `Again: ${text}`, language: 'en-US' },
      ],
      event_url: [`${CALLBACK}?event=status&call=cal_01HZX4VONAGE`],
      event_method: 'POST',
      ringing_timer: 30,
    });
    const claims = fake.claims.at(-1);
    expect(claims).toMatchObject({ application_id: APP_ID, iat: expect.any(Number), jti: expect.any(String), exp: expect.any(Number) });
    expect(Number(claims?.exp) - Number(claims?.iat)).toBeLessThanOrEqual(300);
    expect(fake.violations).toEqual([]);
  });

  it('signs every request with a fresh token', async () => {
    await provider.placeCall(call([]));
    await provider.placeCall(call([]));
    const [a, b] = fake.claims.slice(-2);
    expect(a?.jti).not.toBe(b?.jti);
  });

  it.each([
    ['pt-BR', 'pt-BR'],
    ['es', 'es-ES'],
    ['ru', 'ru-RU'],
    ['id-ID', 'id-ID'],
    ['fr', 'en-US'],
  ])('speaks locale %s as Vonage language %s', async (locale, language) => {
    await provider.placeCall(call([{ say: 'x', locale }]));
    expect(lastBody().ncco).toEqual([{ action: 'talk', text: 'x', language }]);
  });

  it('places an IVR call: greeting, then a prompt the key press interrupts, then one key collected at the gather URL', async () => {
    const sound = 'https://verity.example.com/v1/sounds/snd_1.mp3';
    await provider.placeCall(
      call([
        { say: 'Somebody is signing in to Acme as you.', locale: 'pt-BR' },
        { gather: { timeoutS: 8, prompt: [{ play: sound }, { say: 'Tecle 1 se for você.', locale: 'pt-BR' }, { say: 'Tecle 2 se não for.', locale: 'pt-BR' }] } },
        { say: 'never reached', locale: 'en' },
      ]),
    );
    expect(lastBody().ncco).toEqual([
      { action: 'talk', text: 'Somebody is signing in to Acme as you.', language: 'pt-BR' },
      // The sound plays through: Vonage wants the input right after a barge-in stream.
      { action: 'stream', streamUrl: [sound] },
      { action: 'talk', text: 'Tecle 1 se for você.', language: 'pt-BR', bargeIn: true },
      { action: 'talk', text: 'Tecle 2 se não for.', language: 'pt-BR', bargeIn: true },
      { action: 'input', type: ['dtmf'], dtmf: { maxDigits: 1, timeOut: 8 }, eventUrl: [`${CALLBACK}?event=gather&call=cal_01HZX4VONAGE`], eventMethod: 'POST' },
    ]);
    expect(fake.violations).toEqual([]);
  });

  it('caps the key timeout at the 10 seconds Vonage allows', async () => {
    await provider.placeCall(call([{ gather: { timeoutS: 30, prompt: [{ play: 'https://verity.example.com/s.mp3' }] } }]));
    expect(lastBody().ncco).toEqual([
      { action: 'stream', streamUrl: ['https://verity.example.com/s.mp3'], bargeIn: true },
      expect.objectContaining({ action: 'input', dtmf: { maxDigits: 1, timeOut: 10 } }),
    ]);
    expect(fake.violations).toEqual([]);
  });

  it('places a flash call from the pool number that rings briefly and ends at once if answered', async () => {
    await provider.placeCall(call([{ hangup: true }], { from: '+4915112345678', ringTimeoutS: 5 }));
    const body = lastBody();
    expect(body.from).toEqual({ type: 'phone', number: '4915112345678' });
    expect(body.ringing_timer).toBe(5);
    expect(body.ncco).toEqual([{ action: 'wait', timeout: 0.1 }]);
    expect(fake.violations).toEqual([]);
  });

  it('hangs up a placed call, and takes a call that already ended as hung up', async () => {
    const { providerCallId } = await provider.placeCall(call([], { ringTimeoutS: 5 }));
    await provider.hangup?.(providerCallId);
    const req = fake.requests.at(-1);
    expect([req?.method, req?.path, req?.body]).toEqual(['PUT', `/v1/calls/${providerCallId}`, '{"action":"hangup"}']);
    expect(fake.hungUp).toContain(providerCallId);
    await expect(provider.hangup?.(providerCallId)).resolves.toBeUndefined();
    expect(fake.violations).toEqual([]);
  });

  it.each([
    [400, 'INVALID_REQUEST', false],
    [422, 'INVALID_REQUEST', false],
    [401, 'AUTH_FAILED', false],
    [403, 'AUTH_FAILED', false],
    [402, 'PROVIDER_QUOTA_EXCEEDED', false],
    [404, 'REJECTED', false],
    [429, 'THROTTLED', true],
    [500, 'PROVIDER_UNAVAILABLE', true],
    [503, 'PROVIDER_UNAVAILABLE', true],
  ])('maps HTTP %i to %s (retryable: %s)', async (status, expected, retryable) => {
    fake.replyNext(vonageProblem(status, 'Refused', `Cannot call ${TO.slice(1)}: Your code is 7, 7, 1`));
    const err = await refusal(provider.placeCall(call([{ say: 'Your code is 7, 7, 1, 1, 9, 9', locale: 'en' }])));
    expect([err.code, err.retryable]).toEqual([expected, retryable]);
    expect(err.message).toContain(String(status));
    for (const secret of [TO, TO.slice(1), '7, 7, 1', SIG_SECRET, PRIVATE_PEM.slice(40, 80)]) expect(err.message).not.toContain(secret);
  });

  it('is refused as AUTH_FAILED when signed with a key the application does not know', async () => {
    const other = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const err = await refusal(make(fake.url, { privateKey: other }).placeCall(call([])));
    expect([err.code, err.retryable]).toEqual(['AUTH_FAILED', false]);
  });

  it('reports an accepted call without a uuid as a final UNEXPECTED_RESPONSE, so the phone is not rung twice', async () => {
    fake.replyNext({ status: 201, json: { status: 'started' } });
    const err = await refusal(provider.placeCall(call([])));
    expect([err.code, err.retryable]).toEqual(['UNEXPECTED_RESPONSE', false]);
  });

  it('reports an API it cannot connect to as retryable CONNECTION_FAILED, for calls and hangups', async () => {
    const down = make(await refusedUrl());
    const attempts: Array<() => Promise<unknown> | undefined> = [() => down.placeCall(call([])), () => down.hangup?.(randomUUID())];
    for (const attempt of attempts) {
      const err = await refusal(Promise.resolve().then(attempt));
      expect([err.code, err.retryable]).toEqual(['CONNECTION_FAILED', true]);
    }
  });

  it('gives up on an API that does not answer with a retryable TIMEOUT', async () => {
    fake.replyNext('hang');
    const started = Date.now();
    const err = await refusal(make(fake.url, { timeoutMs: 300 }).placeCall(call([])));
    expect([err.code, err.retryable]).toEqual(['TIMEOUT', true]);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('refuses a call with no caller id anywhere without calling Vonage', async () => {
    const before = fake.requests.length;
    const err = await refusal(make(fake.url, { from: undefined }).placeCall(call([])));
    expect([err.code, err.retryable]).toEqual(['NO_CALLER_ID', false]);
    expect(fake.requests.length).toBe(before);
  });

  it('refuses to start with a private key that is not an RSA PEM, without quoting it', () => {
    const garbage = '-----BEGIN PRIVATE KEY-----\nc2VjcmV0LWtleS1tYXRlcmlhbA==\n-----END PRIVATE KEY-----';
    expect(() => make('http://127.0.0.1:1', { privateKey: garbage })).toThrow(/privateKey is not a PEM private key/);
    try {
      make('http://127.0.0.1:1', { privateKey: garbage });
    } catch (err) {
      expect(String(err)).not.toContain('c2VjcmV0');
    }
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    expect(() => make('http://127.0.0.1:1', { privateKey: ec })).toThrow(/must be an RSA key/);
  });

  it('declares inbound calls only when webhooks are signed, and its secrets', () => {
    expect(provider.capabilities).toEqual({ inbound: true, customCallerId: true, countries: undefined });
    expect(make('http://127.0.0.1:1', { signatureSecret: undefined }).capabilities.inbound).toBe(false);
    expect(vonageVoiceProvider.secrets).toEqual(['privateKey', 'signatureSecret']);
  });
});

describe('vonage voice webhooks', () => {
  const provider = make('http://127.0.0.1:1');
  const UUID = '63f61863-4a51-4f6b-86e1-46edebcf9356';
  const END_CALL = { contentType: 'application/json', body: '[]' };

  // Vonage's signed-webhook scheme written out with node:crypto: HS256 over the claims, with
  // payload_hash the SHA-256 hex of the payload as JSON (the body of a POST, the query of a GET).
  function jwt(claims: Record<string, unknown>, secret = SIG_SECRET): string {
    const part = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
    const head = `${part({ alg: 'HS256', typ: 'JWT' })}.${part(claims)}`;
    return `${head}.${createHmac('sha256', secret).update(head).digest('base64url')}`;
  }
  const claimsFor = (payload: string) => ({
    iat: Math.floor(Date.now() / 1000),
    jti: randomUUID(),
    iss: 'Vonage',
    payload_hash: createHash('sha256').update(payload).digest('hex'),
    api_key: 'a1b2c3d4',
    application_id: APP_ID,
  });
  function post(body: Record<string, unknown>, query: Record<string, string>, secret = SIG_SECRET): CallbackRequest {
    const rawBody = JSON.stringify(body);
    const qs = new URLSearchParams(query).toString();
    return {
      method: 'POST',
      url: qs ? `${CALLBACK}?${qs}` : CALLBACK,
      headers: { 'content-type': 'application/json', authorization: `Bearer ${jwt(claimsFor(rawBody), secret)}` },
      query,
      rawBody,
    };
  }
  function get(query: Record<string, string>): CallbackRequest {
    const qs = new URLSearchParams(query).toString();
    return { method: 'GET', url: `${CALLBACK}?${qs}`, headers: { authorization: `Bearer ${jwt(claimsFor(JSON.stringify(query)))}` }, query, rawBody: '' };
  }
  const event = (status: string, extra: Record<string, unknown> = {}) => ({
    from: FROM,
    to: '447700900123',
    uuid: UUID,
    conversation_uuid: 'CON-f972836a-550f-45fa-956c-12a2ab5b7d22',
    status,
    direction: 'outbound',
    timestamp: '2024-05-01T12:00:00.000Z',
    ...extra,
  });

  it.each([
    ['ringing', { type: 'ringing' }],
    ['answered', { type: 'answered' }],
    ['completed', { type: 'ended', disposition: 'completed' }],
    ['timeout', { type: 'ended', disposition: 'no-answer' }],
    ['unanswered', { type: 'ended', disposition: 'no-answer' }],
    ['busy', { type: 'ended', disposition: 'busy' }],
    ['failed', { type: 'ended', disposition: 'failed' }],
    ['rejected', { type: 'ended', disposition: 'rejected' }],
    ['cancelled', { type: 'ended', disposition: 'canceled' }],
  ])('turns status %s into %j for the call named in the URL', async (status, expected) => {
    expect(await provider.parseCallback(post(event(status), { event: 'status', call: 'cal_1' }))).toEqual({
      events: [{ providerCallId: UUID, callId: 'cal_1', event: expected }],
    });
  });

  it('reports nothing for started, machine and disconnected, nor for events of inbound calls', async () => {
    for (const s of ['started', 'machine', 'disconnected']) expect((await provider.parseCallback(post(event(s), { event: 'status', call: 'cal_1' }))).events).toEqual([]);
    expect((await provider.parseCallback(post(event('ringing', { direction: 'inbound' }), {}))).events).toEqual([]);
  });

  it('reports the key pressed at the input and answers an empty NCCO that ends the call', async () => {
    const input = { dtmf: { digits: '2', timed_out: false }, from: FROM, to: '447700900123', uuid: UUID, conversation_uuid: 'CON-1', timestamp: '2024-05-01T12:00:05.000Z' };
    expect(await provider.parseCallback(post(input, { event: 'gather', call: 'cal_1' }))).toEqual({
      events: [{ providerCallId: UUID, callId: 'cal_1', event: { type: 'dtmf', digits: '2' } }],
      response: END_CALL,
    });
  });

  it('reports no key when the input timed out, and still ends the call', async () => {
    const input = { dtmf: { digits: '', timed_out: true }, uuid: UUID, conversation_uuid: 'CON-1' };
    expect(await provider.parseCallback(post(input, { event: 'gather', call: 'cal_1' }))).toEqual({ events: [], response: END_CALL });
  });

  it('reports an inbound call from the answer_url, GET or POST, and answers the empty NCCO that hangs up at once', async () => {
    const caller = '5521998765432';
    const answer = { to: FROM, from: caller, uuid: UUID, conversation_uuid: 'CON-2', region_url: 'https://api-eu-1.nexmo.com' };
    const expected = { events: [{ providerCallId: UUID, event: { type: 'inbound', from: `+${caller}`, to: `+${FROM}` } }], response: END_CALL };
    expect(await provider.parseCallback(get({ event: 'inbound', ...answer }))).toEqual(expected);
    expect(await provider.parseCallback(get(answer))).toEqual(expected);
    expect(await provider.parseCallback(post(answer, { event: 'inbound' }))).toEqual(expected);
  });

  it('ends a call from a withheld number without reporting it', async () => {
    expect(await provider.parseCallback(get({ to: FROM, from: 'Unknown', uuid: UUID }))).toEqual({ events: [], response: END_CALL });
  });

  it('rejects a forged, a tampered, an unhashed and an unsigned webhook with BAD_SIGNATURE', async () => {
    const good = post(event('completed'), { event: 'status', call: 'cal_1' });
    const forged = post(event('completed'), { event: 'status', call: 'cal_1' }, 'not-the-secret');
    const tampered = { ...good, rawBody: JSON.stringify(event('busy')) };
    const { payload_hash: _, ...noHash } = claimsFor(good.rawBody);
    const unhashed = { ...good, headers: { authorization: `Bearer ${jwt(noHash)}` } };
    const forgedInbound = { ...get({ to: FROM, from: '5521998765432', uuid: UUID }), query: { to: FROM, from: '5511000000000', uuid: UUID } };
    forgedInbound.url = `${CALLBACK}?${new URLSearchParams(forgedInbound.query).toString()}`;
    const unsigned = { ...good, headers: { 'content-type': 'application/json' } };
    for (const req of [forged, tampered, unhashed, forgedInbound, unsigned]) {
      const err = await refusal(Promise.resolve().then(() => provider.parseCallback(req)));
      expect([err.code, err.retryable]).toEqual(['BAD_SIGNATURE', false]);
      expect(err.message).not.toContain(SIG_SECRET);
    }
    expect((await provider.parseCallback(good)).events).toHaveLength(1);
  });

  it('without a signature secret, accepts unsigned call events but reports no inbound call', async () => {
    const open = make('http://127.0.0.1:1', { signatureSecret: undefined });
    const unsigned = (req: CallbackRequest) => ({ ...req, headers: {} });
    expect((await open.parseCallback(unsigned(post(event('answered'), { event: 'status', call: 'cal_1' })))).events).toEqual([{ providerCallId: UUID, callId: 'cal_1', event: { type: 'answered' } }]);
    expect(await open.parseCallback(unsigned(get({ to: FROM, from: '5521998765432', uuid: UUID })))).toEqual({ events: [], response: END_CALL });
  });
});
