/**
 * Fault test: the primary SMS gateway fails. Its breaker opens within the threshold, traffic
 * moves to the secondary, and every verification still completes.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { systemClock } from '../../src/lib/clock.js';
import { startJsonGateway, type JsonGateway } from '../fakes/http-gateway/json-gateway.js';
import { describeOnBackends, startTestApp, type TestApp } from '../helpers/test-app.js';

const THRESHOLD = 3;
const COUNT = 12;

const provider = (name: string, url: string) => ({ name, type: 'http', url, body: { to: '{to}', text: '{text}' }, messageIdPath: 'id', timeoutMs: 2000 });

describeOnBackends('SMS failover', (backend) => {
  let t: TestApp;
  let primary: JsonGateway;
  let secondary: JsonGateway;
  beforeAll(async () => {
    primary = await startJsonGateway(503);
    secondary = await startJsonGateway(200);
    t = await startTestApp(backend, {
      env: {
        PROVIDERS: JSON.stringify([provider('primary', primary.url), provider('secondary', secondary.url)]),
        ROUTES: JSON.stringify([
          { channel: 'sms', provider: 'primary', priority: 1 },
          { channel: 'sms', provider: 'secondary', priority: 2 },
        ]),
        DELIVERY_WORKER: 'true',
        DELIVERY_POLL_MS: '50',
        DELIVERY_CONCURRENCY: '1',
        BREAKER_THRESHOLD: String(THRESHOLD),
        BREAKER_HALF_OPEN_MS: '60000',
      },
      build: { clock: systemClock },
    });
  });
  afterAll(async () => {
    await t?.close();
    await primary?.close();
    await secondary?.close();
  });

  it('moves traffic to the secondary once the primary’s breaker opens, and every verification completes', { timeout: 30_000 }, async () => {
    const started: Array<{ id: string; to: string }> = [];
    for (let i = 0; i < COUNT; i++) {
      const to = `+55119812311${String(i).padStart(2, '0')}`;
      const r = await t.post('/v1/verifications', { to, channel: 'sms' });
      started.push({ id: r.body.id, to });
    }
    const deadline = Date.now() + 20_000;
    while (secondary.calls.length < COUNT && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));

    expect(secondary.calls).toHaveLength(COUNT);
    // The primary was tried only until its breaker opened.
    expect(primary.calls).toHaveLength(THRESHOLD);
    expect(t.verity.breakers.state('primary')).toBe('open');
    for (const v of started) {
      const sms = secondary.calls.filter((c) => c.body.to === v.to);
      expect(sms).toHaveLength(1);
      const code = /\b(\d{6})\b/.exec(sms[0]?.body.text ?? '')?.[1];
      expect((await t.post(`/v1/verifications/${v.id}/check`, { code })).body.status).toBe('approved');
    }
  });
});
