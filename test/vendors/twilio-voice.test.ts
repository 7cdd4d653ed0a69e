/**
 * The Twilio voice adapter against a loopback fake of the Calls API that checks Twilio's
 * documented wire format; webhooks are signed here the way Twilio documents it.
 */
import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallbackRequest } from '../../src/kernel/message.js';
import type { CallProvider, CallStep, OutboundCall } from '../../src/calls/call-provider.js';
import { twilioVoiceProvider, type TwilioVoiceOptions } from '../../src/vendors/twilio/voice/index.js';
import { providerContext, refusedUrl } from '../fakes/fake-server.js';
import { startTwilioVoiceFake, twilioError, type TwilioVoiceFake } from '../fakes/twilio/voice-fake.js';
import { refusal } from '../helpers/refusal.js';

const ACCOUNT = `AC${'0123456789abcdef'.repeat(2)}`;
const TOKEN = 'tw-voice-auth-token-1f2e3d';
const FROM = '+15005550006';
const TO = '+5511987654321';
const CALLBACK = 'https://verity.example.com/v1/providers/twilio-voice-main/callback';

function make(baseUrl: string, extra: Partial<TwilioVoiceOptions> = {}): CallProvider {
  return twilioVoiceProvider.create({ accountSid: ACCOUNT, authToken: TOKEN, from: FROM, baseUrl, timeoutMs: 2000, ...extra }, providerContext('twilio-voice-main'));
}

function call(script: CallStep[], extra: Partial<OutboundCall> = {}): OutboundCall {
  return { id: 'cal_01HZX4TWILIO', accountId: 'acc_1', verificationId: 'ver_1', to: TO, from: null, script, ringTimeoutS: 30, ...extra };
}

describe('twilio voice calls', () => {
  let fake: TwilioVoiceFake;
  let provider: CallProvider;
  beforeAll(async () => {
    fake = await startTwilioVoiceFake(ACCOUNT, TOKEN);
    provider = make(fake.url);
  });
  afterAll(() => fake.close());

  it('places a call that says the code twice, digit by digit, with signed status callbacks for every stage', async () => {
    const text = 'Your Acme code is 4, 8, 2, 9, 1, 3.';
    const placed = await provider.placeCall(call([{ say: text, locale: 'en' }, { say: `Again: ${text}`, locale: 'en' }, { hangup: true }]));
    expect(placed.providerCallId).toMatch(/^CA[0-9a-f]{32}$/);
    const req = fake.requests.at(-1);
    expect(req?.method).toBe('POST');
    expect(req?.path).toBe(`/2010-04-01/Accounts/${ACCOUNT}/Calls.json`);
    expect(req?.headers.authorization).toBe(`Basic ${Buffer.from(`${ACCOUNT}:${TOKEN}`).toString('base64')}`);
    expect(req?.headers['content-type']).toBe('application/x-www-form-urlencoded');
    const form = new URLSearchParams(req?.body);
    expect(form.get('To')).toBe(TO);
    expect(form.get('From')).toBe(FROM);
    expect(form.get('Timeout')).toBe('30');
    expect(form.get('StatusCallback')).toBe(`${CALLBACK}?event=status&call=cal_01HZX4TWILIO`);
    expect(form.get('StatusCallbackMethod')).toBe('POST');
    expect(form.getAll('StatusCallbackEvent')).toEqual(['initiated', 'ringing', 'answered', 'completed']);
    expect(form.get('Twiml')).toBe(`<Response><Say language="en-US" voice="Polly.Joanna">${text}</Say><Say language="en-US" voice="Polly.Joanna">Again: ${text}</Say><Hangup/></Response>`);
    expect(fake.violations).toEqual([]);
  });

  it.each([
    ['pt-BR', 'pt-BR', 'Polly.Camila'],
    ['pt', 'pt-BR', 'Polly.Camila'],
    ['es', 'es-ES', 'Polly.Lucia'],
    ['ru_RU', 'ru-RU', 'Polly.Tatyana'],
    ['id', 'id-ID', 'Google.id-ID-Standard-A'],
    ['fr', 'en-US', 'Polly.Joanna'],
  ])('speaks locale %s as Twilio language %s with voice %s', async (locale, language, voice) => {
    await provider.placeCall(call([{ say: 'x', locale }]));
    expect(new URLSearchParams(fake.requests.at(-1)?.body).get('Twiml')).toBe(`<Response><Say language="${language}" voice="${voice}">x</Say><Hangup/></Response>`);
  });

  it('uses a configured voice over the default one', async () => {
    const p = make(fake.url, { voices: { 'ru-RU': 'Polly.Maxim' } });
    await p.placeCall(call([{ say: 'Ваш код 1, 2, 3', locale: 'ru' }]));
    expect(new URLSearchParams(fake.requests.at(-1)?.body).get('Twiml')).toBe('<Response><Say language="ru-RU" voice="Polly.Maxim">Ваш код 1, 2, 3</Say><Hangup/></Response>');
  });

  it('places an IVR call: greeting, then one key gathered with the prompt playing, no input ending at the gather URL', async () => {
    const sound = 'https://verity.example.com/v1/sounds/snd_1.mp3?sig=a&b=c';
    await provider.placeCall(
      call([
        { play: sound },
        { say: 'Somebody is signing in to Acme as you.', locale: 'en-US' },
        { gather: { timeoutS: 8, prompt: [{ say: 'Press 1 if it is you, 2 if not.', locale: 'en-US' }] } },
        { say: 'never reached', locale: 'en' },
      ]),
    );
    expect(new URLSearchParams(fake.requests.at(-1)?.body).get('Twiml')).toBe(
      '<Response>' +
        '<Play>https://verity.example.com/v1/sounds/snd_1.mp3?sig=a&amp;b=c</Play>' +
        '<Say language="en-US" voice="Polly.Joanna">Somebody is signing in to Acme as you.</Say>' +
        `<Gather input="dtmf" numDigits="1" timeout="8" action="${CALLBACK}?event=gather&amp;call=cal_01HZX4TWILIO" method="POST" actionOnEmptyResult="true">` +
        '<Say language="en-US" voice="Polly.Joanna">Press 1 if it is you, 2 if not.</Say>' +
        '</Gather><Hangup/></Response>',
    );
    expect(fake.violations).toEqual([]);
  });

  it('escapes text that would break the TwiML', async () => {
    await provider.placeCall(call([{ say: 'Tom & Jerry <b>"code"</b>', locale: 'en' }]));
    expect(new URLSearchParams(fake.requests.at(-1)?.body).get('Twiml')).toContain('>Tom &amp; Jerry &lt;b&gt;&quot;code&quot;&lt;/b&gt;</Say>');
    expect(fake.violations).toEqual([]);
  });

  it('places a flash call from the pool number that rings briefly and hangs up if answered', async () => {
    const cli = '+4915112345678';
    await provider.placeCall(call([], { from: cli, ringTimeoutS: 5 }));
    const form = new URLSearchParams(fake.requests.at(-1)?.body);
    expect(form.get('From')).toBe(cli);
    expect(form.get('Timeout')).toBe('5');
    expect(form.get('Twiml')).toBe('<Response><Hangup/></Response>');
    expect(fake.violations).toEqual([]);
  });

  it('hangs up a placed call, and takes a call that already ended as hung up', async () => {
    const { providerCallId } = await provider.placeCall(call([], { ringTimeoutS: 5 }));
    await provider.hangup?.(providerCallId);
    expect(fake.requests.at(-1)?.path).toBe(`/2010-04-01/Accounts/${ACCOUNT}/Calls/${providerCallId}.json`);
    expect(Object.fromEntries(new URLSearchParams(fake.requests.at(-1)?.body))).toEqual({ Status: 'completed' });
    expect(fake.hungUp).toContain(providerCallId);
    fake.replyNext(twilioError(400, 21220, 'Call is not in-progress. Cannot redirect.'));
    await expect(provider.hangup?.(providerCallId)).resolves.toBeUndefined();
    await expect(provider.hangup?.(`CA${'0'.repeat(32)}`)).resolves.toBeUndefined();
  });

  it.each([
    [400, 21211, 'INVALID_DESTINATION', false],
    [400, 21215, 'DESTINATION_NOT_ALLOWED', false],
    [400, 21216, 'DESTINATION_NOT_ALLOWED', false],
    [400, 21210, 'INVALID_SENDER', false],
    [401, 20003, 'AUTH_FAILED', false],
    [400, 21999, 'REJECTED', false],
    [429, 20429, 'THROTTLED', true],
    [500, 20500, 'PROVIDER_UNAVAILABLE', true],
    [503, 20503, 'PROVIDER_UNAVAILABLE', true],
  ])('maps HTTP %i with Twilio error %i to %s (retryable: %s)', async (status, code, expected, retryable) => {
    fake.replyNext(twilioError(status, code, `The phone number you are attempting to call, ${TO}, is not valid.`));
    const err = await refusal(provider.placeCall(call([{ say: 'Your code is 7, 7, 1, 1, 9, 9', locale: 'en' }])));
    expect([err.code, err.retryable]).toEqual([expected, retryable]);
    expect(err.message).toContain(String(code));
    for (const secret of [TO, TO.slice(1), '7, 7, 1', TOKEN]) expect(err.message).not.toContain(secret);
  });

  it('treats a 429 or 502 without a Twilio body as retryable', async () => {
    for (const status of [429, 502]) {
      fake.replyNext({ status, json: undefined });
      const err = await refusal(provider.placeCall(call([])));
      expect(err.retryable).toBe(true);
    }
  });

  it('reports an accepted call without a sid as a final UNEXPECTED_RESPONSE, so the phone is not rung twice', async () => {
    fake.replyNext({ status: 201, json: { status: 'queued' } });
    const err = await refusal(provider.placeCall(call([])));
    expect([err.code, err.retryable]).toEqual(['UNEXPECTED_RESPONSE', false]);
  });

  it('reports an API it cannot connect to as retryable CONNECTION_FAILED', async () => {
    const err = await refusal(make(await refusedUrl()).placeCall(call([])));
    expect([err.code, err.retryable]).toEqual(['CONNECTION_FAILED', true]);
  });

  it('gives up on an API that does not answer with a retryable TIMEOUT', async () => {
    fake.replyNext('hang');
    const started = Date.now();
    const err = await refusal(make(fake.url, { timeoutMs: 300 }).placeCall(call([])));
    expect([err.code, err.retryable]).toEqual(['TIMEOUT', true]);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('refuses a call with no caller id anywhere, and a script over TwiML’s 4000 characters, without calling Twilio', async () => {
    const before = fake.requests.length;
    const noFrom = await refusal(make(fake.url, { from: undefined }).placeCall(call([])));
    expect([noFrom.code, noFrom.retryable]).toEqual(['NO_CALLER_ID', false]);
    const long = await refusal(provider.placeCall(call([{ say: 'x'.repeat(4000), locale: 'en' }])));
    expect([long.code, long.retryable]).toEqual(['SCRIPT_TOO_LONG', false]);
    expect(fake.requests.length).toBe(before);
  });

  it('declares inbound calls and per-call caller ids', () => {
    expect(provider.capabilities).toEqual({ inbound: true, customCallerId: true, countries: undefined });
    expect(twilioVoiceProvider.secrets).toEqual(['authToken']);
  });
});

describe('twilio voice webhooks', () => {
  const provider = make('http://127.0.0.1:1');
  const SID = `CA${'ab'.repeat(16)}`;

  // Twilio's documented algorithm, written out independently of the adapter.
  function signed(params: Record<string, string>, query: Record<string, string>, token = TOKEN): CallbackRequest {
    const qs = new URLSearchParams(query).toString();
    const url = qs ? `${CALLBACK}?${qs}` : CALLBACK;
    const data = Object.keys(params)
      .sort()
      .reduce((acc, k) => acc + k + params[k], url);
    const signature = createHmac('sha1', token).update(data).digest('base64');
    return { method: 'POST', url, headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature }, query, rawBody: new URLSearchParams(params).toString() };
  }
  const base = { AccountSid: ACCOUNT, ApiVersion: '2010-04-01', CallSid: SID, From: FROM, To: TO, Direction: 'outbound-api' };
  const status = (s: string) => signed({ ...base, CallStatus: s }, { event: 'status', call: 'cal_1' });

  it.each([
    ['ringing', { type: 'ringing' }],
    ['in-progress', { type: 'answered' }],
    ['completed', { type: 'ended', disposition: 'completed' }],
    ['no-answer', { type: 'ended', disposition: 'no-answer' }],
    ['busy', { type: 'ended', disposition: 'busy' }],
    ['failed', { type: 'ended', disposition: 'failed' }],
    ['canceled', { type: 'ended', disposition: 'canceled' }],
  ])('turns CallStatus %s into %j for the call named in the URL', async (s, event) => {
    expect(await provider.parseCallback(status(s))).toEqual({ events: [{ providerCallId: SID, callId: 'cal_1', event }] });
  });

  it('reports nothing for initiated and queued', async () => {
    expect((await provider.parseCallback(status('initiated'))).events).toEqual([]);
    expect((await provider.parseCallback(status('queued'))).events).toEqual([]);
  });

  it('reports the key pressed at a gather and answers with a hangup', async () => {
    const req = signed({ ...base, CallStatus: 'in-progress', Digits: '1', FinishedOnKey: '' }, { event: 'gather', call: 'cal_1' });
    expect(await provider.parseCallback(req)).toEqual({
      events: [{ providerCallId: SID, callId: 'cal_1', event: { type: 'dtmf', digits: '1' } }],
      response: { contentType: 'text/xml; charset=utf-8', body: '<Response><Hangup/></Response>' },
    });
  });

  it('reports no key at all when the gather timed out, and still hangs up', async () => {
    const req = signed({ ...base, CallStatus: 'in-progress', Digits: '' }, { event: 'gather', call: 'cal_1' });
    expect(await provider.parseCallback(req)).toEqual({ events: [], response: { contentType: 'text/xml; charset=utf-8', body: '<Response><Hangup/></Response>' } });
  });

  it('reports an inbound call on the bare callback URL and rejects it busy, unanswered', async () => {
    const caller = '+5521998765432';
    const inbound = { ...base, CallSid: SID, From: caller, To: FROM, Direction: 'inbound', CallStatus: 'ringing', Caller: caller, Called: FROM };
    const reject = { contentType: 'text/xml; charset=utf-8', body: '<Response><Reject reason="busy"/></Response>' };
    for (const req of [signed(inbound, {}), signed(inbound, { event: 'inbound' })]) {
      expect(await provider.parseCallback(req)).toEqual({ events: [{ providerCallId: SID, event: { type: 'inbound', from: caller, to: FROM } }], response: reject });
    }
  });

  it('rejects a call from a withheld number without reporting it', async () => {
    const req = signed({ ...base, From: 'anonymous', To: FROM, Direction: 'inbound', CallStatus: 'ringing' }, {});
    expect(await provider.parseCallback(req)).toEqual({ events: [], response: { contentType: 'text/xml; charset=utf-8', body: '<Response><Reject reason="busy"/></Response>' } });
  });

  it('ignores status callbacks of inbound calls', async () => {
    expect(await provider.parseCallback(signed({ ...base, Direction: 'inbound', CallStatus: 'busy' }, {}))).toEqual({ events: [], response: expect.anything() });
    expect(await provider.parseCallback(signed({ ...base, Direction: 'inbound', CallStatus: 'busy' }, { event: 'status' }))).toEqual({ events: [] });
  });

  it('rejects a forged, a tampered, a re-addressed and an unsigned webhook with BAD_SIGNATURE', async () => {
    const good = status('completed');
    const forged = signed({ ...base, CallStatus: 'completed' }, { event: 'status', call: 'cal_1' }, 'not-the-token');
    const tampered = { ...good, rawBody: new URLSearchParams({ ...base, CallStatus: 'busy' }).toString() };
    const readdressed = { ...good, url: `${CALLBACK}?event=status&call=cal_2`, query: { event: 'status', call: 'cal_2' } };
    const unsigned = { ...good, headers: { 'content-type': 'application/x-www-form-urlencoded' } };
    for (const req of [forged, tampered, readdressed, unsigned]) {
      const err = await refusal(Promise.resolve().then(() => provider.parseCallback(req)));
      expect([err.code, err.retryable]).toEqual(['BAD_SIGNATURE', false]);
      expect(err.message).not.toContain(TOKEN);
    }
  });
});
