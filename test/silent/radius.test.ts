/**
 * The RADIUS accounting listener over real UDP on loopback. NAS packets are built with the
 * `radius` package and, where the package would hide what is being checked (authenticators,
 * broken framing), octet by octet from RFC 2865/2866; every answer's Response Authenticator is
 * recomputed here by hand.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createSocket, type Socket } from 'node:dgram';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import radius from 'radius';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/lib/clock.js';
import { maskMsisdn, normalizeMsisdn, RadiusAccountingListener, type AccountingListenerOptions, type AccountingRecord } from '../../src/silent/radius/index.js';

const SECRET = 'gi-accounting-s3cret';
const MSISDN = '+5511987654321';
const T0 = Date.UTC(2030, 0, 2, 3, 4, 5);

// Attribute types (RFC 2865, 2866, 2869, 3162, 6911).
const A = { nasIp: 4, framedIp: 8, callingStationId: 31, proxyState: 33, statusType: 40, delayTime: 41, sessionId: 44, eventTimestamp: 55, framedIpv6Prefix: 97, framedIpv6Address: 168 };
const STATUS = { start: 1, stop: 2, interim: 3, on: 7, off: 8 };
type Attr = [type: number, value: Buffer];

const md5 = (...parts: Array<Buffer | string>): Buffer => parts.reduce((h, p) => h.update(p), createHash('md5')).digest();
const u32 = (n: number): Buffer => Buffer.from([n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255]);
const ip4 = (dotted: string): Buffer => Buffer.from(dotted.split('.').map(Number));
const txt = (s: string): Buffer => Buffer.from(s, 'utf8');

/** An Accounting-Request (or any code) assembled octet by octet, signed as RFC 2866 §3 says. */
function handPacket(attrs: Attr[], opts: { code?: number; id?: number; secret?: string } = {}): Buffer {
  const body = Buffer.concat(attrs.map(([type, value]) => Buffer.concat([Buffer.from([type, value.length + 2]), value])));
  const packet = Buffer.concat([Buffer.alloc(20), body]);
  packet[0] = opts.code ?? 4;
  packet[1] = opts.id ?? 1;
  packet.writeUInt16BE(packet.length, 2);
  md5(packet, opts.secret ?? SECRET).copy(packet, 4); // the authenticator field is still 16 zeros
  return packet;
}

function sessionAttrs(status: number, sessionId: string, extra: Attr[] = [], msisdn = '5511987654321'): Attr[] {
  return [[A.statusType, u32(status)], [A.sessionId, txt(sessionId)], [A.callingStationId, txt(msisdn)], [A.framedIp, ip4('100.64.1.2')], ...extra];
}

/** RFC 2866 §3: MD5(Code + Identifier + Length + Request Authenticator + Attributes + Secret). */
function expectValidResponse(response: Buffer | undefined, request: Buffer, secret = SECRET): Buffer {
  expect(response).toBeDefined();
  const r = response as Buffer;
  expect(r[0]).toBe(5);
  expect(r[1]).toBe(request[1]);
  expect(r.readUInt16BE(2)).toBe(r.length);
  const expected = md5(r.subarray(0, 4), request.subarray(4, 20), r.subarray(20), secret);
  expect(r.subarray(4, 20).equals(expected)).toBe(true);
  return r;
}

/** A NAS: one UDP socket on loopback that sends requests and collects what comes back. */
class Nas {
  private inbox: Buffer[] = [];
  private waiters: Array<{ id: number; resolve: (b: Buffer | undefined) => void }> = [];
  private constructor(
    readonly socket: Socket,
    private readonly port: number,
  ) {
    socket.on('message', (msg) => {
      const i = this.waiters.findIndex((w) => w.id === msg[1]);
      if (i < 0) return void this.inbox.push(msg);
      this.waiters.splice(i, 1)[0]?.resolve(msg);
    });
  }

  static async open(port: number): Promise<Nas> {
    const socket = createSocket('udp4');
    await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
    nases.push(socket);
    return new Nas(socket, port);
  }

  send(packet: Buffer): void {
    this.socket.send(packet, this.port, '127.0.0.1');
  }

  /** The next answer carrying `id`, or undefined if none comes within `ms`. */
  reply(id: number, ms = 2000): Promise<Buffer | undefined> {
    const i = this.inbox.findIndex((b) => b[1] === id);
    if (i >= 0) return Promise.resolve(this.inbox.splice(i, 1)[0]);
    return new Promise((resolve) => {
      const waiter = { id, resolve: (b: Buffer | undefined) => (clearTimeout(timer), resolve(b)) };
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        resolve(undefined);
      }, ms);
      this.waiters.push(waiter);
    });
  }

  ask(packet: Buffer, ms?: number): Promise<Buffer | undefined> {
    this.send(packet);
    return this.reply(packet[1] ?? -1, ms);
  }

  /** Everything answered and not claimed by `reply`, after waiting `ms`. */
  async unclaimed(ms = 150): Promise<Buffer[]> {
    await sleep(ms);
    return this.inbox.splice(0);
  }
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const listeners: RadiusAccountingListener[] = [];
const nases: Socket[] = [];

afterEach(async () => {
  for (const s of nases.splice(0)) s.close();
  await Promise.all(listeners.splice(0).map((l) => l.stop()));
});

interface Harness {
  listener: RadiusAccountingListener;
  nas: Nas;
  port: number;
  batches: AccountingRecord[][];
}

async function open(options: Partial<AccountingListenerOptions> = {}): Promise<Harness> {
  const batches: AccountingRecord[][] = [];
  const listener = new RadiusAccountingListener({
    host: '127.0.0.1',
    port: 0,
    secret: SECRET,
    onRecords: async (records) => void batches.push(records),
    ...options,
  });
  listeners.push(listener);
  const { port } = await listener.start();
  return { listener, nas: await Nas.open(port), port, batches };
}

function deferred(): { promise: Promise<void>; resolve: () => void; reject: (e: Error) => void } {
  let resolve!: () => void;
  let reject!: (e: Error) => void;
  const promise = new Promise<void>((res, rej) => ((resolve = res), (reject = rej)));
  return { promise, resolve, reject };
}

describe('RADIUS accounting listener', () => {
  it('records a Start with every field and answers with a valid Accounting-Response echoing Proxy-State', async () => {
    const { nas, batches, listener } = await open();
    const v6prefix = Buffer.from([0, 64, 0x20, 0x01, 0x0d, 0xb8, 0x00, 0x07, 0xab, 0xcd, 0x00, 0x00]);
    const request = handPacket(
      sessionAttrs(STATUS.start, 'sess-0001', [
        [A.nasIp, ip4('10.20.30.40')],
        [A.eventTimestamp, u32(1_900_000_000)],
        [A.framedIpv6Prefix, v6prefix],
        [A.proxyState, txt('proxy-hop-1')],
      ]),
      { id: 17 },
    );
    const response = expectValidResponse(await nas.ask(request), request);
    expect(batches).toEqual([
      [{ status: 'start', sessionId: 'sess-0001', msisdn: MSISDN, framedIp: '100.64.1.2', framedIpv6: '2001:db8:7:abcd::/64', eventTime: 1_900_000_000_000, nasIp: '10.20.30.40' }],
    ]);
    // RFC 2866 §4.2: Proxy-State comes back unchanged.
    expect(response.subarray(20).equals(Buffer.concat([Buffer.from([A.proxyState, 13]), txt('proxy-hop-1')]))).toBe(true);
    expect(listener.stats).toMatchObject({ received: 1, recorded: 1, responded: 1, badAuthenticator: 0, malformed: 0 });
  });

  it('records Interim-Update and Stop built by the radius package, and an IPv6-only session', async () => {
    const { nas, batches } = await open({ clock: new ManualClock(T0) });
    const build = (id: number, status: string, framed: [string | number, string | Buffer]) =>
      radius.encode({
        code: 'Accounting-Request',
        secret: SECRET,
        identifier: id,
        attributes: [['Acct-Status-Type', status], ['Acct-Session-Id', 'sess-2'], ['Calling-Station-Id', '+5511987654321'], framed],
      });
    const interim = build(1, 'Interim-Update', ['Framed-IP-Address', '100.64.9.9']);
    const stop = build(2, 'Stop', ['Framed-IP-Address', '100.64.9.9']);
    const v6only = build(3, 'Start', [A.framedIpv6Address, Buffer.from('20010db8000000000000000000000042', 'hex')]);
    for (const request of [interim, stop, v6only]) {
      const response = expectValidResponse(await nas.ask(request), request);
      expect(radius.verify_response({ request, response, secret: SECRET })).toBe(true);
    }
    const common = { sessionId: 'sess-2', msisdn: MSISDN, eventTime: T0, nasIp: '127.0.0.1' };
    expect(batches.flat()).toEqual([
      { status: 'interim', framedIp: '100.64.9.9', ...common },
      { status: 'stop', framedIp: '100.64.9.9', ...common },
      { status: 'start', framedIpv6: '2001:db8::42', ...common },
    ]);
  });

  it('accepts a packet padded past its Length field (RFC 2865 §3), which radius.decode refuses', async () => {
    const { nas, batches } = await open();
    const request = handPacket(sessionAttrs(STATUS.start, 'padded'), { id: 4 });
    const padded = Buffer.concat([request, Buffer.alloc(7)]);
    expect(() => radius.decode({ packet: Buffer.from(padded), secret: SECRET })).toThrow(/authenticator/);
    expectValidResponse(await nas.ask(padded), request);
    expect(batches.flat().map((r) => r.sessionId)).toEqual(['padded']);
  });

  it('drops a request signed with the wrong secret, unanswered, and counts it', async () => {
    const { nas, listener, batches } = await open();
    const request = handPacket(sessionAttrs(STATUS.start, 'spoofed'), { id: 9, secret: 'not-the-secret' });
    expect(await nas.ask(request, 300)).toBeUndefined();
    expect(batches).toEqual([]);
    expect(listener.stats).toMatchObject({ received: 1, badAuthenticator: 1, recorded: 0, responded: 0 });
  });

  it('drops an authenticator that differs only where radius.decode compares UTF-8 replacement characters', async () => {
    const { nas, listener, batches } = await open();
    // Find a packet whose true authenticator holds a byte 0xF8..0xFF: never valid UTF-8, each one
    // decodes to U+FFFD on its own, so swapping it for another such byte fools a string compare.
    let genuine: Buffer | undefined;
    let at = -1;
    for (let n = 0; at < 0; n++) {
      genuine = handPacket(sessionAttrs(STATUS.start, `forge-${n}`), { id: 33 });
      at = genuine.subarray(4, 20).findIndex((b) => b >= 0xf8);
    }
    const forged = Buffer.from(genuine as Buffer);
    forged[4 + at] = forged[4 + at] === 0xff ? 0xfe : 0xff;
    expect(() => radius.decode({ packet: Buffer.from(forged), secret: SECRET })).not.toThrow();
    expect(await nas.ask(forged, 300)).toBeUndefined();
    expect(listener.stats.badAuthenticator).toBe(1);
    expect(batches).toEqual([]);
  });

  it('checks each NAS against its own secret when secrets names it', async () => {
    const { nas, listener } = await open({ secrets: { '127.0.0.1': 'per-nas-secret' } });
    expect(await nas.ask(handPacket(sessionAttrs(STATUS.start, 'a'), { id: 1 }), 300)).toBeUndefined();
    const request = handPacket(sessionAttrs(STATUS.start, 'b'), { id: 2, secret: 'per-nas-secret' });
    expectValidResponse(await nas.ask(request), request, 'per-nas-secret');
    expect(listener.stats).toMatchObject({ badAuthenticator: 1, recorded: 1 });
  });

  it('counts malformed packets, answers none of them, and keeps serving', async () => {
    const { nas, listener, batches } = await open();
    const valid = handPacket(sessionAttrs(STATUS.start, 'ok'), { id: 200 });
    const lengthTooBig = Buffer.from(valid);
    lengthTooBig.writeUInt16BE(valid.length + 10, 2);
    const lengthTooSmall = Buffer.from(valid);
    lengthTooSmall.writeUInt16BE(19, 2);
    const overrun = handPacket([...sessionAttrs(STATUS.start, 'x')]);
    overrun[overrun.length - 5] = 40; // Framed-IP-Address claims 40 octets
    const zeroLength = Buffer.concat([handPacket(sessionAttrs(STATUS.start, 'z'), { id: 3 }), Buffer.from([26, 0])]);
    zeroLength.writeUInt16BE(zeroLength.length, 2);
    const bad: Buffer[] = [
      randomBytes(3),
      Buffer.concat([Buffer.from([4, 1, 0xff, 0xff]), randomBytes(60)]),
      Buffer.from('GET / HTTP/1.1\r\n\r\n'),
      valid.subarray(0, 12),
      valid.subarray(0, valid.length - 3),
      lengthTooBig,
      lengthTooSmall,
      overrun,
      zeroLength,
      radius.encode({
        code: 'Access-Request',
        secret: SECRET,
        identifier: 5,
        attributes: [
          ['User-Name', 'u'],
          ['User-Password', 'p'],
        ],
      }),
      handPacket(sessionAttrs(STATUS.start, 'code-99'), { code: 99, id: 6 }),
      handPacket(
        [
          [A.sessionId, txt('no-status')],
          [A.callingStationId, txt('5511987654321')],
          [A.framedIp, ip4('1.2.3.4')],
        ],
        { id: 7 },
      ),
      handPacket(
        [
          [A.statusType, u32(STATUS.start)],
          [A.sessionId, txt('no-msisdn')],
          [A.framedIp, ip4('1.2.3.4')],
        ],
        { id: 8 },
      ),
      handPacket(
        [
          [A.statusType, u32(STATUS.stop)],
          [A.sessionId, txt('no-ip')],
          [A.callingStationId, txt('5511987654321')],
        ],
        { id: 9 },
      ),
      handPacket(
        [
          [A.statusType, u32(STATUS.interim)],
          [A.callingStationId, txt('5511987654321')],
          [A.framedIp, ip4('1.2.3.4')],
        ],
        { id: 10 },
      ),
      handPacket(sessionAttrs(STATUS.start, 'mac', [], '00-11-22-33-44-55'), { id: 11 }),
      handPacket([...sessionAttrs(STATUS.start, 'short-ts'), [A.eventTimestamp, Buffer.from([1, 2])]], { id: 12 }),
      handPacket(
        [
          [A.statusType, u32(STATUS.start)],
          [A.sessionId, txt('ip3')],
          [A.callingStationId, txt('5511987654321')],
          [A.framedIp, Buffer.from([1, 2, 3])],
        ],
        { id: 13 },
      ),
    ];
    for (const packet of bad) nas.send(packet);
    expectValidResponse(await nas.ask(valid), valid);
    expect(await nas.unclaimed()).toEqual([]);
    expect(listener.stats).toMatchObject({ received: bad.length + 1, malformed: bad.length, badAuthenticator: 0, recorded: 1, responded: 1 });
    expect(batches.flat().map((r) => r.sessionId)).toEqual(['ok']);
  });

  it('survives 2,000 correctly signed requests with random attributes without an exception', async () => {
    const { nas, listener } = await open();
    for (let i = 0; i < 2000; i++) {
      const body = randomBytes(1 + (i % 120));
      const packet = Buffer.concat([Buffer.alloc(20), body]);
      packet[0] = 4;
      packet[1] = i & 255;
      packet.writeUInt16BE(packet.length, 2);
      md5(packet, SECRET).copy(packet, 4);
      nas.send(packet);
      if (i % 200 === 199) await sleep(5);
    }
    const valid = handPacket(sessionAttrs(STATUS.start, 'still-alive'), { id: 77 });
    await sleep(100);
    expectValidResponse(await nas.ask(valid), valid);
    const s = listener.stats;
    expect(s.badAuthenticator).toBe(0);
    expect(s.malformed + s.recorded + s.ignored + s.duplicates).toBe(s.received);
  });

  it('answers only after onRecords resolves, storing one turn’s requests in one call of at most batchSize', async () => {
    const gate = deferred();
    const calls: AccountingRecord[][] = [];
    const { nas, listener } = await open({ batchSize: 3, onRecords: async (records) => (calls.push(records), gate.promise) });
    const requests = Array.from({ length: 7 }, (_, i) => handPacket(sessionAttrs(STATUS.start, `slow-${i}`), { id: i }));
    for (const r of requests) nas.send(r);
    expect(await nas.unclaimed(300)).toEqual([]);
    expect(calls.flat()).toHaveLength(7);
    expect(calls.every((c) => c.length <= 3)).toBe(true);
    expect(calls.length).toBeLessThan(7);
    expect(listener.stats.responded).toBe(0);
    gate.resolve();
    for (const r of requests) expectValidResponse(await nas.reply(r[1] ?? -1), r);
    expect(listener.stats).toMatchObject({ recorded: 7, responded: 7 });
  });

  it('answers nothing when onRecords rejects, then records the retransmission once the store is back', async () => {
    let failing = true;
    const stored: AccountingRecord[] = [];
    const { nas, listener } = await open({
      onRecords: async (records) => {
        if (failing) throw new Error('database unavailable');
        stored.push(...records);
      },
    });
    const request = handPacket(sessionAttrs(STATUS.start, 'retry-me'), { id: 42 });
    expect(await nas.ask(request, 300)).toBeUndefined();
    expect(listener.stats).toMatchObject({ storeFailures: 1, recorded: 0, responded: 0 });
    failing = false;
    expectValidResponse(await nas.ask(request), request);
    expect(stored.map((r) => r.sessionId)).toEqual(['retry-me']);
    expect(listener.stats).toMatchObject({ storeFailures: 1, recorded: 1, duplicates: 0 });
  });

  it('records a retransmission once and answers every copy with the same response', async () => {
    const { nas, listener, batches } = await open();
    const request = handPacket(sessionAttrs(STATUS.interim, 'dup'), { id: 50 });
    const answers = [];
    for (let i = 0; i < 3; i++) answers.push(expectValidResponse(await nas.ask(request), request));
    expect(answers[1]).toEqual(answers[0]);
    expect(answers[2]).toEqual(answers[0]);
    expect(batches.flat()).toHaveLength(1);
    expect(listener.stats).toMatchObject({ received: 3, recorded: 1, duplicates: 2, responded: 3 });
  });

  it('answers a retransmission that arrives while the first copy is being stored, recording it once', async () => {
    const gate = deferred();
    const calls: AccountingRecord[][] = [];
    const { nas, listener } = await open({ onRecords: async (records) => (calls.push(records), gate.promise) });
    const request = handPacket(sessionAttrs(STATUS.stop, 'dup-in-flight'), { id: 51 });
    nas.send(request);
    await sleep(50);
    nas.send(request);
    expect(await nas.unclaimed(100)).toEqual([]);
    gate.resolve();
    expectValidResponse(await nas.reply(51), request);
    expectValidResponse(await nas.reply(51), request);
    expect(calls.flat()).toHaveLength(1);
    expect(listener.stats).toMatchObject({ recorded: 1, duplicates: 1, responded: 2 });
  });

  it('treats the same packet as new once duplicateWindowMs has passed', async () => {
    const clock = new ManualClock(T0);
    const { nas, batches } = await open({ clock, duplicateWindowMs: 5000 });
    const request = handPacket(sessionAttrs(STATUS.interim, 'later'), { id: 60 });
    await nas.ask(request);
    clock.advance(4999);
    await nas.ask(request);
    expect(batches.flat()).toHaveLength(1);
    clock.advance(1);
    expectValidResponse(await nas.ask(request), request);
    expect(batches.flat()).toHaveLength(2);
  });

  it('answers Accounting-On and Accounting-Off without recording anything', async () => {
    const { nas, listener, batches } = await open();
    const on = handPacket(
      [
        [A.statusType, u32(STATUS.on)],
        [A.sessionId, txt('0')],
      ],
      { id: 70 },
    );
    const off = radius.encode({ code: 'Accounting-Request', secret: SECRET, identifier: 71, attributes: [['Acct-Status-Type', 'Accounting-Off']] });
    expectValidResponse(await nas.ask(on), on);
    expectValidResponse(await nas.ask(off), off);
    expect(batches).toEqual([]);
    expect(listener.stats).toMatchObject({ recorded: 0, ignored: 2, responded: 2 });
  });

  it('normalizes Calling-Station-Id to E.164 whichever international form the NAS sends', async () => {
    const { nas, batches } = await open();
    const forms = ['5511987654321', '+5511987654321', '005511987654321', ' +5511987654321\0'];
    for (const [i, form] of forms.entries()) await nas.ask(handPacket(sessionAttrs(STATUS.start, `n${i}`, [], form), { id: i }));
    expect(batches.flat().map((r) => r.msisdn)).toEqual(forms.map(() => MSISDN));
    expect(normalizeMsisdn('011987654321')).toBeUndefined(); // national format: country unknown
    expect(normalizeMsisdn('+55119876543210000')).toBeUndefined(); // 17 digits: longer than E.164
    expect(normalizeMsisdn('aa:bb:cc:dd:ee:ff')).toBeUndefined();
    expect(normalizeMsisdn('00-11-22-33-44-55')).toBeUndefined(); // a Wi-Fi MAC, not a number
    expect(maskMsisdn(MSISDN)).toBe('+551********21');
  });

  it('dates a record by Event-Timestamp, else by receive time less Acct-Delay-Time', async () => {
    const { nas, batches } = await open({ clock: new ManualClock(T0) });
    const cases: Array<[Attr[], number]> = [
      [[[A.eventTimestamp, u32(1_893_456_000)]], 1_893_456_000_000],
      [
        [
          [A.eventTimestamp, u32(1_893_456_000)],
          [A.delayTime, u32(30)],
        ],
        1_893_456_000_000,
      ],
      [[], T0],
      [[[A.delayTime, u32(7)]], T0 - 7000],
      [[[A.eventTimestamp, u32(0)]], T0],
    ];
    for (const [i, [extra]] of cases.entries()) await nas.ask(handPacket(sessionAttrs(STATUS.interim, `t${i}`, extra), { id: i }));
    expect(batches.flat().map((r) => r.eventTime)).toEqual(cases.map(([, t]) => t));
  });

  it('logs masked MSISDNs and never the secret', async () => {
    const lines: string[] = [];
    const sink = new Writable({ write: (chunk: Buffer, _enc, done) => (lines.push(chunk.toString()), done()) });
    const { nas } = await open({ logger: pino({ level: 'trace' }, sink), onRecords: async () => Promise.reject(new Error('store down')) });
    await nas.ask(handPacket(sessionAttrs(STATUS.start, 'wrong'), { id: 1, secret: 'guess' }), 200);
    await nas.ask(handPacket(sessionAttrs(STATUS.start, 'long', [], '+55119876543210000'), { id: 2 }), 200);
    await nas.ask(handPacket(sessionAttrs(STATUS.start, 'fails'), { id: 3 }), 200);
    const log = lines.join('');
    expect(log).toMatch(/bad request authenticator/);
    expect(log).toMatch(/storing records failed/);
    expect(log).toContain('+551************00');
    expect(log).not.toContain('5511987654321');
    expect(log).not.toContain(SECRET);
  });

  it('refuses to be built without a shared secret', () => {
    const onRecords = async (): Promise<void> => {};
    expect(() => new RadiusAccountingListener({ secret: '', onRecords })).toThrow(/secret is required/);
    expect(() => new RadiusAccountingListener({ secret: SECRET, secrets: { 'nas-1': 'x' }, onRecords })).toThrow(/not an IP address/);
  });

  it('rejects start() when the port is already taken', async () => {
    const { port } = await open();
    const second = new RadiusAccountingListener({ host: '127.0.0.1', port, secret: SECRET, onRecords: async () => {} });
    await expect(second.start()).rejects.toThrow(/EADDRINUSE/);
  });

  it('on stop(), answers what is being stored before closing', async () => {
    const gate = deferred();
    const { nas, listener } = await open({ onRecords: () => gate.promise });
    const request = handPacket(sessionAttrs(STATUS.stop, 'closing'), { id: 90 });
    nas.send(request);
    await sleep(50);
    const stopped = listener.stop();
    gate.resolve();
    await stopped;
    expectValidResponse(await nas.reply(90), request);
  });

  it('records a burst of 20,000 requests from 8 NASes exactly once and answers every one', async () => {
    const TOTAL = 20_000;
    const SOCKETS = 8;
    const sessions = new Set<string>();
    const { listener, port } = await open({ onRecords: async (records) => void records.forEach((r) => sessions.add(r.sessionId)) });
    const packets = Array.from({ length: SOCKETS }, (_, s) =>
      Array.from({ length: TOTAL / SOCKETS }, (_, i) =>
        radius.encode({
          code: 'Accounting-Request',
          secret: SECRET,
          identifier: i % 256,
          attributes: [
            ['Acct-Status-Type', 'Interim-Update'],
            ['Acct-Session-Id', `burst-${s}-${i}`],
            ['Calling-Station-Id', `55119${String(s * 10_000 + i).padStart(8, '0')}`],
            ['Framed-IP-Address', `100.${64 + s}.${i >> 8}.${i & 255}`],
          ],
        }),
      ),
    );
    let answered = 0;
    let invalid = 0;
    let retransmits = 0;
    const started = performance.now();
    // Each socket is a NAS with one request in flight per Identifier (256), the way a real NAS
    // paces itself; an unanswered request is retransmitted after a second.
    await Promise.all(
      packets.map(async (mine) => {
        const socket = createSocket('udp4');
        nases.push(socket);
        await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
        socket.setRecvBufferSize(1 << 20);
        const inFlight = new Map<number, { index: number; sentAt: number }>();
        const sendIndex = (index: number): void => {
          const packet = mine[index] as Buffer;
          inFlight.set(index % 256, { index, sentAt: performance.now() });
          socket.send(packet, port, '127.0.0.1');
        };
        await new Promise<void>((resolve) => {
          let left = mine.length;
          socket.on('message', (msg) => {
            const slot = inFlight.get(msg[1] ?? -1);
            if (!slot) return; // a late answer to a retransmitted request
            const request = mine[slot.index] as Buffer;
            const ok = msg[0] === 5 && md5(msg.subarray(0, 4), request.subarray(4, 20), msg.subarray(20), SECRET).equals(msg.subarray(4, 20));
            if (!ok) invalid++;
            answered++;
            inFlight.delete(msg[1] ?? -1);
            if (--left === 0) return resolve();
            if (slot.index + 256 < mine.length) sendIndex(slot.index + 256);
          });
          const timer = setInterval(() => {
            const now = performance.now();
            for (const slot of inFlight.values()) if (now - slot.sentAt > 1000) retransmits++, sendIndex(slot.index);
            if (left === 0) clearInterval(timer);
          }, 250);
          for (let i = 0; i < Math.min(256, mine.length); i++) sendIndex(i);
        });
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    const rate = Math.round(TOTAL / seconds);
    console.info(`radius accounting burst: ${TOTAL} requests answered in ${seconds.toFixed(2)} s = ${rate} packets/s (${retransmits} retransmissions)`);
    expect(invalid).toBe(0);
    expect(answered).toBe(TOTAL);
    expect(sessions.size).toBe(TOTAL);
    expect(listener.stats).toMatchObject({ recorded: TOTAL, malformed: 0, badAuthenticator: 0 });
    expect(listener.stats.responded).toBeGreaterThanOrEqual(TOTAL);
  }, 25_000);
});
