import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import { isIPv6 } from 'node:net';
import { pino, type Logger } from 'pino';
import radius, { type DecodedPacket } from 'radius';
import { systemClock, type Clock } from '../../lib/clock.js';
import { canonicalIp } from '../ip.js';
import { checkAccountingRequest, decodeAttributes, encodeResponse } from './accounting-packet.js';
import { readAccounting, type AccountingRecord } from './accounting-record.js';
import { DuplicateCache, type ReplyTo } from './duplicate-cache.js';
import { settingsFrom, type AccountingListenerOptions, type ListenerSettings, type Secret } from './listener-options.js';
import { maskMsisdn } from './msisdn.js';

export interface AccountingStats {
  /** Datagrams read from the socket. */
  received: number;
  /** Records `onRecords` accepted. */
  recorded: number;
  /** Accounting-Responses sent, repeats included. */
  responded: number;
  badAuthenticator: number;
  malformed: number;
  /** Retransmissions recognised: answered again, not recorded again. */
  duplicates: number;
  /** `onRecords` calls that rejected (their requests went unanswered). */
  storeFailures: number;
  /** Valid requests answered without a record: Accounting-On/Off and other non-session statuses. */
  ignored: number;
  /** Requests dropped unanswered because `maxPendingRecords` were already waiting for the store. */
  shed: number;
}

interface Queued {
  record: AccountingRecord;
  key: string;
  request: DecodedPacket;
  secret: Secret;
}

/** Most NAS addresses remembered to warn once about a wrong secret, so a flood cannot grow it. */
const WARNED_NAS_LIMIT = 1024;

/**
 * RADIUS accounting server (RFC 2866) for a mobile core's session feed. Requests that arrive in
 * one event-loop turn are stored with one `onRecords` call; each is answered only after that call
 * resolves, since an Accounting-Response tells the NAS it may discard the record.
 */
export class RadiusAccountingListener {
  private boundPort: number | undefined;

  /** The UDP port listened on (the one chosen when port 0 was asked for); undefined before start. */
  get port(): number | undefined {
    return this.boundPort;
  }

  readonly stats: AccountingStats = { received: 0, recorded: 0, responded: 0, badAuthenticator: 0, malformed: 0, duplicates: 0, storeFailures: 0, ignored: 0, shed: 0 };
  private readonly s: ListenerSettings;
  private readonly onRecords: AccountingListenerOptions['onRecords'];
  private readonly log: Logger;
  private readonly clock: Clock;
  private readonly duplicates: DuplicateCache;
  private readonly warnedNas = new Set<string>();
  private readonly storing = new Set<Promise<void>>();
  private socket: Socket | undefined;
  private sweeper: NodeJS.Timeout | undefined;
  private queue: Queued[] = [];
  private flushSoon: NodeJS.Immediate | undefined;
  private unstored = 0;
  private sending = 0;
  private sent: (() => void) | undefined;
  private closing = false;
  private stopping: Promise<void> | undefined;

  constructor(options: AccountingListenerOptions) {
    this.s = settingsFrom(options);
    this.onRecords = options.onRecords;
    this.log = options.logger ?? pino({ enabled: false });
    this.clock = options.clock ?? systemClock;
    this.duplicates = new DuplicateCache(this.s.duplicateWindowMs);
  }

  async start(): Promise<{ port: number }> {
    if (this.socket) throw new Error('radius accounting: already started');
    radius.load_dictionaries(); // synchronous file reads: now rather than on the first packet
    const socket = createSocket({ type: isIPv6(this.s.host) ? 'udp6' : 'udp4' });
    socket.on('message', (datagram, from) => {
      // Whatever a datagram holds, it must not take the listener down with an uncaught throw.
      try {
        this.receive(datagram, from);
      } catch (err) {
        this.stats.malformed++;
        this.log.error({ err }, 'radius accounting: request handling failed');
      }
    });
    try {
      await new Promise<void>((resolve, reject) => {
        socket.once('error', reject);
        socket.bind(this.s.port, this.s.host, () => {
          socket.off('error', reject);
          resolve();
        });
      });
    } catch (err) {
      socket.close();
      throw err;
    }
    // Without a listener an 'error' event would throw; a failed send is the NAS's to retransmit.
    socket.on('error', (err) => this.log.warn({ err }, 'radius accounting socket error'));
    this.socket = socket;
    this.closing = false;
    const recvBufferBytes = this.growReceiveBuffer(socket);
    this.sweeper = setInterval(() => this.duplicates.sweep(this.clock.now()), Math.max(1000, this.s.duplicateWindowMs));
    this.sweeper.unref();
    const { port } = socket.address();
    this.boundPort = port;
    this.log.info({ host: this.s.host, port, recvBufferBytes }, 'radius accounting listening');
    return { port };
  }

  /**
   * Stops reading, stores and answers what was already received, then closes the socket. Waits
   * for `onRecords` calls in progress, however long they take.
   */
  stop(): Promise<void> {
    this.stopping ??= this.close();
    return this.stopping;
  }

  private async close(): Promise<void> {
    const socket = this.socket;
    if (!socket) return;
    this.closing = true;
    this.flush();
    await Promise.all([...this.storing]);
    // A send completes on a later tick; closing first would drop the last responses.
    if (this.sending > 0) await new Promise<void>((resolve) => (this.sent = resolve));
    clearInterval(this.sweeper);
    await new Promise<void>((resolve) => socket.close(() => resolve()));
    this.socket = undefined;
    this.stopping = undefined;
  }

  private receive(datagram: Buffer, from: RemoteInfo): void {
    if (this.closing) return;
    this.stats.received++;
    // A udp4 socket reports dotted quads already; a udp6 one reports IPv4 NASes as ::ffff:a.b.c.d.
    const nas = from.family === 'IPv6' ? (canonicalIp(from.address) ?? from.address) : from.address;
    const secret = this.s.nasSecrets.get(nas) ?? this.s.defaultSecret;
    const check = checkAccountingRequest(datagram, secret.bytes);
    if (!check.ok) return this.drop(check.reason, check.detail, nas);

    const now = this.clock.now();
    const key = DuplicateCache.key(nas, check.packet);
    const seen = this.duplicates.repeat(key, from, now);
    if (seen) {
      this.stats.duplicates++;
      if (seen.response) this.send(seen.response, from);
      return;
    }

    let request: DecodedPacket;
    try {
      request = decodeAttributes(check.packet);
    } catch (err) {
      return this.drop('malformed', err instanceof Error ? err.message : 'undecodable attributes', nas);
    }
    const reading = readAccounting(request, nas, now);
    if (reading.kind === 'malformed') {
      const detail = reading.callingStationId ? `${reading.detail} (${maskMsisdn(reading.callingStationId)})` : reading.detail;
      return this.drop('malformed', detail, nas);
    }
    if (reading.kind === 'answer-only') {
      this.stats.ignored++;
      const response = encodeResponse(request, secret.text);
      this.duplicates.answered(key, response, now);
      return this.send(response, from);
    }
    if (this.unstored + this.queue.length >= this.s.maxPendingRecords) {
      this.stats.shed++;
      return;
    }
    this.duplicates.storing(key, from);
    this.queue.push({ record: reading.record, key, request, secret });
    if (this.queue.length >= this.s.batchSize) this.flush();
    else this.flushSoon ??= setImmediate(() => this.flush());
  }

  private flush(): void {
    if (this.flushSoon) clearImmediate(this.flushSoon);
    this.flushSoon = undefined;
    const batch = this.queue;
    if (batch.length === 0) return;
    this.queue = [];
    this.unstored += batch.length;
    const done = this.store(batch)
      .catch((err: unknown) => this.log.error({ err }, 'radius accounting: answering a stored batch failed'))
      .finally(() => {
        this.unstored -= batch.length;
        this.storing.delete(done);
      });
    this.storing.add(done);
  }

  private async store(batch: Queued[]): Promise<void> {
    try {
      await this.onRecords(batch.map((q) => q.record));
    } catch (err) {
      this.stats.storeFailures++;
      for (const q of batch) this.duplicates.forget(q.key);
      this.log.warn({ err, records: batch.length }, 'radius accounting: storing records failed; left unanswered for the NAS to retransmit');
      return;
    }
    this.stats.recorded += batch.length;
    const now = this.clock.now();
    for (const q of batch) {
      const response = encodeResponse(q.request, q.secret.text);
      for (const to of this.duplicates.answered(q.key, response, now)) this.send(response, to);
    }
  }

  private send(response: Buffer, to: ReplyTo): void {
    const socket = this.socket;
    if (!socket) return;
    this.sending++;
    socket.send(response, to.port, to.address, (err) => {
      if (err) this.log.debug({ err, nas: to.address }, 'radius accounting: response not sent');
      else this.stats.responded++;
      if (--this.sending === 0) this.sent?.();
    });
  }

  private drop(reason: 'malformed' | 'bad-authenticator', detail: string, nas: string): void {
    if (reason === 'malformed') {
      this.stats.malformed++;
      this.log.debug({ nas, detail }, 'radius accounting: malformed request dropped');
      return;
    }
    this.stats.badAuthenticator++;
    // A wrong shared secret is a configuration error worth one warning per NAS; the rest is noise.
    const first = !this.warnedNas.has(nas) && this.warnedNas.size < WARNED_NAS_LIMIT;
    if (first) this.warnedNas.add(nas);
    this.log[first ? 'warn' : 'debug']({ nas }, 'radius accounting: bad request authenticator (wrong shared secret?), dropped');
  }

  private growReceiveBuffer(socket: Socket): number {
    try {
      socket.setRecvBufferSize(this.s.recvBufferBytes);
    } catch (err) {
      this.log.warn({ err }, 'radius accounting: could not set the socket receive buffer');
    }
    const granted = socket.getRecvBufferSize();
    if (granted < this.s.recvBufferBytes) {
      this.log.warn({ requested: this.s.recvBufferBytes, granted }, 'radius accounting: receive buffer smaller than asked (raise net.core.rmem_max); bursts may be dropped');
    }
    return granted;
  }
}
