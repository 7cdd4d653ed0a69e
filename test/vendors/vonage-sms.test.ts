/**
 * The Vonage adapter against a loopback fake of the SMS API that checks Vonage's documented wire
 * format; delivery receipts are signed here the way Vonage documents signed webhooks.
 */
import { createHash, createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallbackRequest } from '../../src/kernel/message.js';
import type { MessageProvider } from '../../src/delivery/provider.js';
import { vonageProvider, type VonageOptions } from '../../src/vendors/vonage/sms/index.js';
import { describeProviderContract, outbound } from '../contracts/message-provider-contract.js';
import { providerContext, refusedUrl } from '../fakes/fake-server.js';
import { startVonageFake, vonageStatus, type VonageFake } from '../fakes/vonage/sms-fake.js';
import { refusal } from '../helpers/refusal.js';

const KEY = 'a1b2c3d4';
const SECRET = 'vonage-api-secret-5e6f';
const SIG_SECRET = 'vonage-signature-secret-7a8b9c';
const TO = '+447700900123';
const CALLBACK = 'https://verity.example.com/v1/providers/vonage-main/callback';

function make(baseUrl: string, extra: Partial<VonageOptions> = {}): MessageProvider {
  return vonageProvider.create({ apiKey: KEY, apiSecret: SECRET, from: 'Verity', baseUrl, timeoutMs: 2000, ...extra }, providerContext('vonage-main'));
}

describeProviderContract('vonage', async () => {
  const fake = await startVonageFake(KEY, SECRET);
  return {
    provider: make(fake.url),
    channel: 'sms',
    to: TO,
    received: async () => fake.received,
    refuseNext: (kind) => fake.refuseNext(kind),
    close: () => fake.close(),
  };
});

describe('vonage adapter', () => {
  let fake: VonageFake;
  let provider: MessageProvider;
  beforeAll(async () => {
    fake = await startVonageFake(KEY, SECRET);
    provider = make(fake.url);
  });
  afterAll(() => fake.close());

  it('posts the documented form to /sms/json: digits-only to, type text, callback and client-ref', async () => {
    const msg = outbound({ channel: 'sms', to: TO }, 'Your code is 482913');
    const receipt = await provider.send(msg);
    expect(receipt).toEqual({ providerMessageId: expect.stringMatching(/^[0-9A-F]{16}$/), status: 'sent' });
    const req = fake.requests.at(-1);
    expect(req?.method).toBe('POST');
    expect(req?.path).toBe('/sms/json');
    expect(req?.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(Object.fromEntries(new URLSearchParams(req?.body))).toEqual({
      api_key: KEY,
      api_secret: SECRET,
      from: 'Verity',
      to: '447700900123',
      text: 'Your code is 482913',
      type: 'text',
      'client-ref': msg.id,
      callback: CALLBACK,
    });
    expect(fake.violations).toEqual([]);
  });

  it('sends text outside GSM-7 as type unicode, and GSM accents as text', async () => {
    await provider.send(outbound({ channel: 'sms', to: TO }, 'Ваш код 482913'));
    expect(new URLSearchParams(fake.requests.at(-1)?.body).get('type')).toBe('unicode');
    await provider.send(outbound({ channel: 'sms', to: TO }, 'Código é 482913'));
    // 'ó' is not in GSM 03.38, so this one needs unicode too; 'é' alone would not.
    expect(new URLSearchParams(fake.requests.at(-1)?.body).get('type')).toBe('unicode');
    await provider.send(outbound({ channel: 'sms', to: TO }, 'Votre code é 482913'));
    expect(new URLSearchParams(fake.requests.at(-1)?.body).get('type')).toBe('text');
    expect(fake.violations).toEqual([]);
  });

  it.each([
    ['1', 'THROTTLED', true],
    ['5', 'PROVIDER_UNAVAILABLE', true],
    ['2', 'INVALID_REQUEST', false],
    ['3', 'INVALID_REQUEST', false],
    ['4', 'AUTH_FAILED', false],
    ['6', 'INVALID_DESTINATION', false],
    ['9', 'PROVIDER_QUOTA_EXCEEDED', false],
    ['15', 'INVALID_SENDER', false],
    ['29', 'DESTINATION_NOT_ALLOWED', false],
    ['99', 'REJECTED', false],
  ])('maps status %s to %s (retryable: %s)', async (status, code, retryable) => {
    fake.replyNext(vonageStatus(status, `Invalid to address 447700900123 for "code 771199"`));
    const err = await refusal(provider.send(outbound({ channel: 'sms', to: TO }, 'code 771199')));
    expect([err.code, err.retryable]).toEqual([code, retryable]);
    for (const secret of ['447700900123', '771199', SECRET]) expect(err.message).not.toContain(secret);
  });

  it('retries HTTP 429 and 5xx and not other HTTP errors', async () => {
    for (const [status, retryable] of [
      [429, true],
      [503, true],
      [401, false],
    ] as const) {
      fake.replyNext({ status, json: { type: 'https://developer.nexmo.com/api-errors', title: 'error' } });
      const err = await refusal(provider.send(outbound({ channel: 'sms', to: TO }, 'code 1')));
      expect(err.retryable).toBe(retryable);
    }
  });

  it('fails a long text when any of its parts is refused', async () => {
    fake.replyNext({
      status: 200,
      json: {
        'message-count': '2',
        messages: [
          { status: '0', 'message-id': 'AAA1' },
          { status: '1', 'error-text': 'Throttled' },
        ],
      },
    });
    const err = await refusal(provider.send(outbound({ channel: 'sms', to: TO }, 'code 1')));
    expect([err.code, err.retryable]).toEqual(['THROTTLED', true]);
  });

  it('reports an API it cannot connect to as retryable CONNECTION_FAILED', async () => {
    const err = await refusal(make(await refusedUrl()).send(outbound({ channel: 'sms', to: TO }, 'code 1')));
    expect([err.code, err.retryable]).toEqual(['CONNECTION_FAILED', true]);
  });

  it('gives up on an API that does not answer with a retryable TIMEOUT', async () => {
    fake.replyNext('hang');
    const err = await refusal(make(fake.url, { timeoutMs: 300 }).send(outbound({ channel: 'sms', to: TO }, 'code 1')));
    expect([err.code, err.retryable]).toEqual(['TIMEOUT', true]);
  });
});

describe('vonage delivery receipts', () => {
  const dlr = (messageId: string, status: string, errCode = '0'): Record<string, string> => ({
    msisdn: '447700900123',
    to: 'Verity',
    'network-code': '23410',
    messageId,
    price: '0.03330000',
    status,
    scts: '2001011400',
    'err-code': errCode,
    'api-key': KEY,
    'client-ref': 'msg_1',
    'message-timestamp': '2020-01-01 14:00:00',
    timestamp: '1577887200',
    nonce: 'ec11dd3e-1e7f-4db5-9467-82b02cd223b9',
  });
  const post = (params: Record<string, string>): CallbackRequest => ({ method: 'POST', url: CALLBACK, headers: { 'content-type': 'application/json' }, query: {}, rawBody: JSON.stringify(params) });
  const get = (params: Record<string, string>): CallbackRequest => ({ method: 'GET', url: `${CALLBACK}?${new URLSearchParams(params)}`, headers: {}, query: params, rawBody: '' });

  // Vonage's documented scheme, written out independently of the adapter.
  function sign(params: Record<string, string>, method: 'md5hash' | 'sha256', secret = SIG_SECRET): Record<string, string> {
    const base = Object.keys(params)
      .sort()
      .map((k) => `&${k}=${(params[k] ?? '').replace(/[&=]/g, '_')}`)
      .join('');
    const sig =
      method === 'md5hash'
        ? createHash('md5')
            .update(base + secret)
            .digest('hex')
        : createHmac('sha256', secret).update(base).digest('hex').toUpperCase();
    return { ...params, sig };
  }

  it('reads delivered, failed, rejected and expired receipts and skips interim ones (unsigned setup)', async () => {
    const p = make('http://127.0.0.1:1');
    expect(await p.parseCallback?.(post(dlr('0A01', 'delivered')))).toEqual([{ providerMessageId: '0A01', status: 'delivered' }]);
    expect(await p.parseCallback?.(get(dlr('0A02', 'failed', '6')))).toEqual([{ providerMessageId: '0A02', status: 'undeliverable', errorCode: '6' }]);
    expect(await p.parseCallback?.(post(dlr('0A03', 'rejected', '2')))).toEqual([{ providerMessageId: '0A03', status: 'undeliverable', errorCode: '2' }]);
    expect(await p.parseCallback?.(post(dlr('0A04', 'expired', '5')))).toEqual([{ providerMessageId: '0A04', status: 'undeliverable', errorCode: '5' }]);
    expect(await p.parseCallback?.(post(dlr('0A05', 'accepted')))).toEqual([]);
    expect(await p.parseCallback?.(post(dlr('0A06', 'buffered')))).toEqual([]);
  });

  it('accepts receipts signed with the configured secret: sha256 HMAC over JSON, md5 hash over a GET', async () => {
    const hmac = make('http://127.0.0.1:1', { signatureSecret: SIG_SECRET, signatureMethod: 'sha256' });
    expect(await hmac.parseCallback?.(post(sign(dlr('0B01', 'delivered'), 'sha256')))).toEqual([{ providerMessageId: '0B01', status: 'delivered' }]);
    const md5 = make('http://127.0.0.1:1', { signatureSecret: SIG_SECRET });
    const withAmp = { ...dlr('0B02', 'failed', '1'), 'client-ref': 'a&b=c' };
    expect(await md5.parseCallback?.(get(sign(withAmp, 'md5hash')))).toEqual([{ providerMessageId: '0B02', status: 'undeliverable', errorCode: '1' }]);
  });

  it('rejects an unsigned, wrongly signed or altered receipt with BAD_SIGNATURE', async () => {
    const p = make('http://127.0.0.1:1', { signatureSecret: SIG_SECRET, signatureMethod: 'sha256' });
    const good = sign(dlr('0C01', 'failed', '6'), 'sha256');
    for (const params of [dlr('0C01', 'delivered'), sign(dlr('0C01', 'delivered'), 'sha256', 'other-secret'), { ...good, status: 'delivered' }]) {
      const err = await refusal(Promise.resolve().then(() => p.parseCallback?.(post(params))));
      expect([err.code, err.retryable]).toEqual(['BAD_SIGNATURE', false]);
      expect(err.message).not.toContain(SIG_SECRET);
    }
  });
});
