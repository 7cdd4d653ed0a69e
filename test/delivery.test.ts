import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProviderError, type MessageProvider, type OutboundMessage, type SendReceipt } from '../src/delivery/provider.js';
import { CHANNELS } from '../src/verifications/recipient.js';
import { BACKENDS, backendTitle, startTestApp, type TestApp } from './helpers/test-app.js';

/**
 * A provider that is not local: it gets the message after the verification has committed, the
 * way a carrier does. It stands in for a carrier only to exercise that path; no real provider
 * exists yet.
 */
class RecordingProvider implements MessageProvider {
  readonly name = 'recording';
  readonly billable = true;
  readonly channels = CHANNELS;
  readonly sent: OutboundMessage[] = [];
  failNext: ProviderError | undefined;

  async send(m: OutboundMessage): Promise<SendReceipt> {
    if (this.failNext) {
      const err = this.failNext;
      this.failNext = undefined;
      throw err;
    }
    this.sent.push(m);
    return { providerMessageId: `rec-${this.sent.length}`, status: 'sent' };
  }
}

describe.each(BACKENDS.map((b) => [backendTitle(b), b] as const))('delivery through a non-local provider on %s', (_title, backend) => {
  let t: TestApp;
  const provider = new RecordingProvider();
  beforeAll(async () => {
    if (backend.url) t = await startTestApp(backend, { build: { providers: () => [provider] } });
  });
  afterAll(async () => t?.close());

  const messages = (verificationId: string) => t.verity.database.db.selectFrom('messages').selectAll().where('verification_id', '=', verificationId).execute();

  describe.skipIf(!backend.url)('', () => {
    it('hands the message over after commit, records the provider id and drops the sealed payload', async () => {
      const r = await t.post('/v1/verifications', { to: '+5511961110001', channel: 'sms' });
      expect(r.status).toBe(201);
      expect(r.body.status).toBe('pending');
      const sent = provider.sent.at(-1);
      expect(sent).toMatchObject({ verificationId: r.body.id, channel: 'sms', to: '+5511961110001' });
      expect(sent?.text).toContain(sent?.code);
      const [row] = await messages(r.body.id);
      expect(row).toMatchObject({ status: 'sent', provider: 'recording', provider_message_id: `rec-${provider.sent.length}`, payload_sealed: null });
      const check = await t.post(`/v1/verifications/${r.body.id}/check`, { code: sent?.code });
      expect(check.body.valid).toBe(true);
    });

    it('fails the verification when the provider refuses the message, and keeps the error code', async () => {
      provider.failNext = new ProviderError('NUMBER_BLOCKED', 'the carrier refused the number', false);
      const r = await t.post('/v1/verifications', { to: '+5511961110002', channel: 'sms' });
      expect(r.status).toBe(201);
      expect(r.body.status).toBe('failed');
      const [row] = await messages(r.body.id);
      expect(row).toMatchObject({ status: 'failed', provider: 'recording', error: 'NUMBER_BLOCKED', payload_sealed: null });
      expect((await t.post(`/v1/verifications/${r.body.id}/check`, { code: '123456' })).body.code).toBe('VERIFICATION_FAILED');
      const metrics = await t.app.inject({ method: 'GET', url: '/metrics' });
      expect(metrics.body).toMatch(/verity_verifications_failed_total\{channel="sms"\} [1-9]/);
    });
  });
});
