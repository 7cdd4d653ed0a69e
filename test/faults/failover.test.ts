/**
 * Fault test: the primary SMS gateway fails. Its breaker opens within the threshold, traffic
 * moves to the secondary, and every verification still completes.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { systemClock } from '../../src/lib/clock.js';
import { describeOnBackends, startTestApp, type TestApp } from '../helpers/test-app.js';

const THRESHOLD = 3;
const COUNT = 12;

interface Gateway {
  url: string;
  calls: Array<{ to: string; text: string }>;
  status: number;
  close(): Promise<void>;
}

/** A JSON SMS gateway on loopback answering `status` to every send. */
async function gateway(status: number): Promise<Gateway> {
  const g: Gateway = { url: '', calls: [], status, close: () => new Promise((resolve) => server.close(() => resolve())) };
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => {
      const msg = JSON.parse(body) as { to: string; text: string };
      g.calls.push(msg);
      res.statusCode = g.status;
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify(g.status < 300 ? { id: `gw-${g.calls.length}` } : { error: 'unavailable' }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  g.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/send`;
  return g;
}

const provider = (name: string, url: string) => ({ name, type: 'http', url, body: { to: '{to}', text: '{text}' }, messageIdPath: 'id', timeoutMs: 2000 });

describeOnBackends('SMS failover', (backend) => {
  let t: TestApp;
  let primary: Gateway;
  let secondary: Gateway;
  beforeAll(async () => {
    primary = await gateway(503);
    secondary = await gateway(200);
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
      const sms = secondary.calls.filter((c) => c.to === v.to);
      expect(sms).toHaveLength(1);
      const code = /\b(\d{6})\b/.exec(sms[0]?.text ?? '')?.[1];
      expect((await t.post(`/v1/verifications/${v.id}/check`, { code })).body.status).toBe('approved');
    }
  });
});
