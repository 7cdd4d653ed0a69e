/**
 * The outbound guard against real sockets on loopback: what it refuses when an address is saved
 * and when a connection is made, in every notation an address can be written in.
 */
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkHost, checkUrl, guardedAgent, guardedLookup, guardedSocket, isBlockedAddress, isPublicAddress } from './outbound-guard.js';

// A label over 63 characters is refused by the resolver itself: "does not resolve" without a
// query leaving the machine.
const UNRESOLVABLE = `${'a'.repeat(64)}.invalid`;

// Every spelling of this machine (or of no address at all) an account might try.
const LOOPBACK_SPELLINGS = [
  '127.0.0.1',
  'localhost',
  '2130706433',
  '0x7f000001',
  '0177.0.0.1',
  '127.1',
  '017700000001',
  '::ffff:127.0.0.1',
  '[::ffff:127.0.0.1]',
  '0.0.0.0',
  '0',
  '::',
  '[::]',
  '::1',
  '[::1]',
  '::7f00:1',
];
const PRIVATE = ['10.1.2.3', '172.16.0.1', '192.168.0.10', '169.254.169.254', '100.64.0.1', 'fd00::1', 'fe80::1', '224.0.0.1', '255.255.255.255'];

/** A TCP listener on loopback that counts the connections it accepts. */
async function tcpListener(): Promise<{ port: number; connections: number; server: Server }> {
  const state = { port: 0, connections: 0, server: createServer((s: Socket) => s.end()) };
  state.server.on('connection', () => (state.connections += 1));
  await new Promise<void>((resolve) => state.server.listen(0, '127.0.0.1', resolve));
  state.port = (state.server.address() as AddressInfo).port;
  return state;
}

/** Connects a guarded socket and says how it ended: connected, or the error it failed with. */
function connectOutcome(host: string, port: number, allowPrivate: boolean): Promise<'connected' | Error> {
  return new Promise((resolve) => {
    const socket = guardedSocket({ host, port, allowPrivate });
    socket.once('connect', () => {
      socket.destroy();
      resolve('connected');
    });
    socket.once('error', (err) => resolve(err));
  });
}

describe('checking an address when it is saved', () => {
  it('refuses loopback in every notation, private and link-local addresses', async () => {
    for (const host of [...LOOPBACK_SPELLINGS, ...PRIVATE]) expect(await checkHost(host, false), host).toBe('not-public');
  });

  it('tells a host that does not resolve from one that resolves to a private address', async () => {
    expect(await checkHost(UNRESOLVABLE, false)).toBe('unresolvable');
    expect(await checkHost('localhost', false)).toBe('not-public');
  });

  it('allows a public address, and anything when private addresses are allowed', async () => {
    expect(await checkHost('8.8.8.8', false)).toBe('allowed');
    expect(await checkHost('2001:4860:4860::8888', false)).toBe('allowed');
    for (const host of ['127.0.0.1', 'localhost', UNRESOLVABLE]) expect(await checkHost(host, true), host).toBe('allowed');
  });

  it('judges a URL by the host WHATWG parsing leaves, whatever notation was written', async () => {
    // What reaches the connector: odd IPv4 spellings become dotted quads, mapped IPv6 is compressed.
    expect(new URL('http://2130706433/').hostname).toBe('127.0.0.1');
    expect(new URL('http://0x7f000001/').hostname).toBe('127.0.0.1');
    expect(new URL('http://0177.0.0.1/').hostname).toBe('127.0.0.1');
    expect(new URL('http://[::ffff:127.0.0.1]/').hostname).toBe('[::ffff:7f00:1]');
    for (const url of [
      'http://2130706433/',
      'http://0x7f000001/',
      'http://0177.0.0.1/',
      'http://[::ffff:127.0.0.1]/',
      'http://0.0.0.0/',
      'http://[::]/',
      'http://169.254.169.254/latest/meta-data',
      'http://localhost/',
    ]) {
      expect(await checkUrl(new URL(url), false), url).toBe('not-public');
    }
  });

  it('tells public unicast addresses from the rest', () => {
    expect(isPublicAddress('8.8.8.8')).toBe(true);
    expect(isPublicAddress('::ffff:8.8.8.8')).toBe(true);
    for (const a of ['127.0.0.1', '::ffff:127.0.0.1', '::7f00:1', '0.0.0.0', '::', '203.0.113.9', 'nonsense']) expect(isPublicAddress(a), a).toBe(false);
  });
});

describe('checking an address when a connection is made', () => {
  let tcp: Awaited<ReturnType<typeof tcpListener>>;
  beforeAll(async () => {
    tcp = await tcpListener();
  });
  afterAll(() => new Promise<void>((resolve) => tcp.server.close(() => resolve())));

  it('refuses a name that resolves to loopback in the lookup itself', async () => {
    const refused = await new Promise<Error | null>((resolve) => guardedLookup(false)('localhost', {}, (err) => resolve(err)));
    expect(isBlockedAddress(refused)).toBe(true);
    const allowed = await new Promise<string>((resolve, reject) => guardedLookup(true)('localhost', {}, (err, address) => (err ? reject(err) : resolve(address as string))));
    expect(allowed).toBe('127.0.0.1');
  });

  it('opens no connection to loopback, whatever the spelling, when private addresses are not allowed', async () => {
    for (const host of ['127.0.0.1', 'localhost', '2130706433', '0x7f000001', '0177.0.0.1', '127.1', '::ffff:127.0.0.1', '0.0.0.0', '0']) {
      const outcome = await connectOutcome(host, tcp.port, false);
      expect(outcome instanceof Error && isBlockedAddress(outcome), host).toBe(true);
    }
    // TLS from the first byte goes through the same check before any handshake.
    const tls = await new Promise<Error>((resolve) => guardedSocket({ host: 'localhost', port: tcp.port, allowPrivate: false, tls: {} }).once('error', resolve));
    expect(isBlockedAddress(tls)).toBe(true);
    expect(tcp.connections).toBe(0);
  });

  it('connects to loopback when private addresses are allowed', async () => {
    for (const host of ['127.0.0.1', 'localhost', '2130706433']) expect(await connectOutcome(host, tcp.port, true), host).toBe('connected');
    expect(tcp.connections).toBe(3);
  });

  it('speaks TLS from the first byte to an allowed host, naming it in SNI', async () => {
    // An SMTP server with implicit TLS and its own test certificate: the first thing it says
    // after the handshake is its greeting.
    const names: string[] = [];
    const server = new SMTPServer({ secure: true, logger: false, SNICallback: (name, cb) => (names.push(name), cb(null, undefined)) });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    try {
      const port = (server.server.address() as AddressInfo).port;
      const greeting = await new Promise<string>((resolve, reject) => {
        const socket = guardedSocket({ host: 'localhost', port, allowPrivate: true, tls: { rejectUnauthorized: false } });
        socket.once('error', reject);
        socket.once('data', (chunk: Buffer) => {
          socket.destroy();
          resolve(chunk.toString('utf8'));
        });
      });
      expect(greeting).toMatch(/^220 /);
      expect(names).toEqual(['localhost']);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});

describe('the guarded HTTP client', () => {
  let hits = 0;
  let connections = 0;
  let server: import('node:http').Server;
  let port = 0;
  beforeAll(async () => {
    const { createServer: createHttpServer } = await import('node:http');
    server = createHttpServer((_req, res) => {
      hits += 1;
      res.end('ok');
    });
    server.on('connection', () => (connections += 1));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );

  it('refuses loopback written as a literal, a name or an odd notation, and the server hears nothing', async () => {
    const agent = guardedAgent(false, 2000);
    try {
      for (const host of ['127.0.0.1', 'localhost', '2130706433', '0x7f000001', '0177.0.0.1', '[::ffff:127.0.0.1]', '0.0.0.0']) {
        const err = await request(`http://${host}:${port}/`, { dispatcher: agent }).then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(isBlockedAddress(err), host).toBe(true);
      }
    } finally {
      await agent.close();
    }
    expect([hits, connections]).toEqual([0, 0]);
  });

  it('reaches loopback when private addresses are allowed', async () => {
    const agent = guardedAgent(true, 2000);
    try {
      const res = await request(`http://localhost:${port}/`, { dispatcher: agent });
      expect(await res.body.text()).toBe('ok');
    } finally {
      await agent.close();
    }
    expect(hits).toBe(1);
  });
});
