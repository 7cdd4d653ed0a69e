/**
 * Every provider kind connects through the outbound guard. A provider whose address was allowed
 * when it was saved (a name that resolved publicly then) but that now leads to loopback is
 * refused when it connects: the send fails as ADDRESS_NOT_ALLOWED, not retryable, and the
 * listener on loopback never sees a connection. With private addresses allowed, the same provider
 * delivers to it. Real listeners: an HTTP server answering as each vendor does, an SMTP server,
 * an SMSC.
 */
import { generateKeyPairSync } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MessageProvider } from '../../src/delivery/provider.js';
import type { OutboundMessage } from '../../src/kernel/message.js';
import { PROVIDER_TYPES } from '../../src/providers/index.js';
import { outbound } from '../contracts/message-provider-contract.js';
import { providerContext } from '../fakes/fake-server.js';
import { LoopbackSmsc } from '../fakes/smpp/loopback-smsc.js';
import { refusal } from '../helpers/refusal.js';

const SID = `AC${'0123456789abcdef'.repeat(2)}`;
const PEM = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
const SMPP_LOGIN = { systemId: 'verity', password: 'pw0rd42' };
const CALL = { from: '+15005550006', script: [{ say: 'Your code is 4 8 2 9 1 3', locale: 'en-US' }], ringTimeoutS: 30 };

/** One HTTP server on loopback answering a send the way each vendor accepts one. */
async function vendorListener(): Promise<{ port: number; connections: number; requests: string[]; server: Server }> {
  const state = { port: 0, connections: 0, requests: [] as string[], server: undefined as unknown as Server };
  state.server = createServer((req, res) => {
    state.requests.push(req.url ?? '');
    req.resume();
    req.on('end', () => {
      const path = req.url ?? '';
      const body = path.endsWith('/Messages.json')
        ? { sid: 'SM1', status: 'queued' }
        : path.endsWith('/Calls.json')
          ? { sid: 'CA1' }
          : path.startsWith('/sms/json')
            ? { messages: [{ status: '0', 'message-id': 'v1' }] }
            : path.endsWith('/messages')
              ? { messages: [{ id: 'wamid.1' }] }
              : path.startsWith('/v1/calls')
                ? { uuid: 'u1' }
                : { id: 'gw-1' };
      res.writeHead(path.startsWith('/v1/calls') ? 201 : 200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    });
  });
  state.server.on('connection', () => (state.connections += 1));
  await new Promise<void>((resolve) => state.server.listen(0, '127.0.0.1', resolve));
  state.port = (state.server.address() as AddressInfo).port;
  return state;
}

async function mailListener(): Promise<{ port: number; connections: number; mails: number; server: SMTPServer }> {
  const state = { port: 0, connections: 0, mails: 0, server: undefined as unknown as SMTPServer };
  state.server = new SMTPServer({
    logger: false,
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    onData(stream, _session, cb) {
      stream.resume();
      stream.on('end', () => {
        state.mails += 1;
        cb();
      });
    },
  });
  state.server.server.on('connection', () => (state.connections += 1));
  await new Promise<void>((resolve) => state.server.listen(0, '127.0.0.1', () => resolve()));
  state.port = (state.server.server.address() as AddressInfo).port;
  return state;
}

interface Kind {
  type: string;
  options(host: string): Record<string, unknown>;
  message(): OutboundMessage;
  /** Connections the listener behind this kind has accepted. */
  connections(): number;
  /** Sends it has taken (requests, mails, submits). */
  deliveries(): number;
}

let http: Awaited<ReturnType<typeof vendorListener>>;
let mail: Awaited<ReturnType<typeof mailListener>>;
let smsc: LoopbackSmsc;
const open: MessageProvider[] = [];

beforeAll(async () => {
  [http, mail, smsc] = await Promise.all([vendorListener(), mailListener(), LoopbackSmsc.start(SMPP_LOGIN)]);
});
afterAll(async () => {
  await Promise.allSettled(open.map((p) => p.close?.()));
  http.server.closeAllConnections();
  await Promise.all([new Promise((r) => http.server.close(r)), new Promise((r) => mail.server.close(() => r(undefined))), smsc.close()]);
});

const sms = () => outbound({ channel: 'sms', to: '+5511987654321' }, 'Your code is 482913');
const base = (host: string) => `http://${host}:${http.port}`;
const KINDS: Kind[] = [
  {
    type: 'http',
    options: (h) => ({ url: `${base(h)}/send`, body: { to: '{to}', text: '{text}' }, messageIdPath: 'id' }),
    message: sms,
    connections: () => http.connections,
    deliveries: () => http.requests.length,
  },
  {
    type: 'twilio',
    options: (h) => ({ accountSid: SID, authToken: 'tok', from: '+15005550006', baseUrl: base(h) }),
    message: sms,
    connections: () => http.connections,
    deliveries: () => http.requests.length,
  },
  {
    type: 'vonage',
    options: (h) => ({ apiKey: 'key', apiSecret: 'secret', from: 'Verity', baseUrl: base(h) }),
    message: sms,
    connections: () => http.connections,
    deliveries: () => http.requests.length,
  },
  {
    type: 'whatsapp',
    options: (h) => ({ phoneNumberId: '1234567890', accessToken: 'tok', templateName: 'verity_code', baseUrl: base(h) }),
    message: () => outbound({ channel: 'whatsapp', to: '+5511987654321' }, 'Your code is 482913'),
    connections: () => http.connections,
    deliveries: () => http.requests.length,
  },
  {
    type: 'twilio-voice',
    options: (h) => ({ accountSid: SID, authToken: 'tok', from: '+15005550006', baseUrl: base(h) }),
    message: () => outbound({ channel: 'voice', to: '+5511987654321' }, 'Your code is 482913', { call: CALL }),
    connections: () => http.connections,
    deliveries: () => http.requests.length,
  },
  {
    type: 'vonage-voice',
    options: (h) => ({ applicationId: '0b4b7a9c-1111-4222-8333-444455556666', privateKey: PEM, from: '+15005550006', baseUrl: base(h) }),
    message: () => outbound({ channel: 'voice', to: '+5511987654321' }, 'Your code is 482913', { call: CALL }),
    connections: () => http.connections,
    deliveries: () => http.requests.length,
  },
  {
    type: 'smtp',
    options: (h) => ({ host: h, port: mail.port, from: 'no-reply@verity.test', connectionTimeoutMs: 2000, greetingTimeoutMs: 2000 }),
    message: () => outbound({ channel: 'email', to: 'user@example.com' }, 'Your code is 482913'),
    connections: () => mail.connections,
    deliveries: () => mail.mails,
  },
  {
    type: 'smpp',
    options: (h) => ({ host: h, port: smsc.port, ...SMPP_LOGIN, connectTimeoutMs: 2000, reconnectMaxS: 0.5 }),
    message: sms,
    connections: () => smsc.connections,
    deliveries: () => smsc.submits.length,
  },
];

function build(kind: Kind, host: string, allowPrivate: boolean): MessageProvider {
  const def = PROVIDER_TYPES.get(kind.type);
  if (!def) throw new Error(`no provider type ${kind.type}`);
  const provider = def.create(kind.options(host) as never, providerContext(`${kind.type}-guarded`, [], allowPrivate));
  open.push(provider);
  return provider;
}

describe.each(KINDS.map((k) => [k.type, k] as const))('a %s provider', (_type, kind) => {
  it('whose host leads to loopback is refused when it connects, and the listener hears nothing', async () => {
    const before = kind.connections();
    // A name (as if it had resolved publicly when saved), a literal, and an old inet_aton spelling.
    for (const host of ['localhost', '127.0.0.1', '2130706433']) {
      const err = await refusal(build(kind, host, false).send(kind.message()));
      expect(err, host).toMatchObject({ code: 'ADDRESS_NOT_ALLOWED', retryable: false });
      // An HTTP address may hold a secret ({secret.NAME} in a URL): the message never names it.
      // SMTP names its relay in every error, as host:port, which is never secret.
      if (kind.type !== 'smtp') expect(err.message, host).not.toContain(host);
    }
    expect(kind.connections()).toBe(before);
  });

  it('reaches the same listener when private addresses are allowed', async () => {
    const before = kind.deliveries();
    const receipt = await build(kind, 'localhost', true).send(kind.message());
    expect(receipt.providerMessageId).not.toBe('');
    expect(kind.deliveries()).toBe(before + 1);
  });
});
