/**
 * A small SMSC on loopback, built with the `smpp` package's own server: it binds transceivers,
 * answers (or refuses, delays, ignores) submit_sm, sends deliver_sm, and records what it saw.
 * Message text is decoded by the library, not by the provider's code, so a wrong GSM table or a
 * broken split shows up here.
 */
import type { AddressInfo } from 'node:net';
import smpp, { type Pdu, type Session } from 'smpp';
import type { ReceivedMessage } from '../../contracts/message-provider-contract.js';

/** What the SMSC does with a submit_sm: accept, say nothing, or answer with this command_status. */
export type Answer = 'accept' | 'silent' | number;

const ESME_RINVPASWD = 0x0e;

export interface Submit {
  sourceAddr: string;
  sourceTon: number;
  sourceNpi: number;
  destination: string;
  destTon: number;
  destNpi: number;
  registeredDelivery: number;
  dataCoding: number;
  esmClass: number;
  concat?: { ref: number; total: number; seq: number } | undefined;
  /** This part's text as the library decoded it. */
  text: string;
  /** Set once answered: the command_status sent back, and the message_id when accepted. */
  status?: number;
  messageId?: string;
}

export interface Bind {
  command: string;
  systemId: string;
  password: string;
  systemType: string;
  interfaceVersion: number;
  accepted: boolean;
}

export class LoopbackSmsc {
  readonly submits: Submit[] = [];
  readonly binds: Bind[] = [];
  enquireLinks = 0;
  unbinds = 0;
  /** TCP connections accepted, bound or not. */
  connections = 0;
  maxOutstanding = 0;
  /** Consumed one per submit_sm, in order; when empty, submits are accepted. */
  readonly plan: Answer[] = [];
  responseDelayMs = 0;
  answerEnquireLink = true;
  acceptBinds = true;
  /** Fault: hold submits until `after` arrived, answer the first `answer`, then destroy the socket. */
  dropMidWindow: { after: number; answer: number } | undefined;

  private readonly outstanding = new Map<Session, number>();
  private readonly bound = new Set<Session>();
  private held: Array<{ pdu: Pdu; submit: Submit }> = [];
  private nextId = 1;

  private constructor(
    private readonly server: smpp.Server,
    private readonly credentials: { systemId: string; password: string },
  ) {
    server.on('session', (session: Session) => this.serve(session));
    server.on('connection', () => (this.connections += 1));
  }

  static async start(credentials: { systemId: string; password: string }): Promise<LoopbackSmsc> {
    const smsc = new LoopbackSmsc(
      smpp.createServer(() => {}),
      credentials,
    );
    await new Promise<void>((resolve) => smsc.server.listen(0, '127.0.0.1', resolve));
    return smsc;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  get boundSessions(): number {
    return this.bound.size;
  }

  /** Accepted messages as the handset would show them: concatenated parts reassembled. */
  received(): ReceivedMessage[] {
    const out: ReceivedMessage[] = [];
    const groups = new Map<string, Submit[]>();
    for (const s of this.submits) {
      if (s.status !== 0) continue;
      if (!s.concat) {
        out.push({ to: `+${s.destination}`, text: s.text });
        continue;
      }
      const key = `${s.destination}/${s.concat.ref}/${s.concat.total}`;
      const parts = [...(groups.get(key) ?? []), s];
      groups.set(key, parts);
      if (parts.length === s.concat.total) {
        groups.delete(key);
        const text = parts
          .sort((a, b) => (a.concat?.seq ?? 0) - (b.concat?.seq ?? 0))
          .map((p) => p.text)
          .join('');
        out.push({ to: `+${s.destination}`, text });
      }
    }
    return out;
  }

  /** Sends a deliver_sm on a bound session (the oldest by default); resolves with the ESME's deliver_sm_resp. */
  deliver(params: Record<string, unknown>, which = 0): Promise<Pdu> {
    const session = [...this.bound][which];
    if (!session) return Promise.reject(new Error('no bound session'));
    return new Promise((resolve) => session.deliver_sm(params, resolve));
  }

  /** The SMSC drops every session without unbinding, as a crash or a network cut would. */
  dropLink(): void {
    for (const session of this.server.sessions) session.destroy();
  }

  async close(): Promise<void> {
    this.dropLink();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private serve(session: Session): void {
    session.on('error', () => {}); // a client that resets the socket is part of the tests
    session.on('close', () => {
      this.bound.delete(session);
      this.outstanding.delete(session);
    });
    session.on('bind_transceiver', (pdu: Pdu) => this.bind(session, pdu));
    session.on('enquire_link', (pdu: Pdu) => {
      this.enquireLinks += 1;
      if (this.answerEnquireLink) session.send(pdu.response());
    });
    session.on('unbind', (pdu: Pdu) => {
      this.unbinds += 1;
      session.send(pdu.response(), undefined, () => session.destroy());
    });
    session.on('submit_sm', (pdu: Pdu) => this.submit(session, pdu));
  }

  private bind(session: Session, pdu: Pdu): void {
    const accepted = this.acceptBinds && pdu.system_id === this.credentials.systemId && pdu.password === this.credentials.password;
    this.binds.push({
      command: pdu.command,
      systemId: String(pdu.system_id),
      password: String(pdu.password),
      systemType: String(pdu.system_type),
      interfaceVersion: Number(pdu.interface_version),
      accepted,
    });
    if (!accepted) {
      session.send(pdu.response({ command_status: ESME_RINVPASWD }), undefined, () => session.destroy());
      return;
    }
    this.bound.add(session);
    session.send(pdu.response({ system_id: 'loopback' }));
  }

  private submit(session: Session, pdu: Pdu): void {
    const submit = describe(pdu);
    this.submits.push(submit);
    const outstanding = (this.outstanding.get(session) ?? 0) + 1;
    this.outstanding.set(session, outstanding);
    this.maxOutstanding = Math.max(this.maxOutstanding, outstanding);

    const fault = this.dropMidWindow;
    if (fault) {
      this.held.push({ pdu, submit });
      if (this.held.length < fault.after) return;
      this.dropMidWindow = undefined;
      const answered = this.held.slice(0, fault.answer);
      this.held = [];
      answered.forEach(({ pdu: p, submit: s }, i) => {
        const last = i === answered.length - 1;
        this.answer(session, p, s, 0, last ? () => session.destroy() : undefined);
      });
      if (answered.length === 0) session.destroy();
      return;
    }

    const answer = this.plan.shift() ?? 'accept';
    if (answer === 'silent') return;
    const status = answer === 'accept' ? 0 : answer;
    setTimeout(() => this.answer(session, pdu, submit, status), this.responseDelayMs);
  }

  private answer(session: Session, pdu: Pdu, submit: Submit, status: number, flushed?: () => void): void {
    const messageId = `smsc-${this.nextId++}`;
    const resp = status === 0 ? pdu.response({ message_id: messageId }) : pdu.response({ command_status: status });
    if (!session.send(resp, undefined, flushed)) return;
    this.outstanding.set(session, (this.outstanding.get(session) ?? 1) - 1);
    submit.status = status;
    if (status === 0) submit.messageId = messageId;
  }
}

function describe(pdu: Pdu): Submit {
  const body = pdu.short_message as { udh?: Buffer[]; message: string };
  const ie = body.udh?.find((u) => u[0] === 0x00 && u[1] === 0x03);
  return {
    sourceAddr: String(pdu.source_addr),
    sourceTon: Number(pdu.source_addr_ton),
    sourceNpi: Number(pdu.source_addr_npi),
    destination: String(pdu.destination_addr),
    destTon: Number(pdu.dest_addr_ton),
    destNpi: Number(pdu.dest_addr_npi),
    registeredDelivery: Number(pdu.registered_delivery),
    dataCoding: Number(pdu.data_coding),
    esmClass: Number(pdu.esm_class),
    concat: ie ? { ref: ie[2] ?? -1, total: ie[3] ?? -1, seq: ie[4] ?? -1 } : undefined,
    text: body.message,
  };
}
