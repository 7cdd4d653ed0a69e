/**
 * The Twilio adapter against a loopback fake of the Messages API that checks Twilio's documented
 * wire format; status callbacks are signed here the way Twilio documents it.
 */
import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallbackRequest } from '../../src/kernel/message.js';
import type { MessageProvider } from '../../src/delivery/provider.js';
import { twilioProvider, twilioSignature, type TwilioOptions } from '../../src/vendors/twilio/sms/index.js';
import { describeProviderContract, outbound } from '../contracts/message-provider-contract.js';
import { providerContext, refusedUrl } from '../fakes/fake-server.js';
import { startTwilioFake, twilioError, type TwilioFake } from '../fakes/twilio/messaging-fake.js';
import { refusal } from '../helpers/refusal.js';

const ACCOUNT = `AC${'0123456789abcdef'.repeat(2)}`;
const TOKEN = 'tw-auth-token-9f8e7d6c5b4a';
const KEY_SID = `SK${'fedcba9876543210'.repeat(2)}`;
const KEY_SECRET = 'tw-key-secret-1a2b3c4d';
const SERVICE = `MG${'00112233445566778899aabbccddeeff'}`;
const TO = '+5511987654321';
const CALLBACK = 'https://verity.example.com/v1/providers/twilio-main/callback';

function make(baseUrl: string, extra: Partial<TwilioOptions> = {}): MessageProvider {
  return twilioProvider.create({ accountSid: ACCOUNT, authToken: TOKEN, from: '+15005550006', baseUrl, timeoutMs: 2000, ...extra }, providerContext('twilio-main'));
}

describeProviderContract('twilio', async () => {
  const fake = await startTwilioFake(ACCOUNT, { user: ACCOUNT, password: TOKEN });
  return {
    provider: make(fake.url),
    channel: 'sms',
    to: TO,
    received: async () => fake.received,
    refuseNext: (kind) => fake.refuseNext(kind),
    close: () => fake.close(),
  };
});

describe('twilio adapter', () => {
  let fake: TwilioFake;
  let provider: MessageProvider;
  beforeAll(async () => {
    fake = await startTwilioFake(ACCOUNT, { user: ACCOUNT, password: TOKEN });
    provider = make(fake.url);
  });
  afterAll(() => fake.close());

  it('posts the documented form to Messages.json with HTTP Basic auth and asks for status callbacks', async () => {
    const receipt = await provider.send(outbound({ channel: 'sms', to: TO }, 'Your code is 482913 & more'));
    expect(receipt.providerMessageId).toMatch(/^SM[0-9a-f]{32}$/);
    expect(receipt.status).toBe('sent');
    const req = fake.requests.at(-1);
    expect(req?.method).toBe('POST');
    expect(req?.path).toBe(`/2010-04-01/Accounts/${ACCOUNT}/Messages.json`);
    expect(req?.headers.authorization).toBe(`Basic ${Buffer.from(`${ACCOUNT}:${TOKEN}`).toString('base64')}`);
    expect(req?.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(Object.fromEntries(new URLSearchParams(req?.body))).toEqual({ To: TO, From: '+15005550006', Body: 'Your code is 482913 & more', StatusCallback: CALLBACK });
    expect(fake.violations).toEqual([]);
  });

  it('signs in with an API key and lets the Messaging Service choose the sender', async () => {
    const keyed = await startTwilioFake(ACCOUNT, { user: KEY_SID, password: KEY_SECRET });
    try {
      const p = make(keyed.url, { from: undefined, messagingServiceSid: SERVICE, apiKeySid: KEY_SID, apiKeySecret: KEY_SECRET, statusCallback: false });
      await p.send(outbound({ channel: 'sms', to: TO }, 'code 123456'));
      const form = Object.fromEntries(new URLSearchParams(keyed.requests.at(-1)?.body));
      expect(form).toEqual({ To: TO, MessagingServiceSid: SERVICE, Body: 'code 123456' });
      expect(keyed.violations).toEqual([]);
    } finally {
      await keyed.close();
    }
  });

  it('sends from the sender id the caller asked for', async () => {
    await provider.send(outbound({ channel: 'sms', to: TO }, 'code 123456', { sender: 'Acme' }));
    expect(new URLSearchParams(fake.requests.at(-1)?.body).get('From')).toBe('Acme');
  });

  it.each([
    [400, 21211, 'INVALID_DESTINATION', false],
    [400, 21614, 'INVALID_DESTINATION', false],
    [400, 21610, 'RECIPIENT_OPTED_OUT', false],
    [400, 21408, 'DESTINATION_NOT_ALLOWED', false],
    [401, 20003, 'AUTH_FAILED', false],
    [400, 21999, 'REJECTED', false],
    [429, 20429, 'THROTTLED', true],
    [503, 20503, 'PROVIDER_UNAVAILABLE', true],
    [500, 20500, 'PROVIDER_UNAVAILABLE', true],
  ])('maps HTTP %i with Twilio error %i to %s (retryable: %s)', async (status, code, expected, retryable) => {
    fake.replyNext(twilioError(status, code, `The 'To' number ${TO} is not valid: Your code is 771199`));
    const err = await refusal(provider.send(outbound({ channel: 'sms', to: TO }, 'Your code is 771199')));
    expect(err.code).toBe(expected);
    expect(err.retryable).toBe(retryable);
    expect(err.message).toContain(String(code));
    for (const secret of [TO, '771199', TOKEN]) expect(err.message).not.toContain(secret);
  });

  it('treats a 502 without a Twilio body as retryable', async () => {
    fake.replyNext({ status: 502, json: undefined });
    const err = await refusal(provider.send(outbound({ channel: 'sms', to: TO }, 'code 1')));
    expect([err.code, err.retryable]).toEqual(['PROVIDER_UNAVAILABLE', true]);
  });

  it('reports an API it cannot connect to as retryable CONNECTION_FAILED', async () => {
    const err = await refusal(make(await refusedUrl()).send(outbound({ channel: 'sms', to: TO }, 'code 1')));
    expect([err.code, err.retryable]).toEqual(['CONNECTION_FAILED', true]);
  });

  it('gives up on an API that does not answer with a retryable TIMEOUT', async () => {
    fake.replyNext('hang');
    const started = Date.now();
    const err = await refusal(make(fake.url, { timeoutMs: 300 }).send(outbound({ channel: 'sms', to: TO }, 'code 1')));
    expect([err.code, err.retryable]).toEqual(['TIMEOUT', true]);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('refuses to start without a sender or a Messaging Service', () => {
    expect(() => make('http://127.0.0.1:1', { from: undefined })).toThrow(/from or messagingServiceSid/);
  });
});

describe('twilio status callbacks', () => {
  const provider = make('http://127.0.0.1:1');

  // Twilio's documented algorithm, written out independently of the adapter.
  function signed(params: Record<string, string>, url = CALLBACK, token = TOKEN): CallbackRequest {
    const data = Object.keys(params)
      .sort()
      .reduce((acc, k) => acc + k + params[k], url);
    const signature = createHmac('sha1', token).update(data).digest('base64');
    return {
      method: 'POST',
      url,
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature },
      query: {},
      rawBody: new URLSearchParams(params).toString(),
    };
  }
  const status = (sid: string, s: string, extra: Record<string, string> = {}) => ({
    AccountSid: ACCOUNT,
    ApiVersion: '2010-04-01',
    From: '+15005550006',
    MessageSid: sid,
    MessageStatus: s,
    SmsSid: sid,
    SmsStatus: s,
    To: TO,
    ...extra,
  });

  it("computes the signature of Twilio's published example", () => {
    const params: Array<[string, string]> = [
      ['CallSid', 'CA1234567890ABCDE'],
      ['Caller', '+14158675309'],
      ['Digits', '1234'],
      ['From', '+14158675309'],
      ['To', '+18005551212'],
    ];
    expect(twilioSignature('12345', 'https://mycompany.com/myapp.php?foo=1&bar=2', params)).toBe('RSOYDt4T1cUTdK1PDd93/VVr8B8=');
  });

  it('turns signed delivered and undelivered callbacks into receipts with the error code', async () => {
    expect(await provider.parseCallback?.(signed(status('SM1', 'delivered')))).toEqual([{ providerMessageId: 'SM1', status: 'delivered' }]);
    expect(await provider.parseCallback?.(signed(status('SM2', 'undelivered', { ErrorCode: '30003' })))).toEqual([{ providerMessageId: 'SM2', status: 'undeliverable', errorCode: '30003' }]);
    expect(await provider.parseCallback?.(signed(status('SM3', 'failed', { ErrorCode: '30008' })))).toEqual([{ providerMessageId: 'SM3', status: 'undeliverable', errorCode: '30008' }]);
  });

  it('skips interim statuses such as queued and sent', async () => {
    expect(await provider.parseCallback?.(signed(status('SM4', 'queued')))).toEqual([]);
    expect(await provider.parseCallback?.(signed(status('SM5', 'sent')))).toEqual([]);
  });

  it('accepts a signature made over the URL with its default port spelled out', async () => {
    const req = signed(status('SM6', 'delivered'), 'https://verity.example.com:443/v1/providers/twilio-main/callback');
    expect(await provider.parseCallback?.({ ...req, url: CALLBACK })).toEqual([{ providerMessageId: 'SM6', status: 'delivered' }]);
  });

  it('rejects a callback signed with another token, a tampered one, and an unsigned one with BAD_SIGNATURE', async () => {
    const forged = signed(status('SM7', 'delivered'), CALLBACK, 'not-the-token');
    const tampered = { ...signed(status('SM7', 'undelivered')), rawBody: new URLSearchParams(status('SM7', 'delivered')).toString() };
    const unsigned = { ...signed(status('SM7', 'delivered')), headers: {} };
    for (const req of [forged, tampered, unsigned]) {
      const err = await refusal(Promise.resolve().then(() => provider.parseCallback?.(req)));
      expect([err.code, err.retryable]).toEqual(['BAD_SIGNATURE', false]);
      expect(err.message).not.toContain(TOKEN);
    }
  });
});
