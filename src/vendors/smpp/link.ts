import type { Logger } from 'pino';
import smpp, { type Pdu, type Session } from 'smpp';
import { isBlockedAddress, type OutboundGuard } from '../../outbound/outbound-guard.js';
import { ESME, statusName } from './status.js';

export interface LinkSettings {
  host: string;
  port: number;
  tls: boolean;
  systemId: string;
  password: string;
  systemType: string;
  enquireLinkMs: number;
  responseTimeoutMs: number;
  connectTimeoutMs: number;
  reconnectMaxMs: number;
  /** Opens the TCP (or TLS) connection, checking the SMSC's address as it connects. */
  outbound: OutboundGuard;
}

export interface LinkListener {
  /** The session is bound as a transceiver: submits may flow. */
  up(session: Session): void;
  /** The bound session is gone: whatever awaited a response on it will never get one. */
  down(reason: Error): void;
  /** A deliver_sm arrived; the link answers it with deliver_sm_resp whatever the listener does. */
  deliver(pdu: Pdu): void;
  /** The outbound guard refused the SMSC's address: nothing can be sent while it resolves there. */
  refused(reason: Error): void;
}

const FIRST_RETRY_MS = 500;
const SMPP_3_4 = 0x34;

/**
 * One bind_transceiver session to the SMSC, kept alive with enquire_link and re-established with
 * a doubling backoff whenever the SMSC drops it or refuses the bind, until close().
 */
export class SmppLink {
  private session: Session | undefined;
  private bound = false;
  private closed = false;
  private failures = 0;
  private retry: NodeJS.Timeout | undefined;
  private keepAlive: NodeJS.Timeout | undefined;
  /** Why the last connect or bind failed, or the link dropped: the cause of CONNECTION_FAILED. */
  lastFailure: Error | undefined;

  constructor(
    private readonly s: LinkSettings,
    private readonly log: Logger,
    private readonly listener: LinkListener,
  ) {}

  start(): void {
    this.connect();
  }

  private connect(): void {
    this.retry = undefined;
    const { host, port, tls } = this.s;
    // The guard's socket: a literal address is checked before connecting, a name where it
    // resolves; with TLS the certificate is checked against the host (SNI when it is a name).
    const socket = this.s.outbound.socket(host, port, tls ? {} : undefined);
    const session = smpp.connect({ socket });
    this.session = session;
    const deadline = setTimeout(() => this.fail(session, new Error(`no bind within ${this.s.connectTimeoutMs} ms`)), this.s.connectTimeoutMs);

    // Submits are small PDUs written back to back; Nagle would hold all but the first until the
    // SMSC acknowledges it, shrinking the window to one round trip at a time.
    session.socket.setNoDelay(true);
    // A session over a socket it was given does not re-emit the socket's connect events.
    socket.once(tls ? 'secureConnect' : 'connect', () => {
      const bind = { system_id: this.s.systemId, password: this.s.password, system_type: this.s.systemType, interface_version: SMPP_3_4 };
      session.bind_transceiver(bind, (resp) => {
        clearTimeout(deadline);
        if (resp.command_status !== ESME.ROK) return this.fail(session, new Error(`bind refused: ${statusName(resp.command_status)}`));
        if (session !== this.session) return;
        this.bound = true;
        this.failures = 0;
        this.lastFailure = undefined;
        this.log.info({ host, port }, 'smpp bound');
        this.startKeepAlive(session);
        this.listener.up(session);
      });
    });
    // Without a listener an 'error' would throw; the 'close' that follows does the work.
    session.on('error', (err: Error) => {
      if (session !== this.session) return;
      this.lastFailure = err;
      if (isBlockedAddress(err)) this.listener.refused(err);
    });
    session.on('close', () => {
      clearTimeout(deadline);
      this.lost(session);
    });
    session.on('enquire_link', (pdu: Pdu) => session.send(pdu.response()));
    session.on('unbind', (pdu: Pdu) => {
      session.send(pdu.response(), undefined, () => session.destroy());
    });
    session.on('unknown', (pdu: Pdu) => session.send(pdu.response())); // generic_nack
    session.on('deliver_sm', (pdu: Pdu) => {
      try {
        this.listener.deliver(pdu);
      } catch (err) {
        // Thrown here it would escape the library's socket reader and take the process down.
        this.log.error({ reason: err instanceof Error ? err.message : String(err) }, 'smpp deliver_sm handler failed');
      } finally {
        session.send(pdu.response());
      }
    });
  }

  private startKeepAlive(session: Session): void {
    this.keepAlive = setInterval(() => {
      const timer = setTimeout(() => this.fail(session, new Error('no enquire_link_resp')), this.s.responseTimeoutMs);
      if (!session.enquire_link({}, () => clearTimeout(timer))) clearTimeout(timer);
    }, this.s.enquireLinkMs);
  }

  /** Gives up on a session; its 'close' then reports the loss and schedules the reconnect. */
  private fail(session: Session, reason: Error): void {
    if (session === this.session) {
      this.lastFailure = reason;
      this.log.warn({ reason: reason.message }, 'smpp link failed');
    }
    session.destroy();
  }

  private lost(session: Session): void {
    if (session !== this.session) return;
    this.session = undefined;
    clearInterval(this.keepAlive);
    if (this.bound) {
      this.bound = false;
      const reason = new Error('SMPP link lost', { cause: this.lastFailure });
      this.lastFailure = reason;
      if (!this.closed) this.log.warn('smpp link lost');
      this.listener.down(reason);
    }
    if (this.closed) return;
    const delay = Math.min(FIRST_RETRY_MS * 2 ** this.failures, this.s.reconnectMaxMs);
    this.failures = Math.min(this.failures + 1, 30);
    this.retry = setTimeout(() => this.connect(), delay);
  }

  /** Unbinds (waiting at most the response timeout for unbind_resp), closes, and stops reconnecting. */
  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.retry);
    clearInterval(this.keepAlive);
    const session = this.session;
    if (!session) return;
    await new Promise<void>((resolve) => {
      session.once('close', () => resolve());
      if (!this.bound) return session.destroy();
      const force = setTimeout(() => session.destroy(), this.s.responseTimeoutMs);
      const sent = session.unbind({}, () => {
        clearTimeout(force);
        session.destroy();
      });
      if (!sent) session.destroy();
    });
  }
}
