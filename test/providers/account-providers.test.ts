import { createServer as createTcpServer, type AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { newId } from '../../src/lib/ids.js';
import { startJsonGateway, type JsonGateway } from '../fakes/http-gateway/json-gateway.js';
import { describeOnBackends, lastCode, startTestApp, type TestApp } from '../helpers/test-app.js';

const TOKEN = 'gw-secret-token-0123456789';
const RECEIPT_TOKEN = 'receipt-token-abcdef';

/** A TCP listener on loopback standing where an SMTP relay or an SMSC would, counting connections. */
async function tcpListener(): Promise<{ port: number; connections: () => number; close(): Promise<void> }> {
  let connections = 0;
  const server = createTcpServer((socket) => socket.destroy());
  server.on('connection', () => (connections += 1));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { port: (server.address() as AddressInfo).port, connections: () => connections, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

// A label over 63 characters is refused by the resolver itself: no query leaves the machine.
const UNRESOLVABLE = `${'a'.repeat(64)}.invalid`;
const SID = `AC${'0123456789abcdef'.repeat(2)}`;

describeOnBackends('providers an account sets up for itself', (backend) => {
  let t: TestApp;
  let gw: JsonGateway;
  let tenant: Awaited<ReturnType<TestApp['tenant']>>;
  let providerId: string;
  beforeAll(async () => {
    gw = await startJsonGateway();
    // The gateway listens on loopback, which accounts may reach only when private addresses are
    // allowed; WEBHOOK_ALLOW_PRIVATE is the older name of OUTBOUND_ALLOW_PRIVATE and still works.
    t = await startTestApp(backend, { env: { WEBHOOK_ALLOW_PRIVATE: 'true' } });
    tenant = await t.tenant({ postpaid: true });
  });
  afterAll(async () => {
    await t?.close();
    await gw?.close();
  });
  const options = () => ({
    url: gw.url,
    headers: { authorization: 'Bearer {secret.TOKEN}' },
    secrets: { TOKEN, RECEIPT: RECEIPT_TOKEN },
    body: { to: '{to}', text: '{text}' },
    messageIdPath: 'id',
    receipt: { idPath: 'id', statusPath: 'status', delivered: ['DELIVERED'], undeliverable: ['FAILED'], token: '{secret.RECEIPT}' },
  });

  it('adds a provider and never shows its secrets back', async () => {
    const r = await t.post('/v1/providers', { name: 'my-gateway', type: 'http', options: options() }, tenant.key);
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ name: 'my-gateway', type: 'http', secrets_set: ['secrets'] });
    expect(r.body.id).toMatch(/^prv_/);
    expect(r.body.callback_url).toContain(`/v1/providers/${r.body.id}/callback`);
    providerId = r.body.id;
    const listed = await t.get('/v1/providers', tenant.key);
    for (const body of [JSON.stringify(r.body), JSON.stringify(listed.body)]) {
      expect(body).not.toContain(TOKEN);
      expect(body).not.toContain(RECEIPT_TOKEN);
    }
    const raw = await t.verity.database.db.selectFrom('account_providers').selectAll().where('id', '=', providerId).executeTakeFirstOrThrow();
    expect(JSON.stringify(raw)).not.toContain(TOKEN);
  });

  it('refuses options its type does not accept, and a name already taken', async () => {
    const bad = await t.post('/v1/providers', { name: 'broken', type: 'http', options: { url: 42 } }, tenant.key);
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe('INVALID_PROVIDER');
    expect((await t.post('/v1/providers', { name: 'my-gateway', type: 'http', options: options() }, tenant.key)).body.code).toBe('PROVIDER_NAME_TAKEN');
    expect((await t.post('/v1/providers', { name: 'x', type: 'fax', options: {} }, tenant.key)).body.code).toBe('VALIDATION_FAILED');
  });

  it('routes the account’s messages through its provider while others keep the server’s routes', async () => {
    const routes = await t.app.inject({
      method: 'PUT',
      url: '/v1/routes',
      headers: { authorization: t.auth(tenant.key), 'content-type': 'application/json' },
      payload: JSON.stringify({ routes: [{ channel: 'sms', prefix: '+55', provider: 'my-gateway' }] }),
    });
    expect(routes.statusCode).toBe(200);
    expect((await t.get('/v1/routes', tenant.key)).body.routes).toEqual([{ channel: 'sms', prefix: '55', provider: 'my-gateway', priority: 1, weight: 1 }]);

    const mine = await t.post('/v1/verifications', { to: '+5511941110001', channel: 'sms' }, tenant.key);
    await t.verity.worker.drain();
    const call = gw.calls.at(-1);
    expect(call?.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(call?.body.to).toBe('+5511941110001');
    const message = await t.verity.database.db.selectFrom('messages').selectAll().where('verification_id', '=', mine.body.id).executeTakeFirstOrThrow();
    expect(message).toMatchObject({ status: 'sent', provider: providerId, provider_message_id: `gw-${gw.calls.length}` });
    const code = /\b(\d{6})\b/.exec(call?.body.text ?? '')?.[1];
    expect((await t.post(`/v1/verifications/${mine.body.id}/check`, { code }, tenant.key)).body.status).toBe('approved');

    // The operator account has no routes of its own: the sandbox still takes its messages.
    const before = gw.calls.length;
    await t.post('/v1/verifications', { to: '+5511941110002', channel: 'sms' });
    await t.verity.worker.drain();
    expect(gw.calls).toHaveLength(before);
    expect(await lastCode(t, '+5511941110002')).toMatch(/^\d{6}$/);

    // The gateway's receipt, with its token, reaches the message through the provider's id.
    const receipt = await t.app.inject({
      method: 'POST',
      url: `/v1/providers/${providerId}/callback?token=${RECEIPT_TOKEN}`,
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({ id: message.provider_message_id, status: 'DELIVERED' }),
    });
    expect(receipt.statusCode).toBe(200);
    expect((await t.verity.outbox.get(message.id))?.status).toBe('delivered');
    const forged = await t.app.inject({ method: 'POST', url: `/v1/providers/${providerId}/callback?token=wrong`, headers: { 'content-type': 'application/json' }, payload: '{}' });
    expect(forged.statusCode).toBe(401);
  });

  it('keeps one account’s providers from another', async () => {
    expect((await t.get(`/v1/providers/${providerId}`)).status).toBe(404);
    expect((await t.get('/v1/providers')).body.providers).toEqual([]);
    const stolen = await t.app.inject({
      method: 'PUT',
      url: '/v1/routes',
      headers: { authorization: t.auth(), 'content-type': 'application/json' },
      payload: JSON.stringify({ routes: [{ channel: 'sms', provider: 'my-gateway' }] }),
    });
    expect(JSON.parse(stolen.body).code).toBe('PROVIDER_NOT_FOUND');
  });

  it('will not remove a provider a rule still names', async () => {
    const del = () => t.app.inject({ method: 'DELETE', url: `/v1/providers/${providerId}`, headers: { authorization: t.auth(tenant.key) } });
    expect(JSON.parse((await del()).body).code).toBe('PROVIDER_IN_USE');
    await t.app.inject({ method: 'PUT', url: '/v1/routes', headers: { authorization: t.auth(tenant.key), 'content-type': 'application/json' }, payload: JSON.stringify({ routes: [] }) });
    expect((await del()).statusCode).toBe(204);
    expect((await t.get(`/v1/providers/${providerId}`, tenant.key)).status).toBe(404);
  });
});

describeOnBackends('the address guard on providers', (backend) => {
  let t: TestApp;
  let gw: JsonGateway;
  let tcp: Awaited<ReturnType<typeof tcpListener>>;
  let tenant: Awaited<ReturnType<TestApp['tenant']>>;
  beforeAll(async () => {
    [gw, tcp] = await Promise.all([startJsonGateway(), tcpListener()]);
    // No switch set: accounts may not reach private addresses, the operator's PROVIDERS may.
    t = await startTestApp(backend);
    tenant = await t.tenant({ postpaid: true });
  });
  afterAll(async () => {
    await t?.close();
    await gw?.close();
    await tcp?.close();
  });
  const add = (name: string, type: string, options: Record<string, unknown>) => t.post('/v1/providers', { name, type, options }, tenant.key);
  const gatewayOptions = (url: string, extra: Record<string, unknown> = {}) => ({ url, body: { to: '{to}', text: '{text}' }, messageIdPath: 'id', ...extra });
  /** Sends one SMS through the tenant's routes and returns its message row with the attempt log. */
  async function sendThrough(app: TestApp, key: TestApp['operator'] | undefined, to: string) {
    const v = await app.post('/v1/verifications', { to, channel: 'sms' }, key);
    expect(v.status).toBe(201);
    await app.verity.worker.drain();
    const row = await app.verity.database.db.selectFrom('messages').selectAll().where('verification_id', '=', v.body.id).executeTakeFirstOrThrow();
    return { row, attempts: await app.verity.outbox.attempts(row.id) };
  }

  it('refuses a provider of every kind whose address is loopback, private or link-local, in any notation, naming the option only', async () => {
    const home = (host: string) => `http://${host}:${gw.port}`;
    const cases: Array<[string, Record<string, unknown>, string]> = [
      ...['127.0.0.1', 'localhost', '2130706433', '0x7f000001', '0177.0.0.1', '[::ffff:127.0.0.1]', '0.0.0.0', '[::1]', '169.254.169.254', '10.0.0.5'].map(
        (host): [string, Record<string, unknown>, string] => ['http', gatewayOptions(`${home(host)}/send`), 'url'],
      ),
      // A host written as a secret is judged as what it stands for, and never shown back.
      ['http', gatewayOptions(`http://{secret.HOST}:${gw.port}/send`, { secrets: { HOST: '127.0.0.1' } }), 'url'],
      ['twilio', { accountSid: SID, authToken: 'tok', from: '+15005550006', baseUrl: home('localhost') }, 'baseUrl'],
      ['vonage', { apiKey: 'key', apiSecret: 'secret', from: 'Verity', baseUrl: home('2130706433') }, 'baseUrl'],
      ['whatsapp', { phoneNumberId: '1234567890', accessToken: 'tok', templateName: 'verity_code', baseUrl: home('[::ffff:127.0.0.1]') }, 'baseUrl'],
      ['twilio-voice', { accountSid: SID, authToken: 'tok', from: '+15005550006', baseUrl: home('127.0.0.1') }, 'baseUrl'],
      ['vonage-voice', { applicationId: '0b4b7a9c-1111-4222-8333-444455556666', privateKey: 'pem', from: '+15005550006', baseUrl: home('0.0.0.0') }, 'baseUrl'],
      ...['127.0.0.1', 'localhost', '2130706433', '0x7f000001', '::ffff:127.0.0.1', '0.0.0.0'].flatMap(
        (host): Array<[string, Record<string, unknown>, string]> => [
          ['smtp', { host, port: tcp.port, from: 'no-reply@verity.test' }, 'host'],
          ['smpp', { host, port: tcp.port, systemId: 'verity', password: 'pw0rd42' }, 'host'],
        ],
      ),
    ];
    for (const [i, [type, options, option]] of cases.entries()) {
      const r = await add(`guarded-${i}`, type, options);
      const what = `${type} ${JSON.stringify(options)}`;
      expect([r.status, r.body.code, r.body.option], what).toEqual([400, 'PROVIDER_ADDRESS_NOT_ALLOWED', option]);
      expect(r.body.detail, what).not.toMatch(/127\.0\.0\.1|localhost|2130706433|::ffff|0\.0\.0\.0|169\.254|10\.0\.0\.5/);
    }
    expect((await t.get('/v1/providers', tenant.key)).body.providers).toEqual([]);
    // Nothing was built, so nothing connected (an SMPP provider binds as soon as it is built).
    expect([gw.connections(), tcp.connections()]).toEqual([0, 0]);
  });

  it('says so when a provider’s host does not resolve', async () => {
    for (const [type, options, option] of [
      ['http', gatewayOptions(`http://${UNRESOLVABLE}/send`), 'url'],
      ['twilio', { accountSid: SID, authToken: 'tok', from: '+15005550006', baseUrl: `https://${UNRESOLVABLE}` }, 'baseUrl'],
      ['smtp', { host: UNRESOLVABLE, from: 'no-reply@verity.test' }, 'host'],
    ] as const) {
      const r = await add('unresolvable', type, options);
      expect([r.status, r.body.code, r.body.option, r.body.detail], type).toEqual([400, 'PROVIDER_ADDRESS_UNRESOLVABLE', option, `the host of ${option} does not resolve`]);
    }
  });

  it('saves a vendor provider left on the vendor’s own API without asking DNS, which the account did not choose', async () => {
    const r = await add('own-twilio', 'twilio', { accountSid: SID, authToken: 'tok', from: '+15005550006' });
    expect([r.status, r.body.type]).toEqual([201, 'twilio']);
  });

  it('refuses a gateway URL whose host or port a message would fill in', async () => {
    for (const url of ['http://{sender}.gw.example/send', `http://gw.example:{to_digits}/send`, 'http://{text}@gw.example/send']) {
      const r = await add('chosen-host', 'http', gatewayOptions(url));
      expect([r.status, r.body.code], url).toEqual([400, 'INVALID_PROVIDER']);
    }
  });

  it('refuses when it connects a provider saved while its name resolved publicly, and the gateway hears nothing', async () => {
    // Stored as the API would have stored it when `localhost` still resolved to a public address.
    const id = newId('prv');
    const now = t.clock.now();
    await t.verity.database.db
      .insertInto('account_providers')
      .values({
        id,
        account_id: tenant.accountId,
        name: 'rebound',
        type: 'http',
        options: JSON.stringify(gatewayOptions(`http://localhost:${gw.port}/send`)),
        secrets_sealed: null,
        created_at: now,
        updated_at: now,
      })
      .execute();
    const routes = await t.app.inject({
      method: 'PUT',
      url: '/v1/routes',
      headers: { authorization: t.auth(tenant.key), 'content-type': 'application/json' },
      payload: JSON.stringify({ routes: [{ channel: 'sms', provider: 'rebound' }] }),
    });
    expect(routes.statusCode).toBe(200);
    const { row, attempts } = await sendThrough(t, tenant.key, '+5511941110011');
    expect(attempts.map((a) => [a.provider, a.result, a.error, a.retryable])).toEqual([[id, 'error', 'ADDRESS_NOT_ALLOWED', 0]]);
    expect(row.status).toBe('failed');
    expect([gw.calls.length, gw.connections()]).toEqual([0, 0]);
  });

  it('lets the same stored provider deliver to loopback when OUTBOUND_ALLOW_PRIVATE is on', async () => {
    const open = await startTestApp(backend, { env: { OUTBOUND_ALLOW_PRIVATE: 'true' } });
    try {
      const mine = await open.tenant({ postpaid: true });
      const created = await open.post('/v1/providers', { name: 'local-gw', type: 'http', options: gatewayOptions(`http://localhost:${gw.port}/send`) }, mine.key);
      expect(created.status).toBe(201);
      await open.app.inject({
        method: 'PUT',
        url: '/v1/routes',
        headers: { authorization: open.auth(mine.key), 'content-type': 'application/json' },
        payload: JSON.stringify({ routes: [{ channel: 'sms', provider: 'local-gw' }] }),
      });
      const { row } = await sendThrough(open, mine.key, '+5511941110012');
      expect(row.status).toBe('sent');
      expect(gw.calls.at(-1)?.body.to).toBe('+5511941110012');
    } finally {
      await open.close();
    }
  });

  it('lets the operator’s own PROVIDERS reach loopback by default, and not with PROVIDERS_ALLOW_PRIVATE off', async () => {
    const env = {
      PROVIDERS: JSON.stringify([{ name: 'relay', type: 'http', ...gatewayOptions(`http://localhost:${gw.port}/send`) }]),
      ROUTES: JSON.stringify([{ channel: 'sms', provider: 'relay' }]),
    };
    const server = await startTestApp(backend, { env });
    try {
      const before = gw.calls.length;
      const { row } = await sendThrough(server, undefined, '+5511941110013');
      expect(row.status).toBe('sent');
      expect(gw.calls).toHaveLength(before + 1);
    } finally {
      await server.close();
    }
    const closed = await startTestApp(backend, { env: { ...env, PROVIDERS_ALLOW_PRIVATE: 'false' } });
    try {
      const before = gw.calls.length;
      const { attempts } = await sendThrough(closed, undefined, '+5511941110014');
      expect(attempts.map((a) => [a.provider, a.error, a.retryable])).toEqual([['relay', 'ADDRESS_NOT_ALLOWED', 0]]);
      expect(gw.calls).toHaveLength(before);
    } finally {
      await closed.close();
    }
  });
});
