/**
 * Every call channel end to end through the whole app: verifications started over the API, calls
 * placed by the outbox through the real Twilio Voice and Vonage Voice adapters against loopback
 * fakes of their clouds, and the vendors' signed webhooks posted back to the callback route.
 */
import { generateKeyPairSync, randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { systemClock } from '../../src/lib/clock.js';
import { describeOnBackends, lastCode, startTestApp, type TestApp } from '../helpers/test-app.js';
import { startTwilioVoiceFake, type PlacedCall, type TwilioVoiceFake } from '../fakes/twilio/voice-fake.js';
import { startVonageVoiceFake, type VonageVoiceFake } from '../fakes/vonage/voice-fake.js';
import { twilioCallParams, twilioInboundParams, twilioSignature } from '../fakes/twilio/voice-webhooks.js';
import { vonageWebhookAuthorization } from '../fakes/vonage/voice-webhooks.js';

const PUBLIC_URL = 'http://verity.test';
const ACCOUNT = `AC${'fedcba9876543210'.repeat(2)}`;
const TOKEN = 'e2e-twilio-auth-token-5b7c';
const FROM = '+15005550006';
const POOL = '+14155552671';
const FLASH_PATTERN = '+4420794600XXXX';
const TWIML = 'text/xml; charset=utf-8';
const GREETING = 'Hello, this is Verity. To confirm that this is your number, press 1. If you did not ask for this, hang up.';
const CONFIRM = 'Thank you. Your number is confirmed.';
const FALLBACK = 'Your number was not confirmed. Goodbye.';
const say = (text: string) => `<Say language="en-US" voice="Polly.Joanna">${text}</Say>`;

/** The path and query of a callback URL Verity gave the vendor (what the vendor requests). */
const pathOf = (url: string) => url.slice(PUBLIC_URL.length);
const unescapeXml = (s: string) => s.replaceAll('&amp;', '&');

describeOnBackends('call channels through Twilio Voice', (backend) => {
  let t: TestApp;
  let fake: TwilioVoiceFake;
  beforeAll(async () => {
    fake = await startTwilioVoiceFake(ACCOUNT, TOKEN);
    t = await startTestApp(backend, {
      env: {
        PUBLIC_URL,
        // An account's own voice provider below points at the fake on loopback too.
        OUTBOUND_ALLOW_PRIVATE: 'true',
        PROVIDERS: JSON.stringify([{ name: 'tw', type: 'twilio-voice', accountSid: ACCOUNT, authToken: TOKEN, from: FROM, baseUrl: fake.url, timeoutMs: 2000 }]),
        ROUTES: JSON.stringify(['voice', 'ivr', 'flash_call'].map((channel) => ({ channel, provider: 'tw' })).concat([{ channel: 'sms', provider: 'sandbox' }])),
        INBOUND_NUMBERS: JSON.stringify([
          { number: POOL, purpose: 'reverse_call', country: '*' },
          { number: FLASH_PATTERN, purpose: 'flash_call', country: '*' },
        ]),
      },
    });
  });
  afterAll(async () => {
    await t?.close();
    await fake?.close();
  });

  const start = async (body: Record<string, unknown>) => {
    const r = await t.post('/v1/verifications', body);
    expect(r.status).toBe(201);
    return r.body as { id: string; status: string; channel: string; call_to: string | null };
  };
  const verification = async (id: string) => (await t.get(`/v1/verifications/${id}`)).body as { status: string; channel: string };
  /** Starts a verification, lets the outbox place its call, and returns the one call placed. */
  const placed = async (body: Record<string, unknown>) => {
    const before = fake.placed.length;
    const v = await start(body);
    await t.verity.worker.drain();
    const calls = fake.placed.slice(before);
    expect(calls.map((c) => c.form.get('To'))).toEqual([body.to]);
    const call = calls[0] as PlacedCall;
    const messageId = new URL(call.form.get('StatusCallback') ?? '').searchParams.get('call') ?? '';
    return { id: v.id, call, messageId, twiml: call.form.get('Twiml') ?? '' };
  };
  /** A request from Twilio to the callback route, signed over PUBLIC_URL + path. */
  const twilio = (path: string, params: Record<string, string>, token = TOKEN) =>
    t.app.inject({
      method: 'POST',
      url: path,
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': twilioSignature(token, PUBLIC_URL + path, params) },
      payload: new URLSearchParams(params).toString(),
    });
  const statusCallback = (call: PlacedCall, status: string) =>
    twilio(pathOf(call.form.get('StatusCallback') ?? ''), twilioCallParams(ACCOUNT, call.sid, FROM, call.form.get('To') ?? '', { CallStatus: status, CallbackSource: 'call-progress-events' }));
  const gatherUrl = (twiml: string) => unescapeXml(/<Gather [^>]*action="([^"]+)"/.exec(twiml)?.[1] ?? '');
  const press = (call: PlacedCall, twiml: string, digits: string, token = TOKEN) =>
    twilio(pathOf(gatherUrl(twiml)), twilioCallParams(ACCOUNT, call.sid, FROM, call.form.get('To') ?? '', { CallStatus: 'in-progress', Digits: digits, FinishedOnKey: '' }), token);

  it('voice: reads the code twice, digit by digit, in Portuguese; the answered call is delivered and the code approves', async () => {
    const { id, call, messageId, twiml } = await placed({ to: '+551133334444', channel: 'voice', locale: 'pt-BR' });
    const spoken =
      /^<Response><Say language="pt-BR" voice="Polly\.Camila">Olá, esta é uma mensagem de Verity\. Seu código de verificação é ((?:\d, )+\d)\. Repetindo: \1\. Ele expira em \d+ minutos\.<\/Say><Hangup\/><\/Response>$/.exec(
        twiml,
      );
    expect(spoken, twiml).not.toBeNull();
    const code = (spoken?.[1] ?? '').replaceAll(', ', '');
    expect([call.form.get('From'), call.form.get('Timeout')]).toEqual([FROM, '45']);
    expect(messageId).toMatch(/^msg_/);
    expect((await verification(id)).status).toBe('pending');
    expect((await t.verity.outbox.get(messageId))?.status).toBe('sent');

    for (const s of ['in-progress', 'completed']) {
      const r = await statusCallback(call, s);
      expect([r.statusCode, r.json()]).toEqual([200, { received: 1 }]);
    }
    expect((await t.verity.outbox.get(messageId))?.status).toBe('delivered');
    expect(await t.verity.callStore.get('tw', call.sid)).toMatchObject({ direction: 'outbound', message_id: messageId, status: 'ended', disposition: 'completed' });
    expect((await verification(id)).status).toBe('pending');
    const checked = await t.post(`/v1/verifications/${id}/check`, { code });
    expect([checked.status, checked.body.valid, checked.body.status]).toEqual([200, true, 'approved']);
    expect(fake.violations).toEqual([]);
  });

  it('ivr: asks for one key at a signed gather URL, approves on 1 and thanks the caller before hanging up', async () => {
    const { id, call, messageId, twiml } = await placed({ to: '+551133334445', channel: 'ivr' });
    expect(twiml).toBe(
      '<Response>' +
        `<Gather input="dtmf" numDigits="1" timeout="8" action="${PUBLIC_URL}/v1/providers/tw/callback?event=gather&amp;call=${messageId}" method="POST" actionOnEmptyResult="true">` +
        `${say(GREETING)}</Gather><Hangup/></Response>`,
    );
    expect((await statusCallback(call, 'in-progress')).statusCode).toBe(200);
    expect((await verification(id)).status).toBe('pending');
    const r = await press(call, twiml, '1');
    expect([r.statusCode, r.headers['content-type'], r.body]).toEqual([200, TWIML, `<Response>${say(CONFIRM)}<Hangup/></Response>`]);
    expect((await verification(id)).status).toBe('approved');
    expect(await t.verity.callStore.get('tw', call.sid)).toMatchObject({ digits: '1', status: 'answered' });
    expect(fake.violations).toEqual([]);
  });

  it('ivr: fails the verification on any other key and says it was not confirmed', async () => {
    const { id, call, twiml } = await placed({ to: '+551133334446', channel: 'ivr' });
    const r = await press(call, twiml, '2');
    expect([r.statusCode, r.headers['content-type'], r.body]).toEqual([200, TWIML, `<Response>${say(FALLBACK)}<Hangup/></Response>`]);
    expect((await verification(id)).status).toBe('failed');
  });

  it('ivr: an unanswered call moves the workflow on to SMS with the same code', async () => {
    const to = '+5511987654322';
    const { id, call } = await placed({ to, workflow: [{ channel: 'ivr' }, { channel: 'sms' }] });
    const r = await statusCallback(call, 'no-answer');
    expect([r.statusCode, r.json()]).toEqual([200, { received: 1 }]);
    expect(await verification(id)).toMatchObject({ status: 'pending', channel: 'sms' });
    const inbox = (await t.get(`/v1/sandbox/messages?to=${encodeURIComponent(to)}`)).body.messages as Array<{ verification_id: string; channel: string }>;
    expect(inbox.filter((m) => m.verification_id === id).map((m) => m.channel)).toEqual(['sms']);
    const checked = await t.post(`/v1/verifications/${id}/check`, { code: await lastCode(t, to) });
    expect(checked.body.status).toBe('approved');
  });

  it('ivr: an unanswered call fails a verification that has no other step', async () => {
    const { id, call } = await placed({ to: '+5511987654324', channel: 'ivr' });
    expect((await statusCallback(call, 'no-answer')).statusCode).toBe(200);
    expect((await verification(id)).status).toBe('failed');
  });

  it('ivr: an answered call that ends without a key fails the verification', async () => {
    const { id, call, twiml } = await placed({ to: '+5511987654330', channel: 'ivr' });
    expect((await statusCallback(call, 'in-progress')).statusCode).toBe(200);
    const silence = await press(call, twiml, '');
    expect([silence.statusCode, silence.body]).toEqual([200, '<Response><Hangup/></Response>']);
    expect((await verification(id)).status).toBe('pending');
    expect((await statusCallback(call, 'completed')).statusCode).toBe(200);
    expect((await verification(id)).status).toBe('failed');
  });

  it('ivr: refuses a gather with a forged or tampered signature and changes nothing', async () => {
    const { id, call, twiml } = await placed({ to: '+5511987654325', channel: 'ivr' });
    const forged = await press(call, twiml, '1', 'not-the-auth-token');
    const path = pathOf(gatherUrl(twiml));
    const params = twilioCallParams(ACCOUNT, call.sid, FROM, call.form.get('To') ?? '', { CallStatus: 'in-progress', Digits: '2' });
    const tampered = await t.app.inject({
      method: 'POST',
      url: path,
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': twilioSignature(TOKEN, PUBLIC_URL + path, params) },
      payload: new URLSearchParams({ ...params, Digits: '1' }).toString(),
    });
    for (const r of [forged, tampered]) {
      expect(r.statusCode).toBe(401);
      expect(r.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(r.json()).toMatchObject({ status: 401, code: 'INVALID_SIGNATURE' });
    }
    expect((await verification(id)).status).toBe('pending');
    expect(await t.verity.callStore.get('tw', call.sid)).toBeUndefined();
  });

  it('reverse_call: shows the number to call and places no call; a call from the number rejects busy and approves', async () => {
    const to = '+5511987654323';
    const before = fake.requests.length;
    const v = await start({ to, channel: 'reverse_call' });
    expect([v.status, v.call_to]).toEqual(['pending', POOL]);
    await t.verity.worker.drain();
    expect(fake.requests.length).toBe(before);

    const r = await twilio('/v1/providers/tw/callback', twilioInboundParams(ACCOUNT, `CA${randomBytes(16).toString('hex')}`, to, POOL));
    expect([r.statusCode, r.headers['content-type'], r.body]).toEqual([200, TWIML, '<Response><Reject reason="busy"/></Response>']);
    expect((await verification(v.id)).status).toBe('approved');
  });

  it('reverse_call: a call from another number changes nothing', async () => {
    const v = await start({ to: '+5511987654326', channel: 'reverse_call' });
    const r = await twilio('/v1/providers/tw/callback', twilioInboundParams(ACCOUNT, `CA${randomBytes(16).toString('hex')}`, '+5511987654327', POOL));
    expect([r.statusCode, r.body]).toEqual([200, '<Response><Reject reason="busy"/></Response>']);
    expect((await verification(v.id)).status).toBe('pending');
  });

  it('reverse_call: one call approves every verification of that number waiting on that pool number', async () => {
    const to = '+5511987654328';
    const a = await start({ to, channel: 'reverse_call' });
    const b = await start({ to, channel: 'reverse_call' });
    await twilio('/v1/providers/tw/callback', twilioInboundParams(ACCOUNT, `CA${randomBytes(16).toString('hex')}`, to, POOL));
    expect([(await verification(a.id)).status, (await verification(b.id)).status]).toEqual(['approved', 'approved']);
  });

  it('reverse_call: an account’s own voice provider cannot approve another account’s verification', async () => {
    const to = '+5511987654330';
    const v = await start({ to, channel: 'reverse_call' });
    const tenant = await t.tenant();
    const ownToken = 'tenant-chosen-auth-token';
    const created = await t.post('/v1/providers', { name: 'mine', type: 'twilio-voice', options: { accountSid: ACCOUNT, authToken: ownToken, from: FROM, baseUrl: fake.url } }, tenant.key);
    expect(created.status).toBe(201);
    const path = `/v1/providers/${created.body.id as string}/callback`;
    const forged = await twilio(path, twilioInboundParams(ACCOUNT, `CA${randomBytes(16).toString('hex')}`, to, POOL), ownToken);
    expect(forged.statusCode).toBe(200);
    expect((await verification(v.id)).status).toBe('pending');
  });

  it('reverse_call: the same inbound callback delivered twice at once approves once', async () => {
    const to = '+5511987654329';
    const v = await start({ to, channel: 'reverse_call' });
    const emit = vi.spyOn(t.verity.webhooks, 'emit');
    const sid = `CA${randomBytes(16).toString('hex')}`;
    const params = twilioInboundParams(ACCOUNT, sid, to, POOL);
    const answers = await Promise.all([twilio('/v1/providers/tw/callback', params), twilio('/v1/providers/tw/callback', params)]);
    expect(answers.map((r) => r.statusCode)).toEqual([200, 200]);
    const approvals = emit.mock.calls.filter(([e]) => e.type === 'verification.approved' && (e.data as { id?: string }).id === v.id);
    emit.mockRestore();
    expect(approvals).toHaveLength(1);
    expect((await verification(v.id)).status).toBe('approved');
    const rows = await t.verity.database.db.selectFrom('calls').select(['direction', 'from', 'to']).where('provider', '=', 'tw').where('provider_call_id', '=', sid).execute();
    expect(rows).toEqual([{ direction: 'inbound', from: to, to: POOL }]);
  });

  it('flash_call: rings briefly from the pool pattern filled with the code, plays nothing, and the caller id approves', async () => {
    const { id, call, twiml } = await placed({ to: '+5511987654321', channel: 'flash_call' });
    const from = call.form.get('From') ?? '';
    expect(from).toMatch(/^\+4420794600\d{4}$/);
    expect([twiml, call.form.get('Timeout')]).toEqual(['<Response><Hangup/></Response>', '8']);
    const digits = from.slice(-4);
    const wrong = `${digits.slice(0, 3)}${(Number(digits[3]) + 1) % 10}`;
    const bad = await t.post(`/v1/verifications/${id}/check`, { code: `+44 20 7946 00${wrong.slice(0, 2)} ${wrong.slice(2)}` });
    expect([bad.status, bad.body.valid, bad.body.status]).toEqual([200, false, 'pending']);
    const good = await t.post(`/v1/verifications/${id}/check`, { code: `+44 20 7946 00${digits.slice(0, 2)} ${digits.slice(2)}` });
    expect([good.status, good.body.valid, good.body.status]).toEqual([200, true, 'approved']);
    expect(fake.violations).toEqual([]);
  });
});

const APP_ID = '0f1e2d3c-4b5a-4697-8877-665544332211';
const SIG_SECRET = 'e2e-vonage-signature-secret-9f8e';
const VONAGE_FROM = '447700900001';

describeOnBackends('IVR through Vonage Voice', (backend) => {
  let t: TestApp;
  let fake: VonageVoiceFake;
  beforeAll(async () => {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    fake = await startVonageVoiceFake(APP_ID, publicKey);
    const provider = {
      name: 'vn',
      type: 'vonage-voice',
      applicationId: APP_ID,
      privateKey: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
      from: VONAGE_FROM,
      signatureSecret: SIG_SECRET,
      baseUrl: fake.url,
      timeoutMs: 2000,
    };
    t = await startTestApp(backend, {
      env: { PUBLIC_URL, PROVIDERS: JSON.stringify([provider]), ROUTES: JSON.stringify([{ channel: 'ivr', provider: 'vn' }]) },
      // The API token and the webhook JWTs are checked against the wall clock, as Vonage does.
      build: { clock: systemClock },
    });
  });
  afterAll(async () => {
    await t?.close();
    await fake?.close();
  });

  const vonage = (url: string, body: Record<string, unknown>) => {
    const raw = JSON.stringify(body);
    return t.app.inject({
      method: 'POST',
      url: pathOf(url),
      headers: { 'content-type': 'application/json', authorization: vonageWebhookAuthorization(raw, SIG_SECRET, Math.floor(Date.now() / 1000), APP_ID) },
      payload: raw,
    });
  };

  it('places the greeting with a key input, approves on 1 and answers with the confirmation NCCO', async () => {
    const to = '+551133334447';
    const v = await t.post('/v1/verifications', { to, channel: 'ivr' });
    expect(v.status).toBe(201);
    await t.verity.worker.drain();
    const call = fake.placed.find((c) => JSON.stringify(c.body.to) === JSON.stringify([{ type: 'phone', number: to.slice(1) }]));
    expect(call).toBeDefined();
    const eventUrl = (call?.body.event_url as string[] | undefined)?.[0] ?? '';
    const messageId = new URL(eventUrl).searchParams.get('call');
    expect(messageId).toMatch(/^msg_/);
    expect(call?.body.ncco).toEqual([
      { action: 'talk', text: GREETING, language: 'en-US', bargeIn: true },
      { action: 'input', type: ['dtmf'], dtmf: { maxDigits: 1, timeOut: 8 }, eventUrl: [`${PUBLIC_URL}/v1/providers/vn/callback?event=gather&call=${messageId}`], eventMethod: 'POST' },
    ]);
    const common = { from: VONAGE_FROM, to: to.slice(1), uuid: call?.uuid, conversation_uuid: `CON-${randomUUID()}`, timestamp: new Date().toISOString() };

    const answered = await vonage(eventUrl, { ...common, status: 'answered', direction: 'outbound' });
    expect([answered.statusCode, answered.json()]).toEqual([200, { received: 1 }]);
    expect((await t.verity.outbox.get(messageId ?? ''))?.status).toBe('delivered');
    expect((await t.get(`/v1/verifications/${v.body.id}`)).body.status).toBe('pending');

    const input = call?.body.ncco as Array<{ eventUrl?: string[] }>;
    const r = await vonage(input[1]?.eventUrl?.[0] ?? '', { ...common, dtmf: { digits: '1', timed_out: false } });
    expect(r.statusCode).toBe(200);
    expect(r.headers['content-type']).toMatch(/^application\/json/);
    expect(JSON.parse(r.body)).toEqual([{ action: 'talk', text: CONFIRM, language: 'en-US' }]);
    expect((await t.get(`/v1/verifications/${v.body.id}`)).body.status).toBe('approved');
    expect(fake.violations).toEqual([]);
  });
});
