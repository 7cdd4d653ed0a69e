import { afterAll, beforeAll, expect, it } from 'vitest';
import { startJsonGateway, type JsonGateway } from '../fakes/http-gateway/json-gateway.js';
import { listen, type Listener } from '../helpers/http-listener.js';
import { describeOnBackends, lastCode, startTestApp, type TestApp } from '../helpers/test-app.js';

const gateway = (name: string, url: string) => ({ name, type: 'http', url, body: { to: '{to}', text: '{text}' }, messageIdPath: 'id', timeoutMs: 2000 });

interface Entry {
  at: string;
  type: string;
  data: Record<string, unknown>;
}

describeOnBackends('the timeline of a verification', (backend) => {
  let t: TestApp;
  let flaky: JsonGateway;
  let good: JsonGateway;
  let refuser: JsonGateway;
  beforeAll(async () => {
    flaky = await startJsonGateway(503);
    good = await startJsonGateway(200);
    refuser = await startJsonGateway(400);
    t = await startTestApp(backend, {
      env: {
        PROVIDERS: JSON.stringify([gateway('flaky', flaky.url), gateway('good', good.url), gateway('refuser', refuser.url)]),
        ROUTES: JSON.stringify([
          { channel: 'sms', prefix: '44', provider: 'refuser', priority: 1 },
          { channel: 'sms', prefix: '55', provider: 'flaky', priority: 1 },
          { channel: 'sms', prefix: '55', provider: 'good', priority: 2 },
        ]),
      },
    });
  });
  afterAll(async () => {
    await t?.close();
    await Promise.all([flaky?.close(), good?.close(), refuser?.close()]);
  });

  const events = async (id: string, key?: Parameters<TestApp['get']>[1]) => {
    const r = await t.get(`/v1/verifications/${id}/events`, key);
    expect(r.status).toBe(200);
    return r.body.events as Entry[];
  };
  const types = (list: Entry[]) => list.map((e) => e.type);
  const start = async (body: Record<string, unknown>) => {
    const r = await t.post('/v1/verifications', { channel: 'sms', ...body });
    expect(r.status).toBe(201);
    return r.body.id as string;
  };

  it('tells a sandbox verification from start to approval, without its code or number', async () => {
    const to = '+15005550006';
    const id = await start({ to, metadata: { note: 'sandbox' } });
    t.clock.advance(1000);
    const code = await lastCode(t, to);
    await t.post(`/v1/verifications/${id}/check`, { code: code === '000000' ? '111111' : '000000' });
    t.clock.advance(1000);
    await t.post(`/v1/verifications/${id}/check`, { code });
    const list = await events(id);
    expect(types(list)).toEqual(['started', 'message.queued', 'message.delivered', 'check', 'check', 'approved']);
    expect(list[0]?.data).toMatchObject({ channel: 'sms', step: 0 });
    expect(list[1]?.data).toMatchObject({ channel: 'sms', step: 0, provider: 'sandbox' });
    expect(list[3]?.data).toEqual({ valid: false, attempt: 1, ip: '127.0.0.x' });
    expect(list[4]?.data).toEqual({ valid: true, attempt: 2, ip: '127.0.0.x' });
    expect(list.map((e) => Date.parse(e.at))).toEqual([...list.map((e) => Date.parse(e.at))].sort((a, b) => a - b));
    const text = JSON.stringify(list);
    expect(text).not.toContain(code);
    expect(text).not.toContain('5005550006');
  });

  it('shows each provider attempt with its error, retryability and time, the hand-over and the receipt', async () => {
    const id = await start({ to: '+5511961234001' });
    await t.verity.worker.drain();
    const sent = await events(id);
    expect(types(sent)).toEqual(['started', 'message.queued', 'attempt', 'attempt', 'message.sent']);
    const [, queued, first, second, handed] = sent;
    expect(queued?.data).toMatchObject({ provider: 'flaky' });
    expect(first?.data).toMatchObject({ provider: 'flaky', result: 'error', error_code: 'PROVIDER_UNAVAILABLE', retryable: true });
    expect(second?.data).toMatchObject({ provider: 'good', result: 'sent', error_code: null });
    for (const a of [first, second]) expect(a?.data.duration_ms).toEqual(expect.any(Number));
    expect(handed?.data).toMatchObject({ provider: 'good', message_id: queued?.data.message_id });
    await t.verity.worker.receipt('good', { providerMessageId: `gw-${good.calls.length}`, status: 'delivered' });
    expect((await events(id)).at(-1)).toMatchObject({ type: 'message.delivered', data: { provider: 'good', receipt: true, message_id: queued?.data.message_id } });
  });

  it('shows a refusal failing the verification, with the provider’s code', async () => {
    const id = await start({ to: '+447911123456' });
    await t.verity.worker.drain();
    const list = await events(id);
    expect(types(list)).toEqual(['started', 'message.queued', 'attempt', 'message.failed', 'failed']);
    expect(list[2]?.data).toMatchObject({ provider: 'refuser', result: 'error', retryable: false });
    expect(list[3]?.data.error_code).toBe(list[2]?.data.error_code);
    expect(list[4]?.data).toMatchObject({ status: 'failed', reason: 'provider_rejected' });
  });

  it('shows a resend, a cancel, an expiry and running out of attempts', async () => {
    const svc = (await t.post('/v1/services', { name: `timeline-${backend.name}`, resend_cooldown_s: 0, max_attempts: 2 })).body.id as string;
    const resent = await start({ to: '+15005550006', service: svc });
    await t.post(`/v1/verifications/${resent}/resend`, { channel: 'whatsapp' });
    await t.post(`/v1/verifications/${resent}/cancel`);
    expect(types(await events(resent))).toEqual(['started', 'message.queued', 'message.delivered', 'resend', 'message.queued', 'message.delivered', 'canceled']);
    expect((await events(resent))[3]?.data).toEqual({ channel: 'whatsapp' });

    const spent = await start({ to: '+15005550006', service: svc });
    for (const code of ['0000', '1111']) await t.post(`/v1/verifications/${spent}/check`, { code });
    expect((await events(spent)).slice(-3).map((e) => [e.type, e.data.valid ?? e.data.reason])).toEqual([
      ['check', false],
      ['check', false],
      ['failed', 'max_attempts'],
    ]);

    const late = await start({ to: '+15005550006' });
    const swept = await start({ to: '+15005550006' });
    t.clock.advance(3_600_000);
    await t.get(`/v1/verifications/${late}`);
    await t.verity.verifications.sweep();
    await t.verity.verifications.sweep();
    expect(types(await events(late)).filter((x) => x === 'expired')).toHaveLength(1);
    expect(types(await events(swept)).at(-1)).toBe('expired');
  });

  it('moves a workflow on, saying why', async () => {
    const id = await start({ to: '+15005550006', channel: undefined, workflow: [{ channel: 'whatsapp', timeout_s: 60 }, { channel: 'sms' }] });
    t.clock.advance(61_000);
    await t.verity.verifications.sweepSteps();
    const list = await events(id);
    expect(types(list)).toEqual(['started', 'message.queued', 'message.delivered', 'step', 'message.queued', 'message.delivered']);
    expect(list[0]?.data).toMatchObject({ channel: 'whatsapp', workflow: ['whatsapp', 'sms'] });
    expect(list[3]?.data).toEqual({ from: 0, from_channel: 'whatsapp', to: 1, channel: 'sms', why: 'timeout' });
  });

  it('shows an account only its own timelines', async () => {
    const id = await start({ to: '+15005550006' });
    const tenant = await t.tenant();
    const r = await t.get(`/v1/verifications/${id}/events`, tenant.key);
    expect(r.status).toBe(404);
    expect(r.body.code).toBe('VERIFICATION_NOT_FOUND');
  });
});

describeOnBackends('the timeline of calls, silent checks and webhooks', (backend) => {
  let t: TestApp;
  let hook: Listener;
  const answers: number[] = [];
  beforeAll(async () => {
    // A webhook receiver on loopback, answering what a test queues (200 when nothing is queued).
    hook = await listen(() => ({ status: answers.shift() ?? 200, body: 'ok' }), []);
    t = await startTestApp(backend, { env: { OUTBOUND_ALLOW_PRIVATE: 'true', WEBHOOK_BACKOFF_MS: '1000', LIMIT_SEND_PER_DESTINATION: '0/600' } });
  });
  afterAll(async () => {
    await t?.close();
    await hook?.close();
  });
  const enc = encodeURIComponent;
  const events = async (id: string) => (await t.get(`/v1/verifications/${id}/events`)).body.events as Entry[];
  const start = async (body: Record<string, unknown>) => {
    const r = await t.post('/v1/verifications', body);
    expect(r.status).toBe(201);
    return r.body as { id: string; status: string };
  };

  it('shows an IVR call answered, the key pressed and the call ended, without the number', async () => {
    const to = '+5511987651234';
    const v = await start({ to, channel: 'ivr' });
    const call = (await t.get(`/v1/sandbox/phones/${enc(to)}`)).body.calls.find((c: { verification_id: string }) => c.verification_id === v.id);
    await t.post(`/v1/sandbox/phones/${enc(to)}/calls/${call.id}/answer`);
    await t.post(`/v1/sandbox/phones/${enc(to)}/calls/${call.id}/answer`);
    await t.post(`/v1/sandbox/phones/${enc(to)}/calls/${call.id}/keys`, { digits: '1' });
    const list = await events(v.id);
    const calls = list.filter((e) => e.type.startsWith('call.') || e.type === 'approved');
    expect(calls.map((e) => e.type)).toEqual(['call.answered', 'call.key', 'approved', 'call.ended']);
    expect(calls[1]?.data).toMatchObject({ key: '1', provider: 'sandbox' });
    expect(calls[3]?.data).toMatchObject({ disposition: 'completed' });
    expect(JSON.stringify(list)).not.toContain('987651234');
  });

  it('shows what the network answered about a silent step', async () => {
    const to = '+5511987651235';
    expect((await t.post(`/v1/sandbox/phones/${enc(to)}/online`, { ip: '198.51.100.9' })).status).toBe(204);
    const yes = await start({ to, channel: 'silent', device: { ip: '198.51.100.9' } });
    expect(yes.status).toBe('approved');
    expect((await events(yes.id)).map((e) => [e.type, e.data.outcome])).toEqual([
      ['started', undefined],
      ['silent.result', 'verified_online'],
      ['approved', undefined],
    ]);
    const no = await start({ to, channel: 'silent', device: { ip: '203.0.113.77' } });
    const list = await events(no.id);
    expect(list.find((e) => e.type === 'silent.result')?.data.outcome).toMatch(/no_match|outside_ranges/);
    expect(list.at(-1)).toMatchObject({ type: 'failed' });
  });

  it('shows each webhook delivery attempt, the failed one and the retry that succeeded', async () => {
    const endpoint = await t.post('/v1/webhooks', { url: hook.url, events: ['verification.canceled'] });
    expect(endpoint.status).toBe(201);
    const v = await start({ to: '+15005550006', channel: 'sms' });
    await t.post(`/v1/verifications/${v.id}/cancel`);
    await t.verity.webhooks.flush();
    answers.push(503);
    await t.verity.webhookSender.drain();
    t.clock.advance(60_000);
    await t.verity.webhookSender.drain();
    const hooks = (await events(v.id)).filter((e) => e.type === 'webhook');
    expect(hooks.map((e) => [e.data.event, e.data.attempt, e.data.outcome, e.data.response_status])).toEqual([
      ['verification.canceled', 1, 'retrying', 503],
      ['verification.canceled', 2, 'succeeded', 200],
    ]);
    expect(hooks[0]?.data.endpoint_id).toBe(endpoint.body.id);
  });
});
