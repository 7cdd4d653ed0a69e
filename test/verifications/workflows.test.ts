import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProviderError } from '../../src/kernel/provider-errors.js';
import type { MessageProvider } from '../../src/delivery/provider.js';
import type { OutboundMessage, SendReceipt } from '../../src/kernel/message.js';
import { CHANNELS } from '../../src/kernel/channel.js';
import { describeOnBackends, startTestApp, type TestApp } from '../helpers/test-app.js';

/** Records what it is given; a destination in `refuse` is refused for good. */
class Carrier implements MessageProvider {
  readonly name = 'carrier';
  readonly type = 'carrier';
  /** Billable sends are debited at the account's prices. */
  billable = false;
  readonly capabilities = { channels: CHANNELS, unicode: true };
  readonly sent: OutboundMessage[] = [];
  readonly refuse = new Set<string>();
  async send(m: OutboundMessage): Promise<SendReceipt> {
    if (this.refuse.has(`${m.channel}:${m.to}`)) throw new ProviderError('INVALID_DESTINATION', 'refused');
    this.sent.push(m);
    return { providerMessageId: `c-${this.sent.length}`, status: 'sent' };
  }
}

describeOnBackends('fallback workflows', (backend) => {
  let t: TestApp;
  const carrier = new Carrier();
  beforeAll(async () => {
    t = await startTestApp(backend, { env: { RESEND_COOLDOWN_S: '0' }, build: { providers: () => [carrier] } });
  });
  afterAll(async () => t?.close());
  const sentTo = (verificationId: string) => carrier.sent.filter((m) => m.verificationId === verificationId);
  const get = async (id: string, as?: { key: Parameters<TestApp['get']>[1] }) => (await t.get(`/v1/verifications/${id}`, as?.key)).body;

  it('starts the next step with the same code when a step fails', async () => {
    carrier.refuse.add('whatsapp:+5511951110001');
    const r = await t.post('/v1/verifications', { to: '+5511951110001', workflow: [{ channel: 'whatsapp' }, { channel: 'sms' }, { channel: 'voice' }] });
    expect(r.status).toBe(201);
    expect(r.body.channel).toBe('whatsapp');
    await t.verity.worker.drain();
    const sent = sentTo(r.body.id);
    expect(sent.map((m) => m.channel)).toEqual(['sms']);
    expect(await get(r.body.id)).toMatchObject({ status: 'pending', channel: 'sms', sends: 2 });
    expect((await t.post(`/v1/verifications/${r.body.id}/check`, { code: sent[0]?.code })).body.status).toBe('approved');
  });

  it('moves on when a step times out without approval, and not before', async () => {
    const r = await t.post('/v1/verifications', { to: '+5511951110002', workflow: [{ channel: 'sms', timeout_s: 30 }, { channel: 'voice' }] });
    await t.verity.worker.drain();
    expect(await t.verity.verifications.sweepSteps()).toBe(0);
    t.clock.advance(29_000);
    expect(await t.verity.verifications.sweepSteps()).toBe(0);
    t.clock.advance(1_000);
    expect(await t.verity.verifications.sweepSteps()).toBe(1);
    await t.verity.worker.drain();
    const sent = sentTo(r.body.id);
    expect(sent.map((m) => m.channel)).toEqual(['sms', 'voice']);
    expect(sent[1]?.code).toBe(sent[0]?.code);
    expect(await t.verity.verifications.sweepSteps()).toBe(0);
  });

  it('ends the verification as failed when the last step fails', async () => {
    carrier.refuse.add('sms:+5511951110003').add('voice:+5511951110003');
    const r = await t.post('/v1/verifications', { to: '+5511951110003', workflow: [{ channel: 'sms' }, { channel: 'voice' }] });
    await t.verity.worker.drain();
    await t.verity.worker.drain();
    expect((await get(r.body.id)).status).toBe('failed');
  });

  it('jumps to a step when resend names its channel', async () => {
    const r = await t.post('/v1/verifications', { to: '+5511951110004', workflow: [{ channel: 'sms', timeout_s: 60 }, { channel: 'whatsapp', timeout_s: 60 }, { channel: 'voice' }] });
    await t.verity.worker.drain();
    const resent = await t.post(`/v1/verifications/${r.body.id}/resend`, { channel: 'voice' });
    expect(resent.status).toBe(200);
    await t.verity.worker.drain();
    expect(sentTo(r.body.id).map((m) => m.channel)).toEqual(['sms', 'voice']);
    // Past the old step's timeout nothing moves: voice is the last step.
    t.clock.advance(120_000);
    expect(await t.verity.verifications.sweepSteps()).toBe(0);
  });

  it('uses the service’s default workflow when the start names no channel', async () => {
    const svc = await t.post('/v1/services', { name: 'otp', workflow: [{ channel: 'whatsapp' }, { channel: 'sms' }] });
    expect(svc.body.workflow).toEqual([{ channel: 'whatsapp' }, { channel: 'sms' }]);
    carrier.refuse.add('whatsapp:+5511951110005');
    const r = await t.post('/v1/verifications', { to: '+5511951110005', service: svc.body.id });
    expect(r.body.channel).toBe('whatsapp');
    await t.verity.worker.drain();
    expect(sentTo(r.body.id).map((m) => m.channel)).toEqual(['sms']);
  });

  it('walks the sandbox’s undeliverable magic number through every step to failed', async () => {
    const r = await t.post('/v1/verifications', { to: '+15005550001', workflow: [{ channel: 'sms' }, { channel: 'voice' }] });
    expect(r.body.status).toBe('failed');
    const inbox = (await t.get('/v1/sandbox/messages?to=%2B15005550001')).body.messages as Array<{ verification_id: string; channel: string }>;
    expect(
      inbox
        .filter((m) => m.verification_id === r.body.id)
        .map((m) => m.channel)
        .sort(),
    ).toEqual(['sms', 'voice']);
  });

  describe('a step the account cannot pay for', () => {
    let tenant: Awaited<ReturnType<TestApp['tenant']>>;
    beforeAll(async () => {
      if (!t) return;
      tenant = await t.tenant({ balance: 0 });
      const prices = await t.app.inject({
        method: 'PUT',
        url: `/v1/accounts/${tenant.accountId}/prices`,
        headers: { authorization: t.auth(), 'content-type': 'application/json' },
        payload: { prices: [{ channel: 'voice', prefix: '', price: 0.5 }] },
      });
      expect(prices.statusCode).toBe(200);
      carrier.billable = true;
    });
    afterAll(() => {
      carrier.billable = false;
    });
    const row = (id: string) => t.verity.verificationStore.byId(id);

    it('is skipped: the step after it starts, with the same code', async () => {
      carrier.refuse.add('sms:+5511951110007');
      const r = await t.post('/v1/verifications', { to: '+5511951110007', workflow: [{ channel: 'sms' }, { channel: 'voice' }, { channel: 'whatsapp' }] }, tenant.key);
      expect(r.status).toBe(201);
      await t.verity.worker.drain();
      await t.verity.worker.drain();
      const sent = sentTo(r.body.id);
      expect(sent.map((m) => m.channel)).toEqual(['whatsapp']);
      expect(await get(r.body.id, tenant)).toMatchObject({ status: 'pending', channel: 'whatsapp' });
      expect((await t.post(`/v1/verifications/${r.body.id}/check`, { code: sent[0]?.code }, tenant.key)).body.status).toBe('approved');
    });

    it('as the last step after a failed one ends the verification as failed', async () => {
      carrier.refuse.add('sms:+5511951110008');
      const r = await t.post('/v1/verifications', { to: '+5511951110008', workflow: [{ channel: 'sms' }, { channel: 'voice' }] }, tenant.key);
      await t.verity.worker.drain();
      await t.verity.worker.drain();
      expect((await get(r.body.id, tenant)).status).toBe('failed');
    });

    it('after a timed-out step leaves the verification pending on that step, its code good, and the stepper stops retrying it', async () => {
      const r = await t.post('/v1/verifications', { to: '+5511951110009', workflow: [{ channel: 'sms', timeout_s: 30 }, { channel: 'voice' }] }, tenant.key);
      await t.verity.worker.drain();
      t.clock.advance(30_000);
      expect(await t.verity.verifications.sweepSteps()).toBe(0);
      expect(await row(r.body.id)).toMatchObject({ status: 'pending', channel: 'sms', step: 0, step_deadline: null });
      // Nothing is due any more: the stepper does not try the unpayable step again every second.
      t.clock.advance(1_000);
      expect((await t.verity.verificationStore.dueSteps(t.clock.now())).map((v) => v.id)).not.toContain(r.body.id);
      const sent = sentTo(r.body.id);
      expect(sent.map((m) => m.channel)).toEqual(['sms']);
      expect((await t.post(`/v1/verifications/${r.body.id}/check`, { code: sent[0]?.code }, tenant.key)).body.status).toBe('approved');
    });
  });

  it('refuses a workflow with a step the destination cannot take, or both channel and workflow', async () => {
    expect((await t.post('/v1/verifications', { to: '+5511951110006', workflow: [{ channel: 'sms' }, { channel: 'email' }] })).body.code).toBe('CHANNEL_MISMATCH');
    expect((await t.post('/v1/verifications', { to: '+5511951110006', channel: 'sms', workflow: [{ channel: 'sms' }] })).body.code).toBe('VALIDATION_FAILED');
    expect((await t.post('/v1/verifications', { to: '+5511951110006' })).body.code).toBe('VALIDATION_FAILED');
  });
});
