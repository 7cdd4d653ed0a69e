/**
 * The generic HTTP gateway adapter against loopback gateways with three typical API shapes (JSON
 * POST with a bearer key, GET with query parameters, form POST); each fake checks that the request
 * follows the format the options describe and answers the way such gateways do.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallbackRequest } from '../../src/kernel/message.js';
import type { MessageProvider } from '../../src/delivery/provider.js';
import { httpProvider, type HttpGatewayOptions } from '../../src/vendors/http-gateway/index.js';
import { SQLITE, startTestApp, type TestApp } from '../helpers/test-app.js';
import { describeProviderContract, outbound, type ReceivedMessage } from '../contracts/message-provider-contract.js';
import { expectWire, providerContext, RefusalQueue, refusedUrl, startFake, WireError, type FakeReply, type FakeServer, type SeenRequest } from '../fakes/fake-server.js';
import { refusal } from '../helpers/refusal.js';

const KEY = 'gw-api-key-0a1b2c3d';
const TO = '+6281234567890';
const CALLBACK = 'https://verity.example.com/v1/providers/gw/callback';

interface Gateway extends FakeServer {
  received: ReceivedMessage[];
  violations: string[];
  refuseNext(kind: 'permanent' | 'temporary'): void;
  replyNext(reply: FakeReply | 'hang'): void;
}

/** Wraps a format check and a success answer into a fake with refusals, scripted replies and a record. */
async function gateway(check: (req: SeenRequest) => ReceivedMessage, accept: (n: number) => FakeReply, refuse: Record<'permanent' | 'temporary', FakeReply>): Promise<Gateway> {
  const refusals = new RefusalQueue();
  const scripted: Array<FakeReply | 'hang'> = [];
  const received: ReceivedMessage[] = [];
  const violations: string[] = [];
  const server = await startFake((req) => {
    const next = scripted.shift();
    if (next) return next;
    try {
      const msg = check(req);
      const kind = refusals.take();
      if (kind) return refuse[kind];
      received.push(msg);
      return accept(received.length);
    } catch (err) {
      if (!(err instanceof WireError)) throw err;
      violations.push(err.message);
      return { status: 400, json: { error: { code: 'BAD_REQUEST' } } };
    }
  });
  return Object.assign(server, { received, violations, refuseNext: (k: 'permanent' | 'temporary') => refusals.push(k), replyNext: (r: FakeReply | 'hang') => void scripted.push(r) });
}

// Shape 1: POST /api/v2/sms, Authorization: Bearer <key>, JSON in, `{data: {id}}` out.
function jsonGateway(): Promise<Gateway> {
  return gateway(
    (req) => {
      expectWire(req.method === 'POST' && req.path === '/api/v2/sms', `${req.method} ${req.path}`);
      expectWire(req.headers.authorization === `Bearer ${KEY}`, 'bearer key');
      expectWire(req.headers['content-type'] === 'application/json; charset=utf-8', `content-type ${req.headers['content-type']}`);
      const body = JSON.parse(req.body) as Record<string, unknown>;
      expectWire(typeof body.recipient === 'string' && /^\+[1-9][0-9]{6,14}$/.test(body.recipient), 'recipient must be E.164');
      expectWire(typeof body.message === 'string', 'message must be a string');
      expectWire(body.dlr_url === CALLBACK, 'dlr_url');
      return { to: body.recipient as string, text: body.message as string };
    },
    (n) => ({ status: 201, json: { data: { id: `gw-${n}`, status: 'queued' } } }),
    {
      permanent: { status: 400, json: { error: { code: 'INVALID_NUMBER', message: `Invalid number ${TO}` } } },
      temporary: { status: 429, json: { error: { code: 'RATE_LIMIT' } } },
    },
  );
}

const jsonOptions = (url: string): HttpGatewayOptions => ({
  url: `${url}/api/v2/sms`,
  headers: { Authorization: 'Bearer {secret.KEY}' },
  secrets: { KEY },
  body: { recipient: '{to}', message: '{text}', sender: '{sender}', reference: '{message_id}', dlr_url: '{callback_url}', options: { unicode: true, parts: 3 } },
  messageIdPath: 'data.id',
  errorPath: 'error.code',
  sender: 'Verity',
  timeoutMs: 2000,
});

function make(options: HttpGatewayOptions): MessageProvider {
  return httpProvider.create(options, providerContext('gw'));
}

describeProviderContract('http gateway (JSON POST)', async () => {
  const fake = await jsonGateway();
  return {
    provider: make(jsonOptions(fake.url)),
    channel: 'sms',
    to: TO,
    received: async () => fake.received,
    refuseNext: (kind) => fake.refuseNext(kind),
    close: () => fake.close(),
  };
});

describe('http gateway requests', () => {
  let json: Gateway;
  beforeAll(async () => {
    json = await jsonGateway();
  });
  afterAll(() => json.close());

  it('posts JSON built as an object, so quotes, braces and line breaks in the text stay inside the string', async () => {
    const text = 'He said "hi" {to} \\ </script>\n482913 — ação';
    const msg = outbound({ channel: 'sms', to: TO }, text);
    const receipt = await make(jsonOptions(json.url)).send(msg);
    expect(receipt).toEqual({ providerMessageId: `gw-${json.received.length}`, status: 'sent' });
    const req = json.requests.at(-1);
    expect(req?.headers.authorization).toBe(`Bearer ${KEY}`);
    expect(JSON.parse(req?.body ?? '')).toEqual({
      recipient: TO,
      message: text,
      sender: 'Verity',
      reference: msg.id,
      dlr_url: CALLBACK,
      options: { unicode: true, parts: 3 },
    });
    expect(json.violations).toEqual([]);
  });

  it('sends a GET with every value URL-encoded in the path and the query, and reads the id at messages.0.id', async () => {
    const get = await gateway(
      (req) => {
        expectWire(req.method === 'GET' && req.path === '/send/6281234567890', `${req.method} ${req.path}`);
        expectWire(req.query.get('fixed') === '1' && req.query.get('user') === 'acme' && req.query.get('pass') === KEY, 'credentials');
        return { to: `+${req.query.get('to')}`, text: req.query.get('msg') ?? '' };
      },
      () => ({ status: 200, json: { status: 'OK', messages: [{ id: 7301 }] } }),
      { permanent: { status: 200, json: { status: 'ERR', error: 'NO_CREDIT' } }, temporary: { status: 503, json: {} } },
    );
    try {
      const p = make({
        method: 'GET',
        url: `${get.url}/send/{to_digits}?fixed=1`,
        query: { user: 'acme', pass: '{secret.PASS}', to: '{to_digits}', msg: '{text}', from: '{sender}' },
        secrets: { PASS: KEY },
        messageIdPath: 'messages.0.id',
        errorPath: 'error',
      });
      const text = 'a&b=c+d?e#f %20 Ваш код 482913';
      expect(await p.send(outbound({ channel: 'sms', to: TO }, text, { sender: 'Shop' }))).toEqual({ providerMessageId: '7301', status: 'sent' });
      expect(get.received.at(-1)).toEqual({ to: TO, text });
      expect(get.requests.at(-1)?.query.get('from')).toBe('Shop');
      expect(get.violations).toEqual([]);

      // The same gateway says no with HTTP 200 and an error field.
      get.refuseNext('permanent');
      const err = await refusal(p.send(outbound({ channel: 'sms', to: TO }, 'code 771199')));
      expect([err.code, err.retryable]).toEqual(['REJECTED', false]);
      expect(err.message).toContain('NO_CREDIT');
    } finally {
      await get.close();
    }
  });

  it('posts a form body from a string template and uses the Verity message id when the gateway gives none', async () => {
    const form = await gateway(
      (req) => {
        expectWire(req.method === 'POST' && req.headers['content-type'] === 'application/x-www-form-urlencoded', 'form post');
        const f = new URLSearchParams(req.body);
        expectWire(f.get('key') === KEY, 'key');
        return { to: f.get('to') ?? '', text: f.get('text') ?? '' };
      },
      () => ({ status: 200, json: { ok: true } }),
      { permanent: { status: 400, json: {} }, temporary: { status: 500, json: {} } },
    );
    try {
      const p = make({ url: `${form.url}/sms`, body: 'to={to}&text={text}&key={secret.KEY}', bodyType: 'form', secrets: { KEY } });
      const msg = outbound({ channel: 'sms', to: TO }, 'code 482913 & co = 100%');
      expect(await p.send(msg)).toEqual({ providerMessageId: msg.id, status: 'sent' });
      expect(form.received.at(-1)).toEqual({ to: TO, text: 'code 482913 & co = 100%' });
      expect(form.violations).toEqual([]);
    } finally {
      await form.close();
    }
  });

  it.each([
    [429, 'THROTTLED', true],
    [500, 'PROVIDER_UNAVAILABLE', true],
    [503, 'PROVIDER_UNAVAILABLE', true],
    [400, 'REJECTED', false],
    [404, 'REJECTED', false],
    [401, 'AUTH_FAILED', false],
  ])('treats HTTP %i as %s (retryable: %s) by default', async (status, code, retryable) => {
    json.replyNext({ status, json: { error: { code: `E${status}`, message: `number ${TO} refused: code 771199` } } });
    const err = await refusal(make(jsonOptions(json.url)).send(outbound({ channel: 'sms', to: TO }, 'code 771199')));
    expect([err.code, err.retryable]).toEqual([code, retryable]);
    expect(err.message).toContain(`E${status}`);
    for (const secret of [TO, '6281234567890', '771199', KEY]) expect(err.message).not.toContain(secret);
  });

  it('keeps an error value that quotes the destination or the code out of the message', async () => {
    json.replyNext({ status: 400, json: { error: { code: '6281234567890' } } });
    const err = await refusal(make(jsonOptions(json.url)).send(outbound({ channel: 'sms', to: TO }, 'x')));
    expect(err.message).not.toContain('6281234567890');
  });

  it('follows the configured success and retryable statuses', async () => {
    const p = make({ ...jsonOptions(json.url), successStatus: [201], retryableStatus: [408] });
    json.replyNext({ status: 200, json: { data: { id: 'x' } } });
    expect((await refusal(p.send(outbound({ channel: 'sms', to: TO }, 'x')))).retryable).toBe(false);
    json.replyNext({ status: 408, json: {} });
    expect((await refusal(p.send(outbound({ channel: 'sms', to: TO }, 'x')))).retryable).toBe(true);
    json.replyNext({ status: 503, json: {} });
    expect((await refusal(p.send(outbound({ channel: 'sms', to: TO }, 'x')))).retryable).toBe(false);
  });

  it('does not retry when the gateway accepts but its answer lacks the message id', async () => {
    json.replyNext({ status: 200, json: { data: {} } });
    const err = await refusal(make(jsonOptions(json.url)).send(outbound({ channel: 'sms', to: TO }, 'x')));
    expect([err.code, err.retryable]).toEqual(['UNEXPECTED_RESPONSE', false]);
  });

  it('reports a gateway it cannot connect to as retryable CONNECTION_FAILED', async () => {
    const err = await refusal(make(jsonOptions(await refusedUrl())).send(outbound({ channel: 'sms', to: TO }, 'x')));
    expect([err.code, err.retryable]).toEqual(['CONNECTION_FAILED', true]);
    expect(err.message).not.toContain(KEY);
  });

  it('gives up on a gateway that does not answer with a retryable TIMEOUT', async () => {
    json.replyNext('hang');
    const err = await refusal(make({ ...jsonOptions(json.url), timeoutMs: 300 }).send(outbound({ channel: 'sms', to: TO }, 'x')));
    expect([err.code, err.retryable]).toEqual(['TIMEOUT', true]);
  });

  it('refuses for good a request that cannot be sent: text with a line break in a header, an invalid header name', async () => {
    const inHeader = make({ ...jsonOptions(json.url), headers: { 'X-Text': '{text}' } });
    const err = await refusal(inHeader.send(outbound({ channel: 'sms', to: TO }, 'code 771199\r\nX-Injected: 1')));
    expect([err.code, err.retryable]).toEqual(['INVALID_REQUEST', false]);
    expect(err.message).not.toContain('771199');
    const badName = make({ ...jsonOptions(json.url), headers: { 'Bad Name': 'x' } });
    expect(await refusal(badName.send(outbound({ channel: 'sms', to: TO }, 'x')))).toMatchObject({ code: 'INVALID_REQUEST', retryable: false });
  });

  it('refuses to start with an unknown placeholder, an unknown secret or a body on a GET', () => {
    const base = jsonOptions('http://127.0.0.1:1');
    expect(() => make({ ...base, body: { to: '{too}' } })).toThrow(/unknown placeholder \{too\}/);
    expect(() => make({ ...base, headers: { Authorization: 'Bearer {secret.NOPE}' } })).toThrow(/secret\.NOPE/);
    expect(() => make({ ...base, method: 'GET' })).toThrow(/GET/);
    expect(() => make({ ...base, body: '{"to": {to}}' })).toThrow(/JSON/);
  });
});

describe('http gateway delivery reports', () => {
  const receipt = { idPath: 'ref', statusPath: 'state', errorCodePath: 'err', delivered: ['DELIVRD'], undeliverable: ['UNDELIV', 'EXPIRED', 'REJECTD'], token: '{secret.DLR}' };
  const provider = make({ url: 'https://gw.example.com/send', secrets: { DLR: 'dlr-token-77aa' }, receipt });
  const call = (over: Partial<CallbackRequest>): CallbackRequest => ({ method: 'POST', url: CALLBACK, headers: {}, query: {}, rawBody: '', ...over });

  it('reads a JSON array of reports when the token is in the query, skipping interim statuses', async () => {
    const rawBody = JSON.stringify([
      { ref: 'gw-1', state: 'DELIVRD' },
      { ref: 'gw-2', state: 'UNDELIV', err: '001' },
      { ref: 'gw-3', state: 'ACCEPTD' },
    ]);
    expect(await provider.parseCallback?.(call({ query: { token: 'dlr-token-77aa' }, headers: { 'content-type': 'application/json' }, rawBody }))).toEqual([
      { providerMessageId: 'gw-1', status: 'delivered' },
      { providerMessageId: 'gw-2', status: 'undeliverable', errorCode: '001' },
    ]);
  });

  it('reads a form POST with the token in x-verity-token, and a GET from its query', async () => {
    const form = call({ headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-verity-token': 'dlr-token-77aa' }, rawBody: 'ref=gw-4&state=EXPIRED' });
    expect(await provider.parseCallback?.(form)).toEqual([{ providerMessageId: 'gw-4', status: 'undeliverable' }]);
    const get = call({ method: 'GET', query: { token: 'dlr-token-77aa', ref: 'gw-5', state: 'DELIVRD' } });
    expect(await provider.parseCallback?.(get)).toEqual([{ providerMessageId: 'gw-5', status: 'delivered' }]);
  });

  it('rejects a report with a wrong or missing token with BAD_SIGNATURE', async () => {
    for (const req of [call({ query: { token: 'dlr-token-77ab' }, rawBody: '{"ref":"gw-6","state":"DELIVRD"}' }), call({ rawBody: '{"ref":"gw-6","state":"DELIVRD"}' })]) {
      const err = await refusal(Promise.resolve().then(() => provider.parseCallback?.(req)));
      expect([err.code, err.retryable]).toEqual(['BAD_SIGNATURE', false]);
      expect(err.message).not.toContain('dlr-token-77aa');
    }
  });

  it('takes no reports at all when no receipt rules are configured', () => {
    expect(make({ url: 'https://gw.example.com/send' }).parseCallback).toBeUndefined();
  });
});

describe('http gateway hand-overs through the outbox', () => {
  let t: TestApp;
  let fake: Gateway;
  const key = (r: SeenRequest | undefined) => r?.headers['idempotency-key'];

  beforeAll(async () => {
    fake = await jsonGateway();
    const providers = [{ name: 'gw', type: 'http', ...jsonOptions(fake.url) }];
    t = await startTestApp(SQLITE, {
      env: { PROVIDERS: JSON.stringify(providers), PUBLIC_URL: 'https://verity.example.com', LIMIT_SEND_PER_DESTINATION: '0/600', DELIVERY_BACKOFF_MS: '1000', DELIVERY_BACKOFF_MAX_MS: '1000' },
    });
  });
  afterAll(async () => {
    await t?.close();
    await fake?.close();
  });

  it('carries the outbox message id as Idempotency-Key, the same on the retry after a 503 and another for the next message', async () => {
    const started = await t.post('/v1/verifications', { to: TO, channel: 'sms' });
    expect(started.status).toBe(201);
    fake.replyNext({ status: 503, json: {} });
    await t.verity.worker.drain();
    t.clock.advance(1000);
    await t.verity.worker.drain();
    const [first, retry] = fake.requests;
    expect([first, retry].map((r) => r?.headers.authorization)).toEqual([`Bearer ${KEY}`, `Bearer ${KEY}`]);
    expect(fake.received).toHaveLength(1);
    expect(key(first)).toMatch(/^msg_[\w-]+$/);
    expect(key(retry)).toBe(key(first));
    // The reference the gateway is sent ({message_id}) is the same id.
    expect(JSON.parse(retry?.body ?? '{}').reference).toBe(key(first));
    // Spelled as the IETF draft writes it, for gateways that read names verbatim.
    expect(retry?.names).toContain('Idempotency-Key');

    expect((await t.post('/v1/verifications', { to: '+6281234567891', channel: 'sms' })).status).toBe(201);
    await t.verity.worker.drain();
    expect(fake.requests).toHaveLength(3);
    expect(key(fake.requests[2])).toMatch(/^msg_[\w-]+$/);
    expect(key(fake.requests[2])).not.toBe(key(first));
  });

  it('leaves an Idempotency-Key the options set themselves as they set it', async () => {
    const p = make({ ...jsonOptions(fake.url), headers: { Authorization: 'Bearer {secret.KEY}', 'idempotency-key': 'sms-{message_id}' } });
    const msg = outbound({ channel: 'sms', to: TO }, 'code 482913');
    await p.send(msg);
    const last = fake.requests.at(-1);
    expect(last?.names.filter((n) => n.toLowerCase() === 'idempotency-key')).toEqual(['idempotency-key']);
    expect(key(last)).toBe(`sms-${msg.id}`);
  });
});
