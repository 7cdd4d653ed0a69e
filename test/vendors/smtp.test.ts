/**
 * The SMTP provider against a real SMTP server (smtp-server) on loopback; what arrives is parsed
 * with mailparser, the way a mailbox would read it.
 */
import { createServer, type AddressInfo, type Server } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { pino } from 'pino';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MessageProvider, ProviderContext } from '../../src/delivery/provider.js';
import type { OutboundMessage } from '../../src/kernel/message.js';
import { ManualClock } from '../../src/lib/clock.js';
import { smtpProvider, type SmtpOptions } from '../../src/vendors/smtp/index.js';
import { OutboundGuard } from '../../src/outbound/outbound-guard.js';
import { describeProviderContract, outbound } from '../contracts/message-provider-contract.js';
import { refusal } from '../helpers/refusal.js';

const TO = 'user@example.com';
const FROM = '"Verity" <no-reply@verity.test>';

interface Arrived {
  mailFrom: string | undefined;
  rcptTo: string[];
  user: string | undefined;
  secure: boolean;
  mail: ParsedMail;
}
type Stage = 'mail' | 'rcpt' | 'data';
interface Refusal {
  at: Stage;
  code: number;
}

interface MailServer {
  port: number;
  arrived: Arrived[];
  logins: { username: string | undefined; password: string | null | undefined }[];
  connections: number;
  refuseNext(r: Refusal): void;
  close(): Promise<void>;
}

/** A server refusal that, like some real servers, quotes the recipient and the message back. */
function refusalError(r: Refusal, address: string): Error {
  return Object.assign(new Error(`<${address}> refused: "Your Verity code is 482913"`), { responseCode: r.code });
}

async function startMailServer(opts: SMTPServerOptions = {}, port = 0): Promise<MailServer> {
  let refusal: Refusal | null = null;
  const take = (at: Stage): Refusal | null => {
    if (refusal?.at !== at) return null;
    const r = refusal;
    refusal = null;
    return r;
  };
  const state: MailServer = {
    port: 0,
    arrived: [],
    logins: [],
    connections: 0,
    refuseNext: (r) => void (refusal = r),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
  const server = new SMTPServer({
    logger: false,
    authOptional: true,
    allowInsecureAuth: true,
    disabledCommands: ['STARTTLS'],
    closeTimeout: 500,
    onConnect(_session, cb) {
      state.connections += 1;
      cb();
    },
    onMailFrom(address, _session, cb) {
      const r = take('mail');
      cb(r ? refusalError(r, address.address) : null);
    },
    onRcptTo(address, _session, cb) {
      const r = take('rcpt');
      cb(r ? refusalError(r, address.address) : null);
    },
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const r = take('data');
        if (r) return cb(refusalError(r, session.envelope.rcptTo[0]?.address ?? ''));
        simpleParser(Buffer.concat(chunks)).then((mail) => {
          const from = session.envelope.mailFrom;
          state.arrived.push({
            mailFrom: from ? from.address : undefined,
            rcptTo: session.envelope.rcptTo.map((a) => a.address),
            user: typeof session.user === 'string' ? session.user : undefined,
            secure: session.secure,
            mail,
          });
          cb();
        }, cb);
      });
    },
    ...opts,
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  state.port = (server.server.address() as AddressInfo).port;
  return state;
}

/** The server listens on loopback, which only a guard that allows private addresses reaches. */
function context(name: string, allowPrivate = true): ProviderContext {
  return {
    name,
    log: pino({ level: 'silent' }),
    clock: new ManualClock(Date.UTC(2030, 0, 2, 3, 4, 5)),
    onReceipt: () => {},
    callbackUrl: `http://127.0.0.1/v1/providers/${name}/callback`,
    outbound: new OutboundGuard(allowPrivate),
  };
}

function makeProvider(port: number, extra: Partial<SmtpOptions> = {}): MessageProvider {
  const options: SmtpOptions = {
    host: '127.0.0.1',
    port,
    from: FROM,
    connectionTimeoutMs: 1000,
    greetingTimeoutMs: 1000,
    socketTimeoutMs: 5000,
    ...extra,
  };
  return smtpProvider.create(options, context('smtp-test'));
}

const email = { channel: 'email' as const, to: TO };
const message = (text: string, extra: Partial<OutboundMessage> = {}) => outbound(email, text, extra);

async function freePort(): Promise<number> {
  const s: Server = createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const { port } = s.address() as AddressInfo;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

describeProviderContract('smtp', async () => {
  const server = await startMailServer();
  const provider = makeProvider(server.port);
  return {
    provider,
    ...email,
    received: async () => server.arrived.map((a) => ({ to: a.rcptTo[0] ?? '', text: a.mail.text ?? '' })),
    refuseNext: (kind) => server.refuseNext({ at: 'rcpt', code: kind === 'permanent' ? 550 : 451 }),
    close: async () => {
      await provider.close?.();
      await server.close();
    },
  };
});

describe('smtp provider: what the mailbox receives', () => {
  let server: MailServer;
  let provider: MessageProvider;
  beforeAll(async () => {
    server = await startMailServer();
    provider = makeProvider(server.port);
  });
  afterAll(async () => {
    await provider.close?.();
    await server.close();
  });
  const last = () => server.arrived.at(-1);

  it('delivers subject, text and HTML from the configured From, with the returned Message-ID', async () => {
    const receipt = await provider.send(message('Your Verity code is 482913', { subject: 'Your Verity code', html: '<p>Your Verity code is <b>482913</b></p>' }));
    const got = last();
    expect(got?.mail.subject).toBe('Your Verity code');
    expect(got?.mail.text?.trim()).toBe('Your Verity code is 482913');
    expect(got?.mail.html).toContain('<b>482913</b>');
    expect(got?.mail.from?.value).toEqual([{ name: 'Verity', address: 'no-reply@verity.test' }]);
    expect(got?.mail.to && !Array.isArray(got.mail.to) ? got.mail.to.value[0]?.address : null).toBe(TO);
    expect(got?.mail.messageId).toBe(receipt.providerMessageId);
    expect(got?.mail.date?.toISOString()).toBe('2030-01-02T03:04:05.000Z');
    expect(got?.mail.headers.get('auto-submitted')).toBe('auto-generated');
    expect(receipt.status).toBe('sent');
  });

  it('gives every try of one message the same Message-ID, made from its outbox id, and another message another', async () => {
    const m = message('Your Verity code is 482913');
    await provider.send(m);
    await provider.send(m);
    const [first, again] = server.arrived.slice(-2);
    expect(first?.mail.messageId).toBe(`<${m.id}@verity.test>`);
    expect(again?.mail.messageId).toBe(first?.mail.messageId);
    await provider.send(message('Your Verity code is 482913'));
    expect(last()?.mail.messageId).not.toBe(first?.mail.messageId);
  });

  it('sends plain text only when no HTML is given, and uses the first line as the missing subject', async () => {
    await provider.send(message('Your code is 482913\nIt expires in 10 minutes.', { subject: undefined, html: undefined }));
    expect(last()?.mail.subject).toBe('Your code is 482913');
    expect(last()?.mail.html).toBe(false);
    expect(last()?.mail.text).toContain('It expires in 10 minutes.');
  });

  it('shows the sender the caller asked for in From, while bounces still go to the configured address', async () => {
    await provider.send(message('code 482913', { sender: '"Acme Support" <support@acme.test>' }));
    expect(last()?.mail.from?.value).toEqual([{ name: 'Acme Support', address: 'support@acme.test' }]);
    expect(last()?.mailFrom).toBe('no-reply@verity.test');
  });

  it('falls back to the configured From when the sender is not an address (an SMS-style sender id)', async () => {
    await provider.send(message('code 482913', { sender: 'Acme' }));
    expect(last()?.mail.from?.value[0]?.address).toBe('no-reply@verity.test');
    await provider.send(message('code 482913', { sender: 'x@y.test\r\nBcc: victim@example.com' }));
    expect(last()?.mail.from?.value[0]?.address).toBe('no-reply@verity.test');
    expect(last()?.rcptTo).toEqual([TO]);
  });

  it.each([
    { locale: 'pt-BR', subject: 'Seu código de verificação', text: 'Seu código é 482913. Não o compartilhe com ninguém — nem conosco.' },
    { locale: 'ru', subject: 'Ваш код подтверждения', text: 'Ваш код: 482913. Никому его не сообщайте.' },
  ])('delivers a $locale message with accents or Cyrillic intact and declares its language', async ({ locale, subject, text }) => {
    await provider.send(message(text, { locale, subject, html: `<p>${text}</p>` }));
    const got = last();
    expect(got?.mail.subject).toBe(subject);
    expect(got?.mail.text?.trim()).toBe(text);
    expect(got?.mail.html).toContain(text);
    expect(got?.mail.headers.get('content-language')).toBe(locale);
  });

  it('leaves out a Content-Language it cannot vouch for', async () => {
    await provider.send(message('code 482913', { locale: 'en\r\nX-Evil: 1' }));
    expect(last()?.mail.headers.has('content-language')).toBe(false);
    expect(last()?.mail.headers.has('x-evil')).toBe(false);
  });

  it('reuses one pooled connection for consecutive messages', async () => {
    const before = server.connections;
    for (const n of [1, 2, 3]) await provider.send(message(`code 48291${n}`));
    expect(server.connections - before).toBeLessThanOrEqual(1);
  });

  it('opens a connection per message when the pool is off', async () => {
    const single = makeProvider(server.port, { pool: false });
    const before = server.connections;
    await single.send(message('code 111111'));
    await single.send(message('code 222222'));
    await single.close?.();
    expect(server.connections - before).toBe(2);
  });

  it('refuses to send after close, as a retryable error', async () => {
    const closing = makeProvider(server.port);
    await closing.close?.();
    const err = await refusal(closing.send(message('code 482913')));
    expect(err.code).toBe('PROVIDER_CLOSED');
    expect(err.retryable).toBe(true);
  });
});

describe('smtp provider: refusals', () => {
  let server: MailServer;
  let provider: MessageProvider;
  beforeAll(async () => {
    server = await startMailServer();
    provider = makeProvider(server.port);
  });
  afterAll(async () => {
    await provider.close?.();
    await server.close();
  });

  it.each([
    { at: 'rcpt', code: 550, expected: 'INVALID_DESTINATION', retryable: false },
    { at: 'rcpt', code: 553, expected: 'INVALID_DESTINATION', retryable: false },
    { at: 'rcpt', code: 451, expected: 'SMTP_TEMPORARY', retryable: true },
    { at: 'rcpt', code: 452, expected: 'SMTP_TEMPORARY', retryable: true },
    { at: 'mail', code: 553, expected: 'SMTP_REJECTED', retryable: false },
    { at: 'mail', code: 450, expected: 'SMTP_TEMPORARY', retryable: true },
    { at: 'data', code: 554, expected: 'SMTP_REJECTED', retryable: false },
    { at: 'data', code: 451, expected: 'SMTP_TEMPORARY', retryable: true },
  ] as const)('a $code at $at is $expected (retryable: $retryable), and the next message still goes', async ({ at, code, expected, retryable }) => {
    server.refuseNext({ at, code });
    const err = await refusal(provider.send(message('Your Verity code is 482913')));
    expect(err.code).toBe(expected);
    expect(err.retryable).toBe(retryable);
    expect(err.message).toContain(String(code));
    // Neither the message nor the cause a logger would print quotes the code or the full address.
    for (const text of [err.message, String(err.cause)]) {
      expect(text).not.toContain('482913');
      expect(text).not.toContain(TO);
    }
    await expect(provider.send(message('code 482913'))).resolves.toMatchObject({ status: 'sent' });
  });

  it('reports a server closing the session (421) as retryable SMTP_TEMPORARY', async () => {
    const single = makeProvider(server.port, { pool: false });
    server.refuseNext({ at: 'rcpt', code: 421 });
    const err = await refusal(single.send(message('code 482913')));
    await single.close?.();
    expect(err).toMatchObject({ code: 'SMTP_TEMPORARY', retryable: true });
  });

  it('lets the pool resend on a new connection, once, when the server closes the session (421) before DATA', async () => {
    const before = server.arrived.length;
    server.refuseNext({ at: 'rcpt', code: 421 });
    await expect(provider.send(message('code 482913'))).resolves.toMatchObject({ status: 'sent' });
    expect(server.arrived.length - before).toBe(1);
  });

  it('names a refused recipient only in masked form', async () => {
    server.refuseNext({ at: 'rcpt', code: 550 });
    const err = await refusal(provider.send(message('code 482913')));
    expect(err.message).toContain('u***@example.com');
  });
});

describe('smtp provider: authentication', () => {
  let server: MailServer;
  beforeAll(async () => {
    server = await startMailServer({
      authOptional: false,
      onAuth(auth, _session, cb) {
        server.logins.push({ username: auth.username, password: auth.password });
        if (auth.username === 'verity' && auth.password === 's3cret-pass') return cb(null, { user: 'verity' });
        cb(new Error('Invalid username or password'));
      },
    });
  });
  afterAll(() => server.close());

  it('logs in with the configured user and password before sending', async () => {
    const provider = makeProvider(server.port, { user: 'verity', password: 's3cret-pass' });
    await provider.send(message('code 482913'));
    await provider.close?.();
    expect(server.logins.at(-1)).toEqual({ username: 'verity', password: 's3cret-pass' });
    expect(server.arrived.at(-1)?.user).toBe('verity');
  });

  it('reports a wrong password as AUTH_FAILED, not retryable, without the password', async () => {
    const provider = makeProvider(server.port, { user: 'verity', password: 'wrong-pass' });
    const err = await refusal(provider.send(message('code 482913')));
    await provider.close?.();
    expect(err.code).toBe('AUTH_FAILED');
    expect(err.retryable).toBe(false);
    expect(err.message).toContain('535');
    expect(err.message).not.toContain('wrong-pass');
  });

  it('reports a server that wants a login the provider does not have as AUTH_FAILED', async () => {
    const provider = makeProvider(server.port);
    const err = await refusal(provider.send(message('code 482913')));
    await provider.close?.();
    expect(err.code).toBe('AUTH_FAILED');
    expect(err.retryable).toBe(false);
  });
});

describe('smtp provider: TLS', () => {
  const servers: MailServer[] = [];
  const start = async (opts: SMTPServerOptions) => {
    const s = await startMailServer(opts);
    servers.push(s);
    return s;
  };
  afterAll(async () => {
    await Promise.all(servers.map((s) => s.close()));
  });

  it('upgrades with STARTTLS when requireTls is set', async () => {
    const server = await start({ disabledCommands: [] });
    const provider = makeProvider(server.port, { requireTls: true, tlsRejectUnauthorized: false });
    await provider.send(message('code 482913'));
    await provider.close?.();
    expect(server.arrived.at(-1)?.secure).toBe(true);
  });

  it('speaks TLS from the first byte when secure is set', async () => {
    const server = await start({ secure: true });
    const provider = makeProvider(server.port, { secure: true, tlsRejectUnauthorized: false });
    await provider.send(message('code 482913'));
    await provider.close?.();
    expect(server.arrived.at(-1)?.secure).toBe(true);
  });

  it('refuses a certificate that does not verify, by default, as TLS_FAILED', async () => {
    const server = await start({ disabledCommands: [] });
    const provider = makeProvider(server.port, { requireTls: true });
    const err = await refusal(provider.send(message('code 482913')));
    await provider.close?.();
    expect(err).toMatchObject({ code: 'TLS_FAILED', retryable: false });
    expect(err.message).toMatch(/CERT/);
    expect(server.arrived).toHaveLength(0);
  });

  it('will not send in clear when requireTls is set and the server offers no STARTTLS', async () => {
    const server = await start({ disabledCommands: ['STARTTLS'] });
    const provider = makeProvider(server.port, { requireTls: true, tlsRejectUnauthorized: false });
    const err = await refusal(provider.send(message('code 482913')));
    await provider.close?.();
    expect(err).toMatchObject({ code: 'TLS_FAILED', retryable: false });
    expect(server.arrived).toHaveLength(0);
  });
});

describe('smtp provider: an unreachable server', () => {
  const cleanup: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const c of cleanup) await c();
  });

  it('fails fast as retryable CONNECTION_FAILED while nothing listens, and sends once a server is back on the port', async () => {
    const port = await freePort();
    const provider = makeProvider(port, { connectionTimeoutMs: 300, greetingTimeoutMs: 300 });
    cleanup.push(async () => provider.close?.());
    const started = Date.now();
    const err = await refusal(provider.send(message('code 482913')));
    expect(err).toMatchObject({ code: 'CONNECTION_FAILED', retryable: true });
    expect(Date.now() - started).toBeLessThan(2000);
    expect(err.message).not.toContain('482913');

    const server = await startMailServer({}, port);
    cleanup.push(() => server.close());
    await expect(provider.send(message('code 482913'))).resolves.toMatchObject({ status: 'sent' });
    expect(server.arrived).toHaveLength(1);
  });

  it('gives up on a server that accepts the connection but never greets, as retryable CONNECTION_FAILED', async () => {
    const sockets = new Set<import('node:net').Socket>();
    const silent = createServer((s) => void sockets.add(s));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    cleanup.push(async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    });
    const provider = makeProvider((silent.address() as AddressInfo).port, { greetingTimeoutMs: 300 });
    cleanup.push(async () => provider.close?.());
    const started = Date.now();
    const err = await refusal(provider.send(message('code 482913')));
    expect(err).toMatchObject({ code: 'CONNECTION_FAILED', retryable: true });
    expect(Date.now() - started).toBeLessThan(2000);
  });
});

describe('smtp provider: definition', () => {
  it('declares its options with documented defaults and the password as its only secret', () => {
    expect(smtpProvider.type).toBe('smtp');
    expect(smtpProvider.secrets).toEqual(['password']);
    const properties = (smtpProvider.options as unknown as { properties: Record<string, { description?: string }> }).properties;
    for (const [key, schema] of Object.entries(properties)) {
      expect(schema.description, key).toMatch(/Default|Required/);
    }
  });

  it('refuses at start-up a From that is not one address, and a user without a password', () => {
    expect(() => makeProvider(25, { from: 'Verity' })).toThrow(/from must be one address/);
    expect(() => makeProvider(25, { user: 'verity' })).toThrow(/user and password/);
  });
});
