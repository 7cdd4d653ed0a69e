/**
 * The WhatsApp adapter against a loopback fake of the Cloud API that checks the documented
 * authentication-template message; webhooks are signed here the way Meta documents it.
 */
import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallbackRequest } from '../../src/kernel/message.js';
import type { MessageProvider } from '../../src/delivery/provider.js';
import { whatsappProvider, WhatsAppProvider, type WhatsAppOptions } from '../../src/vendors/whatsapp/index.js';
import { describeProviderContract, outbound } from '../contracts/message-provider-contract.js';
import { providerContext, refusedUrl } from '../fakes/fake-server.js';
import { metaError, startWhatsAppFake, type WhatsAppFake } from '../fakes/whatsapp/cloud-api-fake.js';
import { refusal } from '../helpers/refusal.js';

const PHONE_ID = '106540352242922';
const TOKEN = 'EAAwa-access-token-3c4d5e';
const APP_SECRET = 'meta-app-secret-6f7a8b';
const TEMPLATE = 'verity_code';
const TO = '+5511987654321';
const WEBHOOK = 'https://verity.example.com/v1/providers/wa-main/callback';
const fakeOptions = { version: 'v21.0', phoneNumberId: PHONE_ID, token: TOKEN, templateName: TEMPLATE };

function make(baseUrl: string, extra: Partial<WhatsAppOptions> = {}): MessageProvider {
  return whatsappProvider.create({ phoneNumberId: PHONE_ID, accessToken: TOKEN, templateName: TEMPLATE, baseUrl, timeoutMs: 2000, ...extra }, providerContext('wa-main'));
}

describeProviderContract('whatsapp (authentication template)', async () => {
  const fake = await startWhatsAppFake(fakeOptions);
  const harness = {
    provider: make(fake.url),
    channel: 'whatsapp' as const,
    to: TO,
    received: async () => fake.received,
    refuseNext: (kind: 'permanent' | 'temporary') => fake.refuseNext(kind),
    close: () => fake.close(),
    // The recipient sees WhatsApp's approved template around the code, never Verity's text, so the
    // contract's "non-Latin text arrives intact" check cannot hold here. This flag is not read by
    // contract.ts yet: the change it needs is proposed to the lead (see the provider's report).
    carriesText: false,
  };
  return harness;
});

describe('whatsapp adapter', () => {
  let fake: WhatsAppFake;
  let provider: MessageProvider;
  beforeAll(async () => {
    fake = await startWhatsAppFake(fakeOptions);
    provider = make(fake.url);
  });
  afterAll(() => fake.close());

  it('posts the documented copy-code template message with the Bearer token', async () => {
    const receipt = await provider.send(outbound({ channel: 'whatsapp', to: TO }, 'Your code is 482913', { code: '482913' }));
    expect(receipt).toEqual({ providerMessageId: expect.stringMatching(/^wamid\./), status: 'sent' });
    const req = fake.requests.at(-1);
    expect(req?.method).toBe('POST');
    expect(req?.path).toBe(`/v21.0/${PHONE_ID}/messages`);
    expect(req?.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(req?.headers['content-type']).toBe('application/json');
    expect(JSON.parse(req?.body ?? '')).toEqual({
      messaging_product: 'whatsapp',
      recipient_type: 'individual',
      to: '5511987654321',
      type: 'template',
      template: {
        name: TEMPLATE,
        language: { code: 'en_US' },
        components: [
          { type: 'body', parameters: [{ type: 'text', text: '482913' }] },
          { type: 'button', sub_type: 'url', index: '0', parameters: [{ type: 'text', text: '482913' }] },
        ],
      },
    });
    expect(fake.received.at(-1)).toEqual({ to: TO, text: '482913 is your verification code.' });
    expect(fake.violations).toEqual([]);
  });

  it.each([
    ['pt-BR', 'pt_BR'],
    ['pt-PT', 'pt_BR'],
    ['es', 'es'],
    ['ru', 'ru'],
    ['id', 'id'],
    ['de', 'en_US'],
  ])('sends the template in the language of locale %s (%s)', async (locale, code) => {
    await provider.send(outbound({ channel: 'whatsapp', to: TO }, 'x', { locale }));
    expect(JSON.parse(fake.requests.at(-1)?.body ?? '').template.language.code).toBe(code);
  });

  it.each([
    [400, 131026, 'UNDELIVERABLE', false],
    [400, 131030, 'RECIPIENT_NOT_ALLOWED', false],
    [400, 131009, 'INVALID_REQUEST', false],
    [404, 132001, 'TEMPLATE_REJECTED', false],
    [401, 190, 'AUTH_FAILED', false],
    [429, 130429, 'THROTTLED', true],
    [400, 131048, 'THROTTLED', true],
    [400, 131056, 'THROTTLED', true],
    [400, 80007, 'THROTTLED', true],
    [500, 131000, 'PROVIDER_UNAVAILABLE', true],
    [503, 2, 'PROVIDER_UNAVAILABLE', true],
  ])('maps HTTP %i with error %i to %s (retryable: %s)', async (status, code, expected, retryable) => {
    fake.replyNext(metaError(status, code, `(#${code}) failed for ${TO}: 771199`));
    const err = await refusal(provider.send(outbound({ channel: 'whatsapp', to: TO }, 'code', { code: '771199' })));
    expect([err.code, err.retryable]).toEqual([expected, retryable]);
    for (const secret of [TO, '5511987654321', '771199', TOKEN]) expect(err.message).not.toContain(secret);
  });

  it('treats a 502 from a proxy in front of the API as retryable', async () => {
    fake.replyNext({ status: 502, json: undefined });
    const err = await refusal(provider.send(outbound({ channel: 'whatsapp', to: TO }, 'code')));
    expect(err.retryable).toBe(true);
  });

  it('reports an API it cannot connect to as retryable CONNECTION_FAILED', async () => {
    const err = await refusal(make(await refusedUrl()).send(outbound({ channel: 'whatsapp', to: TO }, 'code')));
    expect([err.code, err.retryable]).toEqual(['CONNECTION_FAILED', true]);
  });

  it('gives up on an API that does not answer with a retryable TIMEOUT', async () => {
    fake.replyNext('hang');
    const err = await refusal(make(fake.url, { timeoutMs: 300 }).send(outbound({ channel: 'whatsapp', to: TO }, 'code')));
    expect([err.code, err.retryable]).toEqual(['TIMEOUT', true]);
  });
});

describe('whatsapp webhooks', () => {
  const provider = make('http://127.0.0.1:1', { appSecret: APP_SECRET });
  const notification = (...statuses: object[]) =>
    JSON.stringify({
      object: 'whatsapp_business_account',
      entry: [
        {
          id: '102290129340398',
          changes: [{ field: 'messages', value: { messaging_product: 'whatsapp', metadata: { display_phone_number: '15550783881', phone_number_id: PHONE_ID }, statuses } }],
        },
      ],
    });
  const status = (id: string, s: string, errors?: object[]) => ({ id, status: s, timestamp: '1750263773', recipient_id: '5511987654321', ...(errors ? { errors } : {}) });
  // Meta's documented signature, written out independently of the adapter.
  const signed = (rawBody: string, secret = APP_SECRET): CallbackRequest => ({
    method: 'POST',
    url: WEBHOOK,
    headers: { 'content-type': 'application/json', 'x-hub-signature-256': `sha256=${createHmac('sha256', secret).update(rawBody).digest('hex')}` },
    query: {},
    rawBody,
  });

  it('turns signed delivered, read and failed statuses into receipts and skips sent', async () => {
    const body = notification(
      status('wamid.A', 'sent'),
      status('wamid.A', 'delivered'),
      status('wamid.B', 'read'),
      status('wamid.C', 'failed', [{ code: 131026, title: 'Message undeliverable', message: 'Message undeliverable', error_data: { details: 'x' } }]),
    );
    expect(await provider.parseCallback?.(signed(body))).toEqual([
      { providerMessageId: 'wamid.A', status: 'delivered' },
      { providerMessageId: 'wamid.B', status: 'delivered' },
      { providerMessageId: 'wamid.C', status: 'undeliverable', errorCode: '131026' },
    ]);
  });

  it('reads a notification without statuses (an incoming message) as no receipts', async () => {
    const body = JSON.stringify({ object: 'whatsapp_business_account', entry: [{ id: '1', changes: [{ field: 'messages', value: { messages: [{ from: '5511987654321', type: 'text' }] } }] }] });
    expect(await provider.parseCallback?.(signed(body))).toEqual([]);
  });

  it('keeps non-ASCII bodies verifiable, since the signature is over the raw bytes', async () => {
    const body = notification({ ...status('wamid.D', 'delivered'), note: 'código ваш 👍' });
    expect(await provider.parseCallback?.(signed(body))).toEqual([{ providerMessageId: 'wamid.D', status: 'delivered' }]);
  });

  it('rejects a webhook that is unsigned, signed with another secret, or altered, with BAD_SIGNATURE', async () => {
    const body = notification(status('wamid.E', 'failed'));
    const altered = { ...signed(body), rawBody: notification(status('wamid.E', 'delivered')) };
    const unsigned = { ...signed(body), headers: { 'content-type': 'application/json' } };
    for (const req of [unsigned, signed(body, 'another-secret'), altered]) {
      const err = await refusal(Promise.resolve().then(() => provider.parseCallback?.(req)));
      expect([err.code, err.retryable]).toEqual(['BAD_SIGNATURE', false]);
      expect(err.message).not.toContain(APP_SECRET);
    }
  });

  it('answers the subscription check with hub.challenge only when the verify token matches', () => {
    const p = make('http://127.0.0.1:1', { verifyToken: 'verify-me-42' });
    expect(p).toBeInstanceOf(WhatsAppProvider);
    const check = (token: string) => ({ method: 'GET', url: WEBHOOK, headers: {}, rawBody: '', query: { 'hub.mode': 'subscribe', 'hub.verify_token': token, 'hub.challenge': '1158201444' } });
    expect((p as WhatsAppProvider).answerChallenge(check('verify-me-42'))).toBe('1158201444');
    expect((p as WhatsAppProvider).answerChallenge(check('verify-me-43'))).toBeUndefined();
  });
});
