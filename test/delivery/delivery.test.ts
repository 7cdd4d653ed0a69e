import { afterAll, beforeAll, expect, it } from 'vitest';
import { ProviderError } from '../../src/kernel/provider-errors.js';
import type { DeliveryReceipt, OutboundMessage, SendReceipt } from '../../src/kernel/message.js';
import type { MessageProvider } from '../../src/delivery/provider.js';
import { CHANNELS, type Channel } from '../../src/kernel/channel.js';
import { describeOnBackends, startTestApp, type TestApp } from '../helpers/test-app.js';

/**
 * A provider that is not local: it gets the message from the outbox worker after the
 * verification has committed, the way a carrier does. The real adapters are tested against real
 * servers in test/vendors; this one makes each outbox rule easy to drive.
 */
class RecordingProvider implements MessageProvider {
  readonly type = 'recording';
  readonly billable = true;
  readonly sent: OutboundMessage[] = [];
  readonly failures: ProviderError[] = [];
  calls = 0;
  constructor(
    readonly name: string,
    readonly capabilities: MessageProvider['capabilities'] = { channels: CHANNELS, unicode: true },
  ) {}

  async send(m: OutboundMessage): Promise<SendReceipt> {
    this.calls += 1;
    const err = this.failures.shift();
    if (err) throw err;
    this.sent.push(m);
    return { providerMessageId: `${this.name}-${this.sent.length}`, status: 'sent' };
  }

  parseCallback(req: { rawBody: string; headers: Record<string, string | undefined> }): DeliveryReceipt[] {
    if (req.headers['x-test-signature'] !== 'good') throw new ProviderError('BAD_SIGNATURE', 'bad signature');
    return [JSON.parse(req.rawBody) as DeliveryReceipt];
  }
}

/** A verification's newest message row with its attempt log. */
async function latestMessage(t: TestApp, verificationId: string) {
  const row = await t.verity.database.db.selectFrom('messages').selectAll().where('verification_id', '=', verificationId).orderBy('created_at', 'desc').executeTakeFirstOrThrow();
  return { ...row, attemptsLog: await t.verity.outbox.attempts(row.id) };
}

const temporary = () => new ProviderError('THROTTLED', 'slow down');
const permanent = () => new ProviderError('INVALID_DESTINATION', 'no such number');

describeOnBackends('the delivery outbox', (backend) => {
  let t: TestApp;
  const phone = { channels: ['sms', 'whatsapp'] as Channel[], unicode: true };
  const primary = new RecordingProvider('primary', phone);
  const secondary = new RecordingProvider('secondary', phone);
  const mailer = new RecordingProvider('mailer', { channels: ['email'], unicode: true });
  beforeAll(async () => {
    t = await startTestApp(backend, {
      env: {
        ROUTES: JSON.stringify([
          { channel: 'sms', provider: 'primary', priority: 1 },
          { channel: 'sms', provider: 'secondary', priority: 2 },
          { channel: 'whatsapp', prefix: '44', provider: 'secondary' },
        ]),
        DELIVERY_MAX_ATTEMPTS: '3',
        DELIVERY_BACKOFF_MS: '1000',
        DELIVERY_BACKOFF_MAX_MS: '8000',
        BREAKER_THRESHOLD: '100',
      },
      build: { providers: () => [primary, secondary, mailer] },
    });
  });
  afterAll(async () => t?.close());

  const message = (verificationId: string) => latestMessage(t, verificationId);
  const start = async (to: string, channel: Channel = 'sms') => {
    const r = await t.post('/v1/verifications', { to, channel });
    expect(r.status).toBe(201);
    return r.body as { id: string; status: string };
  };
  const status = async (id: string) => (await t.get(`/v1/verifications/${id}`)).body.status as string;

  it('queues the message with the verification and sends it after commit, dropping the sealed code', async () => {
    const v = await start('+5511961110001');
    expect(v.status).toBe('pending');
    const queued = await message(v.id);
    expect(queued).toMatchObject({ status: 'queued', provider: null });
    expect(queued.payload_sealed).toMatch(/\S/);
    expect(queued.payload_sealed).not.toContain('Verity');

    await t.verity.worker.drain();
    const sent = primary.sent.at(-1);
    expect(sent).toMatchObject({ verificationId: v.id, channel: 'sms', to: '+5511961110001', locale: 'en' });
    expect(sent?.text).toContain(sent?.code);
    const row = await message(v.id);
    expect(row).toMatchObject({ status: 'sent', provider: 'primary', provider_message_id: `primary-${primary.sent.length}`, payload_sealed: null, attempts: 1 });
    expect(row.attemptsLog).toMatchObject([{ provider: 'primary', result: 'sent' }]);
    expect((await t.post(`/v1/verifications/${v.id}/check`, { code: sent?.code })).body.valid).toBe(true);
  });

  it('moves to the next provider of the route when the first refuses, and records both attempts', async () => {
    primary.failures.push(temporary());
    const v = await start('+5511961110002');
    await t.verity.worker.drain();
    const row = await message(v.id);
    expect(row).toMatchObject({ status: 'sent', provider: 'secondary' });
    expect(row.attemptsLog.map((a) => [a.provider, a.result, a.error])).toEqual([
      ['primary', 'error', 'THROTTLED'],
      ['secondary', 'sent', null],
    ]);
    expect(secondary.sent.at(-1)?.verificationId).toBe(v.id);
  });

  it('retries a retryable failure later with backoff, then sends', async () => {
    primary.failures.push(temporary());
    secondary.failures.push(temporary());
    const v = await start('+5511961110003');
    await t.verity.worker.drain();
    const waiting = await message(v.id);
    expect(waiting).toMatchObject({ status: 'queued', error: 'THROTTLED', attempts: 1 });
    expect(waiting.payload_sealed).toMatch(/\S/);
    // Due between half and all of the first backoff (1 s), never at once.
    const delay = (waiting.next_attempt_at ?? 0) - t.clock.now();
    expect(delay).toBeGreaterThanOrEqual(500);
    expect(delay).toBeLessThanOrEqual(1000);
    await t.verity.worker.drain();
    expect((await message(v.id)).status).toBe('queued');

    t.clock.advance(1000);
    await t.verity.worker.drain();
    const row = await message(v.id);
    expect(row).toMatchObject({ status: 'sent', provider: 'primary', attempts: 2, payload_sealed: null });
    expect(row.attemptsLog).toHaveLength(3);
    expect(await status(v.id)).toBe('pending');
  });

  it('fails the message and the verification after the last attempt', async () => {
    for (let i = 0; i < 3; i++) primary.failures.push(temporary()), secondary.failures.push(temporary());
    const v = await start('+5511961110004');
    for (let i = 0; i < 3; i++) {
      await t.verity.worker.drain();
      t.clock.advance(8000);
    }
    const row = await message(v.id);
    expect(row).toMatchObject({ status: 'failed', error: 'THROTTLED', attempts: 3, payload_sealed: null });
    expect(row.attemptsLog).toHaveLength(6);
    expect((await t.get(`/v1/verifications/${v.id}`)).body).toMatchObject({ status: 'failed', failure_reason: 'provider_rejected', failure_provider_error: 'THROTTLED' });
    expect((await t.post(`/v1/verifications/${v.id}/check`, { code: '123456' })).body.code).toBe('VERIFICATION_FAILED');
    expect((await t.app.inject({ method: 'GET', url: '/metrics' })).body).toMatch(/verity_verifications_failed_total\{channel="sms"\} [1-9]/);
  });

  it('fails at once when every provider refuses the message for good', async () => {
    primary.failures.push(permanent());
    secondary.failures.push(permanent());
    const v = await start('+5511961110005');
    await t.verity.worker.drain();
    expect(await message(v.id)).toMatchObject({ status: 'failed', error: 'INVALID_DESTINATION', attempts: 1, payload_sealed: null });
    expect((await t.get(`/v1/verifications/${v.id}`)).body).toMatchObject({ status: 'failed', failure_reason: 'provider_rejected', failure_provider_error: 'INVALID_DESTINATION' });
  });

  it('routes by calling-code prefix and falls back to the providers that declare the channel', async () => {
    const uk = await start('+447911123456', 'whatsapp');
    const br = await start('+5511961110031', 'whatsapp');
    const mail = await start('someone@example.org', 'email');
    await t.verity.worker.drain();
    expect((await message(uk.id)).provider).toBe('secondary');
    expect((await message(br.id)).provider).toBe('primary');
    expect((await message(mail.id)).provider).toBe('mailer');
  });

  it('sends magic test numbers to the sandbox whatever the routes say', async () => {
    const v = await start('+15005550006');
    expect((await message(v.id)).provider).toBe('sandbox');
  });

  it('does not send a queued message whose verification was canceled', async () => {
    const before = primary.sent.length + secondary.sent.length;
    const v = await start('+5511961110041');
    expect((await t.post(`/v1/verifications/${v.id}/cancel`)).status).toBe(200);
    await t.verity.worker.drain();
    expect(primary.sent.length + secondary.sent.length).toBe(before);
    expect(await message(v.id)).toMatchObject({ status: 'failed', error: 'VERIFICATION_FINISHED', payload_sealed: null });
  });

  it('claims a message again when the worker that held it died', async () => {
    const v = await start('+5511961110051');
    const m = await message(v.id);
    // A worker claims it and dies before answering: the lease runs out.
    const claimed = await t.verity.outbox.claim(t.clock.now(), 60_000, 100);
    expect(claimed.map((c) => c.id)).toContain(m.id);
    await t.verity.worker.drain();
    expect((await message(v.id)).status).toBe('sending');
    t.clock.advance(60_000);
    await t.verity.worker.drain();
    expect(await message(v.id)).toMatchObject({ status: 'sent', attempts: 2 });
  });

  it('applies signed status callbacks: delivered, and undeliverable fails the verification', async () => {
    const a = await start('+5511961110061');
    const b = await start('+5511961110062');
    await t.verity.worker.drain();
    const [ma, mb] = [await message(a.id), await message(b.id)];
    const callback = (body: unknown, signature: string) =>
      t.app.inject({ method: 'POST', url: `/v1/providers/${ma.provider}/callback`, headers: { 'content-type': 'application/json', 'x-test-signature': signature }, payload: JSON.stringify(body) });

    const forged = await callback({ providerMessageId: ma.provider_message_id, status: 'undeliverable' }, 'bad');
    expect(forged.statusCode).toBe(401);
    expect(JSON.parse(forged.body).code).toBe('INVALID_SIGNATURE');
    expect((await message(a.id)).status).toBe('sent');

    expect((await callback({ providerMessageId: ma.provider_message_id, status: 'delivered' }, 'good')).statusCode).toBe(200);
    expect((await message(a.id)).status).toBe('delivered');
    expect((await callback({ providerMessageId: mb.provider_message_id, status: 'undeliverable', errorCode: 'EXPIRED' }, 'good')).statusCode).toBe(200);
    expect(await message(b.id)).toMatchObject({ status: 'undeliverable', error: 'EXPIRED' });
    expect((await t.get(`/v1/verifications/${b.id}`)).body).toMatchObject({ status: 'failed', failure_reason: 'undeliverable', failure_provider_error: 'EXPIRED' });
    // A late or repeated receipt moves nothing backwards.
    await callback({ providerMessageId: ma.provider_message_id, status: 'undeliverable' }, 'good');
    expect((await message(a.id)).status).toBe('delivered');
    expect(await status(a.id)).toBe('pending');
  });

  it('answers 404 for a callback to a provider that does not exist', async () => {
    const r = await t.app.inject({ method: 'POST', url: '/v1/providers/nobody/callback', headers: { 'content-type': 'application/json' }, payload: '{}' });
    expect(r.statusCode).toBe(404);
    expect(JSON.parse(r.body).code).toBe('PROVIDER_NOT_FOUND');
  });
});

describeOnBackends('circuit breakers', (backend) => {
  let t: TestApp;
  const primary = new RecordingProvider('primary');
  const secondary = new RecordingProvider('secondary');
  beforeAll(async () => {
    t = await startTestApp(backend, {
      env: {
        ROUTES: JSON.stringify([
          { channel: 'sms', provider: 'primary', priority: 1 },
          { channel: 'sms', provider: 'secondary', priority: 2 },
        ]),
        BREAKER_THRESHOLD: '3',
        BREAKER_HALF_OPEN_MS: '60000',
      },
      build: { providers: () => [primary, secondary] },
    });
  });
  afterAll(async () => t?.close());
  const start = async (to: string) => (await t.post('/v1/verifications', { to, channel: 'sms' })).body as { id: string };
  const message = (verificationId: string) => latestMessage(t, verificationId);

  it('opens a failing provider’s breaker, so later messages go straight to the next one', async () => {
    for (let i = 0; i < 3; i++) primary.failures.push(temporary());
    for (let i = 0; i < 3; i++) await start(`+551196111002${i}`);
    await t.verity.worker.drain();
    expect(t.verity.breakers.state('primary')).toBe('open');
    const callsBefore = primary.calls;
    const v = await start('+5511961110029');
    await t.verity.worker.drain();
    expect(primary.calls).toBe(callsBefore);
    expect(await message(v.id)).toMatchObject({ status: 'sent', provider: 'secondary' });
    expect((await message(v.id)).attemptsLog.map((a) => a.error)).toEqual(['CIRCUIT_OPEN', null]);
  });

  it('keeps a message’s attempts while every provider of its route is skipped by an open breaker', async () => {
    secondary.failures.push(...Array.from({ length: 3 }, temporary));
    for (let i = 0; i < 3; i++) await start(`+551196111003${i}`);
    await t.verity.worker.drain();
    expect(t.verity.breakers.state('secondary')).toBe('open');
    const v = await start('+5511961110039');
    await t.verity.worker.drain();
    expect(await message(v.id)).toMatchObject({ status: 'queued', attempts: 0, error: 'CIRCUIT_OPEN' });
  });
});
