import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isPublicAddress } from '../../src/outbound/outbound-guard.js';
import { describeOnBackends, lastCode, startTestApp, type TestApp } from '../helpers/test-app.js';

interface Hit {
  headers: IncomingHttpHeaders;
  body: string;
}

/** A receiver on loopback that records every call and answers with the next queued status (200 by default). */
async function receiver(): Promise<{ url: string; hits: Hit[]; answers: number[]; close(): Promise<void> }> {
  const hits: Hit[] = [];
  const answers: number[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => {
      hits.push({ headers: req.headers, body });
      res.statusCode = answers.shift() ?? 200;
      res.end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/hooks`, hits, answers, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

const events = (hits: Hit[]) => hits.map((h) => (JSON.parse(h.body) as { type: string }).type);

describeOnBackends('webhooks', (backend) => {
  let t: TestApp;
  let rx: Awaited<ReturnType<typeof receiver>>;
  beforeAll(async () => {
    rx = await receiver();
    // Tests call a receiver on loopback, which the SSRF guard refuses unless told otherwise.
    t = await startTestApp(backend, { env: { WEBHOOK_ALLOW_PRIVATE: 'true', WEBHOOK_BACKOFF_MS: '1000', WEBHOOK_MAX_ATTEMPTS: '3' } });
  });
  afterAll(async () => {
    await t?.close();
    await rx?.close();
  });
  const drain = async () => {
    await t.verity.webhooks.flush();
    return t.verity.webhookSender.drain();
  };

  let endpoint: { id: string; secret: string };

  it('registers an endpoint and shows its signing secret only once', async () => {
    const r = await t.post('/v1/webhooks', { url: rx.url, description: 'all events' });
    expect(r.status).toBe(201);
    expect(r.body.secret).toMatch(/^whsec_[A-Za-z0-9+/=]{32}$/);
    expect(r.body).toMatchObject({ url: rx.url, events: null, service_id: null });
    endpoint = r.body;
    const read = await t.get(`/v1/webhooks/${endpoint.id}`);
    expect(read.status).toBe(200);
    expect(read.body.secret).toBeUndefined();
    expect((await t.get('/v1/webhooks')).body.webhooks.map((w: { id: string }) => w.id)).toContain(endpoint.id);
  });

  it('sends signed verification and message events (Standard Webhooks)', async () => {
    const v = await t.post('/v1/verifications', { to: '+5511971110001', channel: 'sms' });
    const code = await lastCode(t, '+5511971110001');
    await t.post(`/v1/verifications/${v.body.id}/check`, { code });
    await drain();
    const mine = rx.hits.filter(
      (h) =>
        (JSON.parse(h.body) as { data: { id?: string; verification_id?: string } }).data.id === v.body.id ||
        (JSON.parse(h.body) as { data: { verification_id?: string } }).data.verification_id === v.body.id,
    );
    expect(events(mine).sort()).toEqual(['message.delivered', 'verification.approved', 'verification.started']);
    for (const h of mine) {
      const id = h.headers['webhook-id'] as string;
      const ts = h.headers['webhook-timestamp'] as string;
      expect(id).toMatch(/^evt_/);
      expect(ts).toMatch(/^\d{10}$/);
      expect(h.headers['webhook-signature']).toBe(new Webhook(endpoint.secret).sign(id, new Date(Number(ts) * 1000), h.body));
      expect(h.headers['content-type']).toBe('application/json');
      expect(h.body).not.toContain(code);
    }
    const approved = mine.map((h) => JSON.parse(h.body) as { type: string; data: Record<string, unknown> }).find((e) => e.type === 'verification.approved');
    expect(approved?.data).toMatchObject({ id: v.body.id, status: 'approved', channel: 'sms' });
  });

  it('sends an account its events from the moment it registers an endpoint, though earlier events found none', async () => {
    const { key } = await t.tenant({ postpaid: true });
    // No endpoint yet: this event is settled by the endpoint cache and goes nowhere.
    const before = await t.post('/v1/verifications', { to: '+5511971110002', channel: 'sms' }, key);
    await drain();
    const r = await t.post('/v1/webhooks', { url: rx.url, events: ['verification.started'] }, key);
    expect(r.status).toBe(201);
    const after = await t.post('/v1/verifications', { to: '+5511971110003', channel: 'sms' }, key);
    await drain();
    const ids = rx.hits.map((h) => (JSON.parse(h.body) as { data: { id?: string } }).data.id);
    expect(ids).toContain(after.body.id);
    expect(ids).not.toContain(before.body.id);
    const started = rx.hits.map((h) => JSON.parse(h.body) as { data: Record<string, unknown> }).find((e) => e.data.id === after.body.id);
    expect(started?.data).toMatchObject({ status: 'pending', channel: 'sms', to: '+5511971110003' });
  });

  it('retries a failed delivery with backoff and keeps a delivery log', async () => {
    rx.answers.push(500);
    const before = rx.hits.length;
    const v = await t.post('/v1/verifications', { to: 'retry@example.org', channel: 'email' });
    await drain();
    expect(rx.hits.length).toBeGreaterThan(before);
    let log = (await t.get(`/v1/webhooks/${endpoint.id}/deliveries`)).body.deliveries as Array<Record<string, unknown>>;
    const failed = log.find((d) => d.status === 'queued');
    expect(failed).toMatchObject({ response_status: 500, error: 'HTTP_500', attempts: 1 });
    const firstId = rx.hits.find((h) => h.headers['webhook-id'] === failed?.event_id);
    expect(firstId).toBeDefined();

    t.clock.advance(1000);
    await drain();
    log = (await t.get(`/v1/webhooks/${endpoint.id}/deliveries`)).body.deliveries;
    expect(log.find((d) => d.id === failed?.id)).toMatchObject({ status: 'succeeded', response_status: 200, attempts: 2 });
    // The retry carries the same webhook-id, so the receiver can drop a duplicate.
    expect(rx.hits.filter((h) => h.headers['webhook-id'] === failed?.event_id)).toHaveLength(2);
    expect(v.status).toBe(201);
  });

  it('gives up after the last attempt, and a replay sends the event again with the same id', async () => {
    // Two events (started, message.delivered), three attempts each.
    rx.answers.push(503, 503, 503, 503, 503, 503);
    await t.post('/v1/verifications', { to: 'giveup@example.org', channel: 'email' });
    for (let i = 0; i < 3; i++) {
      await drain();
      t.clock.advance(4000);
    }
    const log = (await t.get(`/v1/webhooks/${endpoint.id}/deliveries?limit=200`)).body.deliveries as Array<Record<string, unknown>>;
    const dead = log.find((d) => d.status === 'failed');
    expect(dead).toMatchObject({ attempts: 3, response_status: 503 });
    const r = await t.post(`/v1/webhooks/${endpoint.id}/deliveries/${String(dead?.id)}/replay`);
    expect(r.status).toBe(202);
    await drain();
    const again = rx.hits.filter((h) => h.headers['webhook-id'] === dead?.event_id);
    expect(again).toHaveLength(4);
    expect(((await t.get(`/v1/webhooks/${endpoint.id}/deliveries`)).body.deliveries as Array<Record<string, unknown>>).find((d) => d.id === r.body.id)).toMatchObject({ status: 'succeeded' });
  });

  it('sends a signed test event at once, answers how it went, and keeps it in the delivery log with its retry', async () => {
    const only = await t.post('/v1/webhooks', { url: `${rx.url}?test`, events: ['verification.canceled'] });
    const ok = await t.post(`/v1/webhooks/${only.body.id}/test`);
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({
      event_type: 'webhook.test',
      status: 'succeeded',
      attempts: 1,
      response_status: 200,
      error: null,
      payload: { type: 'webhook.test', data: { endpoint_id: only.body.id } },
    });
    const hit = rx.hits.find((h) => h.headers['webhook-id'] === ok.body.event_id) as Hit;
    const at = new Date(Number(hit.headers['webhook-timestamp']) * 1000);
    expect(hit.headers['webhook-signature']).toBe(new Webhook(only.body.secret).sign(ok.body.event_id, at, hit.body));
    rx.answers.push(503);
    const refused = await t.post(`/v1/webhooks/${only.body.id}/test`);
    expect(refused.body).toMatchObject({ status: 'queued', attempts: 1, response_status: 503, error: 'HTTP_503', next_attempt_at: expect.any(String) });
    const log = (await t.get(`/v1/webhooks/${only.body.id}/deliveries`)).body.deliveries as Array<{ id: string; status: string }>;
    expect(log.map((d) => [d.id, d.status])).toEqual([
      [refused.body.id, 'queued'],
      [ok.body.id, 'succeeded'],
    ]);
    // The retry goes out with the same webhook-id when it falls due.
    t.clock.advance(2000);
    await drain();
    expect(rx.hits.filter((h) => h.headers['webhook-id'] === refused.body.event_id)).toHaveLength(2);
    expect((await t.post('/v1/webhooks/whk_00000000000000000000/test')).body.code).toBe('WEBHOOK_NOT_FOUND');
    await t.delete(`/v1/webhooks/${only.body.id}`);
  });

  it('sends an endpoint only the events it subscribed to, and only its service’s', async () => {
    const svc = await t.post('/v1/services', { name: 'login' });
    const only = await t.post('/v1/webhooks', { url: `${rx.url}?only`, events: ['verification.canceled'], service: svc.body.id });
    expect(only.status).toBe(201);
    const other = await t.post('/v1/verifications', { to: '+5511971110002', channel: 'sms' });
    await t.post(`/v1/verifications/${other.body.id}/cancel`);
    const mine = await t.post('/v1/verifications', { to: '+5511971110003', channel: 'sms', service: svc.body.id });
    await t.post(`/v1/verifications/${mine.body.id}/cancel`);
    await drain();
    const got = (await t.get(`/v1/webhooks/${only.body.id}/deliveries`)).body.deliveries as Array<{ event_type: string; payload: { data: { id: string } } }>;
    expect(got.map((d) => [d.event_type, d.payload.data.id])).toEqual([['verification.canceled', mine.body.id]]);
  });

  it('says why a verification failed in its verification.failed event', async () => {
    const undeliverable = await t.post('/v1/verifications', { to: '+15005550001', channel: 'sms' });
    const to = '+5511971110005';
    const wrong = await t.post('/v1/verifications', { to, channel: 'sms' });
    const code = await lastCode(t, to);
    for (let i = 0; i < 5; i++) await t.post(`/v1/verifications/${wrong.body.id}/check`, { code: code === '000000' ? '111111' : '000000' });
    await drain();
    const failed = rx.hits.map((h) => JSON.parse(h.body) as { type: string; data: Record<string, unknown> }).filter((e) => e.type === 'verification.failed');
    expect(failed.find((e) => e.data.id === undeliverable.body.id)?.data).toMatchObject({ status: 'failed', failure_reason: 'undeliverable', failure_provider_error: null, reason: 'undeliverable' });
    expect(failed.find((e) => e.data.id === wrong.body.id)?.data).toMatchObject({ status: 'max_attempts', failure_reason: 'max_attempts', reason: 'max_attempts' });
  });

  it('tells an expired verification by an event', async () => {
    const v = await t.post('/v1/verifications', { to: '+5511971110004', channel: 'sms' });
    t.clock.advance(11 * 60_000);
    await t.verity.verifications.sweep();
    await drain();
    const expired = rx.hits.map((h) => JSON.parse(h.body) as { type: string; data: Record<string, unknown> }).find((e) => e.type === 'verification.expired' && e.data.id === v.body.id);
    expect(expired?.data).toMatchObject({ status: 'expired', failure_reason: 'expired' });
  });

  it('hides one account’s endpoints from another', async () => {
    const other = await t.tenant();
    expect((await t.get(`/v1/webhooks/${endpoint.id}`, other.key)).status).toBe(404);
    expect((await t.get(`/v1/webhooks/${endpoint.id}/deliveries`, other.key)).body.code).toBe('WEBHOOK_NOT_FOUND');
    expect((await t.get('/v1/webhooks', other.key)).body.webhooks).toEqual([]);
  });

  it('deletes an endpoint', async () => {
    const r = await t.post('/v1/webhooks', { url: `${rx.url}?bye` });
    expect((await t.app.inject({ method: 'DELETE', url: `/v1/webhooks/${r.body.id}`, headers: { authorization: t.auth() } })).statusCode).toBe(204);
    expect((await t.get(`/v1/webhooks/${r.body.id}`)).status).toBe(404);
  });
});

describeOnBackends('the webhook SSRF guard', (backend) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(backend);
  });
  afterAll(async () => t?.close());

  it('refuses URLs that reach loopback, private, link-local or unusual addresses', async () => {
    for (const url of [
      'http://127.0.0.1:9/x',
      'http://localhost/x',
      'http://[::1]/x',
      'http://169.254.169.254/latest/meta-data',
      'http://10.1.2.3/x',
      'http://192.168.0.10/x',
      'http://[fd00::1]/x',
      'http://0.0.0.0/x',
      'http://2130706433/x',
      'http://0x7f000001/x',
      'http://0177.0.0.1/x',
      'http://[::ffff:127.0.0.1]/x',
      'http://[::]/x',
    ]) {
      const r = await t.post('/v1/webhooks', { url });
      expect(r.status, url).toBe(400);
      expect(r.body.code, url).toBe('WEBHOOK_URL_NOT_ALLOWED');
    }
    // A host that does not resolve is not said to be private. (A label over 63 characters is
    // refused by the resolver itself: no query leaves the machine.)
    const nowhere = await t.post('/v1/webhooks', { url: `https://${'a'.repeat(64)}.invalid/hook` });
    expect([nowhere.status, nowhere.body.code, nowhere.body.detail]).toEqual([400, 'WEBHOOK_URL_UNRESOLVABLE', 'the host of the webhook URL does not resolve']);
    for (const url of ['ftp://example.com/x', 'not a url', 'http://user:pw@example.com/x']) {
      expect((await t.post('/v1/webhooks', { url })).body.code, url).toBe('INVALID_WEBHOOK_URL');
    }
  });
});

describe('public addresses', () => {
  it('tells public unicast addresses from the rest', () => {
    expect(isPublicAddress('8.8.8.8')).toBe(true);
    expect(isPublicAddress('2001:4860:4860::8888')).toBe(true);
    for (const a of ['127.0.0.1', '::1', '::ffff:127.0.0.1', '10.0.0.1', '172.16.0.1', '192.168.1.1', '169.254.169.254', '100.64.0.1', 'fe80::1', 'fd00::1', '0.0.0.0', '224.0.0.1', 'nonsense']) {
      expect(isPublicAddress(a), a).toBe(false);
    }
  });
});
