/**
 * Fault test, end to end through the outbox: the SMSC drops the link in the middle of a window.
 * After the provider binds again, the worker re-sends what was not acknowledged; every message
 * ends acknowledged exactly once, and none that was acknowledged is submitted again.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { systemClock } from '../../src/lib/clock.js';
import { describeOnBackends, startTestApp, type TestApp } from '../helpers/test-app.js';
import { LoopbackSmsc } from '../fakes/smpp/loopback-smsc.js';

const COUNT = 10;

async function until(check: () => boolean | Promise<boolean>, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describeOnBackends('SMSC link drop', (backend) => {
  let t: TestApp;
  let smsc: LoopbackSmsc;
  beforeAll(async () => {
    smsc = await LoopbackSmsc.start({ systemId: 'verity', password: 'secret1' });
    smsc.dropMidWindow = { after: COUNT, answer: 4 };
    t = await startTestApp(backend, {
      env: {
        PROVIDERS: JSON.stringify([{ name: 'smsc', type: 'smpp', host: '127.0.0.1', port: smsc.port, systemId: 'verity', password: 'secret1', windowSize: COUNT, connectTimeoutMs: 3000 }]),
        DELIVERY_POLL_MS: '50',
        DELIVERY_BACKOFF_MS: '200',
        DELIVERY_BACKOFF_MAX_MS: '1000',
        DELIVERY_MAX_ATTEMPTS: '20',
        // One provider only: this test is about the link, not about moving traffic elsewhere.
        BREAKER_THRESHOLD: '100',
      },
      build: { clock: systemClock },
    });
  });
  afterAll(async () => {
    await t?.close();
    await smsc?.close();
  });

  it('acknowledges every message once after the reconnect and never re-submits an acknowledged one', { timeout: 30_000 }, async () => {
    const started = await Promise.all(
      Array.from({ length: COUNT }, async (_, i) => {
        const to = `+55119812300${String(i).padStart(2, '0')}`;
        const r = await t.post('/v1/verifications', { to, channel: 'sms' });
        expect(r.status).toBe(201);
        return { id: r.body.id as string, digits: to.slice(1) };
      }),
    );
    // All ten are queued before the worker starts, so one claim puts them in one window.
    t.verity.worker.start();
    const sentRows = () => t.verity.database.db.selectFrom('messages').select(['status', 'provider_message_id', 'verification_id']).where('status', '=', 'sent').execute();
    await until(async () => (await sentRows()).length === COUNT, 20_000);

    expect(smsc.binds.filter((b) => b.accepted).length).toBeGreaterThanOrEqual(2);
    for (const v of started) {
      const submits = smsc.submits.filter((s) => s.destination === v.digits);
      const acks = submits.filter((s) => s.status === 0);
      expect(acks, v.digits).toHaveLength(1);
      // Acknowledged on the first link: submitted once. Cut off by the drop: once more after the rebind.
      const firstAck = submits.findIndex((s) => s.status === 0);
      expect(submits.slice(firstAck + 1), v.digits).toHaveLength(0);
      const row = (await sentRows()).find((m) => m.verification_id === v.id);
      expect(row?.provider_message_id).toBe(acks[0]?.messageId);
      const code = /\b(\d{6})\b/.exec(acks[0]?.text ?? '')?.[1];
      expect((await t.post(`/v1/verifications/${v.id}/check`, { code })).body.status).toBe('approved');
    }
    expect(smsc.submits.filter((s) => s.status === 0)).toHaveLength(COUNT);
    expect(smsc.submits.length).toBeGreaterThan(COUNT); // the drop really cut some off
  });
});
